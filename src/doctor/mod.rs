//! `doctor`: the whole VS Code chain for one workspace, in the order a debug session
//! meets it — configuration → toolchain → build → binary → paths → breakpoints → (probe) —
//! ending with a verdict and the one change that fixes it. One function, [`run`], serves
//! the CLI, `--json` and any editor integration.

pub mod build;
pub mod rebuild;
pub mod rules;
pub mod session;

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use crate::diagnostic::{Finding, Severity};
use crate::paths::classify::PathClass;
use crate::paths::substitute::{self, DelveRule};
use crate::paths::workspace::{Workspace, WorkspaceOptions};
use crate::resolve::{DelveRules, Resolution, Resolver};
use crate::toolchain::{EnvOptions, Environment};
use crate::vscode::{self, Fix, LintOptions};
use crate::Target;
use session::{Session, Settings};

/// What to diagnose.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The workspace folder (`${workspaceFolder}`).
    pub workspace: PathBuf,
    /// The launch file (default: `.vscode/launch.json`, else the `.code-workspace`).
    pub launch_file: Option<PathBuf>,
    /// The configuration's name (default: the only or first Go one).
    pub config: Option<String>,
    /// Breakpoints besides `main.main`: `FILE:LINE` as the editor has it (a workspace
    /// path, relative or absolute), or any `where` spec.
    pub breaks: Vec<String>,
    /// The binary of an `attach` configuration (or to use instead of `program`).
    pub binary: Option<PathBuf>,
    /// The active editor file (`${file}`).
    pub active_file: Option<PathBuf>,
    /// Run the binary under ptrace and check the breakpoints are hit.
    pub prove: bool,
    /// The go and dlv to use instead of vscode-go's choice.
    pub go: Option<PathBuf>,
    pub dlv: Option<PathBuf>,
    /// Keep the binary a debug/test build produced at this path.
    pub keep_binary: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warning,
    Error,
    Skipped,
}

/// One link of the chain.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    /// `launch`, `toolchain`, `build`, `binary`, `paths`, `breakpoints`, `probe`.
    pub name: &'static str,
    pub status: Status,
    /// One line: what was looked at and what came out.
    pub summary: String,
    pub findings: Vec<Finding>,
    /// Time spent (the build's is Go's).
    pub millis: u64,
}

/// One breakpoint as the editor sends it and as Delve looks it up.
#[derive(Clone, Debug, Serialize)]
pub struct Breakpoint {
    /// As given (`main.main`, `main.go:11`, `/ws/main.go:11`).
    pub given: String,
    /// After the editor's absolute path and the configuration's substitutePath.
    pub sent: String,
    pub resolution: Resolution,
    /// With `--prove`: hit, not-hit, not-bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe: Option<String>,
}

/// What kind of change the first fix is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixKind {
    /// An edit of the configuration (`--fix` applies it).
    LaunchJson,
    /// Build the binary differently.
    Build,
    /// Install or select another tool (dlv, go).
    Toolchain,
    /// Anything else (the code, the breakpoint, the machine).
    Other,
}

/// The one change ranked first.
#[derive(Clone, Debug, Serialize)]
pub struct FirstFix {
    pub step: &'static str,
    pub id: String,
    pub kind: FixKind,
    pub text: String,
    /// The launch.json edit, when the fix is one.
    #[serde(skip)]
    pub edit: Option<Fix>,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub workspace: PathBuf,
    pub session: Session,
    /// The dlv vscode-go would start, and its version.
    pub dlv: Option<String>,
    pub go: Option<String>,
    /// The binary debugged (built, `program`, or `--binary`).
    pub binary: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build: Option<build::BuildResult>,
    pub steps: Vec<Step>,
    pub breakpoints: Vec<Breakpoint>,
    /// True when no step has an error finding: the breakpoints will bind.
    pub ok: bool,
    pub verdict: String,
    pub first_fix: Option<FirstFix>,
    /// The launch.json edits `--fix` applies now: the lint's for this configuration, or
    /// when there are none, the substitutePath the paths step derived.
    #[serde(skip)]
    pub edits: Vec<Fix>,
}

fn step(name: &'static str, summary: String, findings: Vec<Finding>, start: Instant) -> Step {
    let status = if findings.iter().any(|f| f.severity == Severity::Error) {
        Status::Error
    } else if findings.iter().any(|f| f.severity == Severity::Warning) {
        Status::Warning
    } else {
        Status::Ok
    };
    Step {
        name,
        status,
        summary,
        findings,
        millis: start.elapsed().as_millis() as u64,
    }
}

fn skipped(name: &'static str, why: impl Into<String>) -> Step {
    Step {
        name,
        status: Status::Skipped,
        summary: why.into(),
        findings: Vec::new(),
        millis: 0,
    }
}

/// Runs the chain. `Err` only for input that cannot be diagnosed at all (no workspace,
/// a launch file that is not JSON, a configuration name that does not exist).
pub fn run(opts: &Options) -> Result<Report, String> {
    let ws = std::path::absolute(&opts.workspace).map_err(|e| e.to_string())?;
    if !ws.is_dir() {
        return Err(format!("{}: not a directory", opts.workspace.display()));
    }
    let active = opts
        .active_file
        .as_ref()
        .map(|f| std::path::absolute(f).unwrap_or(f.clone()));
    let mut steps = Vec::new();
    let mut edits = Vec::new();

    // 1. The configuration.
    let t0 = Instant::now();
    let launch = opts
        .launch_file
        .clone()
        .or_else(|| session::launch_file(&ws));
    let cw = launch.as_deref().and_then(session::code_workspace);
    let settings = Settings::read(&ws, cw.as_ref()).map_err(|e| e.to_string())?;
    let session = match &launch {
        Some(f) => session::pick(f, &ws, opts.config.as_deref(), active.as_deref(), &settings)?,
        None if opts.config.is_some() => {
            return Err(format!(
                "{}: no .vscode/launch.json to take --config from",
                ws.display()
            ))
        }
        None => session::default_session(&ws, active.as_deref(), &settings),
    };
    let mut launch_findings = Vec::new();
    if let Some(f) = &launch {
        let src = vscode::load(f).map_err(|e| e.to_string())?;
        let lint_opts = LintOptions {
            workspace: Some(ws.clone()),
            active_file: active.clone(),
            binary: None,
            check_binary: None,
        };
        for d in vscode::lint(&src, &lint_opts).map_err(|e| e.to_string())? {
            if d.configuration.as_deref() == Some(session.name.as_str()) {
                if let Some(fix) = d.fix.clone() {
                    edits.push(fix);
                }
                launch_findings.push((d.finding, d.fix));
            }
        }
    }
    let mut summary = format!(
        "{:?}: request {}, mode {} ({})",
        session.name, session.request, session.mode, session.picked
    );
    if !session.unresolved.is_empty() {
        summary.push_str(&format!(
            "; not expanded here: {}",
            session.unresolved.join(", ")
        ));
    }
    let launch_fixes: Vec<(Finding, Option<Fix>)> = launch_findings.clone();
    steps.push(step(
        "launch",
        summary,
        launch_findings.into_iter().map(|(f, _)| f).collect(),
        t0,
    ));

    // 2. The toolchain vscode-go would use.
    let t1 = Instant::now();
    let alt = |k: &str| settings.alternate_tools.get(k).map(PathBuf::from);
    let go = opts
        .go
        .clone()
        .or_else(|| alt("go"))
        .or_else(|| {
            settings
                .goroot
                .as_ref()
                .map(|r| Path::new(r).join("bin/go"))
        })
        .or_else(|| crate::toolchain::detect::which("go"));
    // Asked in parallel with the build and the binary's own checks.
    let env_opts = EnvOptions {
        go: go.clone(),
        dlv: opts.dlv.clone(),
        workspace: Some(ws.clone()),
        alternate_tools: Some(
            settings
                .alternate_tools
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        quick: true,
    };
    let env_job = std::thread::spawn(move || Environment::detect(&env_opts));
    let tools_env: Vec<(String, String)> = settings
        .tools_env
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let toolchain_start = t1;

    // 3. The binary: built as Delve builds it, the program, or --binary.
    let t2 = Instant::now();
    let tmp = tempdir()?;
    let mut build_result = None;
    let binary: Option<PathBuf> = if let Some(b) = &opts.binary {
        steps_skip_build(&mut steps, "--binary given");
        Some(b.clone())
    } else if session.builds() {
        match go.as_deref() {
            None => {
                steps.push(skipped(
                    "build",
                    "no go command (PATH, go.alternateTools, go.goroot)",
                ));
                None
            }
            Some(go) => match build::run(&session, go, &tools_env, &tmp) {
                Err(e) => {
                    let f = Finding::new(&rules::build_failed::RULE, e);
                    steps.push(step("build", "not run".into(), vec![f], t2));
                    None
                }
                Ok(b) => {
                    let mut findings = Vec::new();
                    if !b.ok {
                        findings.push(build_failure(&b, &session, &tools_env));
                    }
                    let summary = format!("{} ({} ms, Go's time)", b.command, b.millis);
                    let mut s = step("build", summary, findings, t2);
                    s.millis = b.millis;
                    steps.push(s);
                    let out = b.output.clone();
                    let ok = b.ok;
                    build_result = Some(b);
                    ok.then_some(out)
                }
            },
        }
    } else if session.request == "launch" && session.mode == "exec" {
        steps_skip_build(&mut steps, "mode exec: Delve runs program as it is");
        session.program.clone()
    } else {
        steps_skip_build(
            &mut steps,
            format!(
                "{} {}: nothing is built; give the running binary with --binary",
                session.request, session.mode
            ),
        );
        None
    };

    // Toolchain findings need the binary (its Go version, its DWARF).
    let target = binary.as_ref().map(Target::open);
    let env = env_job
        .join()
        .map_err(|_| "the toolchain check failed".to_string())?;
    let dlv_text = env
        .dlv
        .as_ref()
        .map(|d| format!("{} ({})", d.path, d.version.as_deref().unwrap_or("?")));
    let go_text = env
        .go
        .as_ref()
        .map(|g| format!("{} ({})", g.path, g.version.as_deref().unwrap_or("?")));
    let target_ok = target.as_ref().and_then(|t| t.as_ref().ok());
    let toolchain_findings = env.findings(target_ok);
    let tsum = format!(
        "dlv {} · go {}",
        dlv_text.clone().unwrap_or_else(|| "not found".into()),
        go_text.clone().unwrap_or_else(|| "not found".into())
    );
    steps.insert(
        1,
        step("toolchain", tsum, toolchain_findings, toolchain_start),
    );

    // 4. The binary's own findings.
    let t3 = Instant::now();
    let mut breakpoints = Vec::new();
    match (&binary, &target) {
        (Some(b), Some(Ok(t))) => {
            let mut findings = crate::registry::check(t);
            // Trimmed paths the configuration's substitutePath already maps are fine.
            if vscode::lint::trimmed_paths_mapped(t, &session.substitute_path) {
                findings.retain(|f| !f.is(&crate::checks::trimpath_paths::RULE));
            }
            // The dlv vscode-go starts decides where breakpoints bind.
            let rules = env
                .dlv
                .as_ref()
                .and_then(|d| d.version.as_deref())
                .and_then(DelveRules::for_version)
                .unwrap_or_default();
            let main = t
                .main_main(rules.prologue())
                .map(|m| format!("; main.main → {}:{}", m.file, m.line))
                .unwrap_or_default();
            steps.push(step(
                "binary",
                format!("{}{main}", b.display()),
                findings,
                t3,
            ));
            // 5. Paths through the configuration's substitutePath.
            let t4 = Instant::now();
            let (psum, pfind, pfix) = paths_step(t, &ws, go.as_deref(), env.go.as_ref(), &session);
            // The substitutePath is derived from this build: a launch.json edit that
            // changes the build comes first, and the paths are looked at again after it.
            if let (Some(fx), true) = (pfix, edits.is_empty()) {
                edits.push(fx);
            }
            steps.push(step("paths", psum, pfind, t4));
            // 6. Breakpoints as the editor sends them.
            let t5 = Instant::now();
            let resolver = Resolver::with_rules(t, rules);
            let mut bfind = Vec::new();
            for given in std::iter::once("main.main".to_string()).chain(opts.breaks.iter().cloned())
            {
                let sent = editor_spec(&given, &ws, &session.substitute_path);
                let r = resolver.resolve(&sent);
                if let (false, Some(reason)) = (r.bound, &r.reason) {
                    if let Some(rule) = crate::registry::get(reason.id) {
                        let mut f = Finding::new(rule, format!("{given}: {}", reason.message));
                        if let Some(s) = r.substitute_path.first() {
                            f = f.fix(format!(
                                "add to launch.json \"substitutePath\": [{{\"from\": {:?}, \"to\": {:?}}}]",
                                s.from, s.to
                            ));
                        } else if let Some(n) = r.nearest.first() {
                            f = f.fix(format!(
                                "use a line with a statement, e.g. {}:{}",
                                n.file, n.line
                            ));
                        }
                        bfind.push(f.evidence(format!("sent to Delve as {sent}")));
                    }
                }
                breakpoints.push(Breakpoint {
                    given,
                    sent,
                    resolution: r,
                    probe: None,
                });
            }
            let bound = breakpoints.iter().filter(|b| b.resolution.bound).count();
            let bsum = format!(
                "{bound} of {} bind (Delve {} rules)",
                breakpoints.len(),
                rules.as_str()
            );
            steps.push(step("breakpoints", bsum, bfind, t5));
            // 7. The proof.
            if opts.prove {
                steps.push(prove(t, &session, &mut breakpoints));
            }
        }
        (Some(b), Some(Err(e))) => {
            steps.push(Step {
                name: "binary",
                status: Status::Error,
                summary: format!("{}: {e}", b.display()),
                findings: Vec::new(),
                millis: t3.elapsed().as_millis() as u64,
            });
        }
        _ => steps.push(skipped("binary", "no binary to read")),
    }

    if let (Some(keep), Some(b)) = (&opts.keep_binary, &build_result) {
        if b.ok {
            std::fs::copy(&b.output, keep).map_err(|e| format!("{}: {e}", keep.display()))?;
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);

    let mut first_fix = rank(&steps, &launch_fixes, &edits);
    // A binary built elsewhere (exec, --binary) is fixed by rebuilding it: the exact
    // command, from its own build info.
    if let (Some(f), Some(Some(Ok(t)))) =
        (first_fix.as_mut(), binary.as_ref().map(|_| target.as_ref()))
    {
        if f.step == "binary" && f.kind == FixKind::Build {
            if let Some(plan) = rebuild::plan_target(t, None).filter(|p| p.reproducible) {
                f.text = format!(
                    "rebuild it debuggable in the module root: {}   (debugdoctor rebuild {} --run proves it)",
                    plan.shell_command(Some(t.path())),
                    t.path().display()
                );
            }
        }
    }
    let ok = steps.iter().all(|s| s.status != Status::Error) && binary.is_some();
    let verdict = verdict(ok, &steps, &breakpoints, binary.is_some());
    Ok(Report {
        schema_version: 1,
        workspace: ws,
        session,
        dlv: dlv_text,
        go: go_text,
        binary: if build_result.is_some() { None } else { binary },
        build: build_result,
        steps,
        breakpoints,
        ok,
        verdict,
        first_fix,
        edits,
    })
}

/// DD902 with go's first message, and the fix when the cause is known: cgo turned off by
/// the configuration's env (or go.toolsEnvVars) for a package that needs it.
fn build_failure(
    b: &build::BuildResult,
    session: &Session,
    tools_env: &[(String, String)],
) -> Finding {
    let first = b
        .log
        .lines()
        .find(|l| !l.starts_with('#'))
        .unwrap_or("")
        .to_string();
    let mut f = Finding::new(
        &rules::build_failed::RULE,
        format!("the build fails: {first}"),
    )
    .evidence(b.command.clone())
    .evidence(b.log.clone());
    let needs_cgo =
        b.log.contains("build constraints exclude all Go files") || b.log.contains("requires cgo");
    let cgo_off = |v: &str| v.trim() == "0";
    if needs_cgo {
        if session.env.get("CGO_ENABLED").is_some_and(|v| cgo_off(v)) {
            f = f.fix(format!(
                "in launch.json {:?}: remove \"CGO_ENABLED\": \"0\" from env (this build needs cgo)",
                session.name
            ));
        } else if tools_env
            .iter()
            .any(|(k, v)| k == "CGO_ENABLED" && cgo_off(v))
        {
            f = f.fix("in .vscode/settings.json: remove CGO_ENABLED=0 from go.toolsEnvVars (this build needs cgo)");
        }
    }
    f
}

fn steps_skip_build(steps: &mut Vec<Step>, why: impl Into<String>) {
    steps.push(skipped("build", why));
}

fn tempdir() -> Result<PathBuf, String> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let d = std::env::temp_dir().join(format!(
        "debugdoctor-doctor-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&d).map_err(|e| format!("{}: {e}", d.display()))?;
    Ok(d)
}

/// A breakpoint as VS Code sends it: `FILE:LINE` naming a workspace file becomes its
/// absolute path, then the configuration's substitutePath maps it (client → server, as
/// Delve's dap server does). Other specs go as they are.
pub fn editor_spec(given: &str, ws: &Path, rules: &[DelveRule]) -> String {
    let Some((file, line)) = given.rsplit_once(':') else {
        return given.to_string();
    };
    if line.is_empty() || !line.bytes().all(|b| b.is_ascii_digit()) {
        return given.to_string();
    }
    let p = Path::new(file);
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else if ws.join(p).is_file() {
        ws.join(p)
    } else {
        return given.to_string();
    };
    format!(
        "{}:{line}",
        substitute::apply(&abs.to_string_lossy(), rules)
    )
}

/// The paths step: each main-module file through the configuration's substitutePath
/// (server → client, Delve's `toClientPath`) must exist in the workspace.
fn paths_step(
    t: &Target,
    ws: &Path,
    go: Option<&Path>,
    go_env: Option<&crate::toolchain::detect::GoTool>,
    session: &Session,
) -> (String, Vec<Finding>, Option<Fix>) {
    // GOROOT and the module cache as the toolchain step read them; no git (the chain
    // needs only which files exist).
    let workspace = Workspace::discover(
        ws,
        &WorkspaceOptions {
            go: go.map(Path::to_path_buf),
            goroot: go_env.and_then(|g| g.goroot.as_ref()).map(PathBuf::from),
            gomodcache: go_env
                .and_then(|g| g.gomodcache.as_ref())
                .map(PathBuf::from),
            no_git: true,
        },
    );
    let report = crate::paths::analyze(t, &workspace);
    let mine: Vec<&str> = report
        .files
        .iter()
        .filter(|f| matches!(f.path.class, PathClass::MainModule | PathClass::WorkModule))
        .map(|f| f.path.recorded.as_str())
        .collect();
    if mine.is_empty() {
        return (
            "no main-module source file recorded".into(),
            Vec::new(),
            None,
        );
    }
    let missing: Vec<(&str, String)> = mine
        .iter()
        .map(|r| (*r, substitute::apply_reverse(r, &session.substitute_path)))
        .filter(|(_, local)| !Path::new(local).is_absolute() || !Path::new(local).is_file())
        .collect();
    let rules_text = if session.substitute_path.is_empty() {
        "no substitutePath".to_string()
    } else {
        match session.substitute_path.len() {
            1 => "1 substitutePath rule".to_string(),
            n => format!("{n} substitutePath rules"),
        }
    };
    if missing.is_empty() {
        return (
            format!(
                "{} of {} main-module files found in the workspace ({rules_text})",
                mine.len(),
                mine.len()
            ),
            Vec::new(),
            None,
        );
    }
    let found = mine.len() - missing.len();
    let mut f = Finding::new(
        &rules::paths_not_mapped::RULE,
        format!(
            "{} of {} source files of the main module are not in this workspace {}: Delve cannot bind a breakpoint the editor sends there",
            missing.len(),
            mine.len(),
            match session.substitute_path.len() {
                0 => "and the configuration has no substitutePath".to_string(),
                n => format!("through the configuration's {n} substitutePath rule{}", if n == 1 { "" } else { "s" }),
            }
        ),
    );
    for (rec, local) in missing.iter().take(3) {
        f = f.evidence(format!("recorded {rec} → {local}: not found"));
    }
    let mut fix = None;
    if report.main_module_ok() && !report.launch_json.is_empty() {
        let rules: Vec<(String, String)> = report
            .launch_json
            .iter()
            .map(|r| (r.from.clone(), r.to.clone()))
            .collect();
        if let Some(index) = session.index {
            let edit = Fix::SetSubstitutePath {
                config: index,
                rules,
            };
            f = f.fix(format!(
                "in launch.json {:?}: {}",
                session.name,
                edit.describe()
            ));
            fix = Some(edit);
        } else {
            f = f.fix(format!(
                "add a launch.json configuration with \"substitutePath\": {}",
                vscode::lint::substitute_path_json(&rules)
            ));
        }
    } else {
        f = f.fix("open the workspace the binary was built from (debugdoctor paths BINARY --workspace DIR shows where its files are)");
    }
    (
        format!(
            "{found} of {} main-module files found in the workspace ({rules_text})",
            mine.len()
        ),
        vec![f],
        fix,
    )
}

/// `--prove`: runs the binary under ptrace with the breakpoints as Delve would set them.
fn prove(t: &Target, session: &Session, bps: &mut [Breakpoint]) -> Step {
    let start = Instant::now();
    let specs: Vec<String> = bps.iter().map(|b| b.sent.clone()).collect();
    let opts = crate::probe::ProbeOptions {
        cwd: session.cwd.clone().or_else(|| session.build_dir()),
        quiet: true,
        ..Default::default()
    };
    match crate::probe::probe(t, &specs, &opts) {
        Err(e) => skipped("probe", format!("not run: {e}")),
        Ok(report) => {
            let mut findings = Vec::new();
            for (b, r) in bps.iter_mut().zip(&report.breakpoints) {
                b.probe = Some(r.status.to_string());
                if b.given == "main.main" && r.status != "hit" {
                    findings.push(
                        Finding::new(
                            &crate::probe::rules::main_not_reached::RULE,
                            format!("main.main was {} when the program ran", r.status),
                        )
                        .evidence(format!("end: {}", report.end)),
                    );
                }
            }
            let hit = bps
                .iter()
                .filter(|b| b.probe.as_deref() == Some("hit"))
                .count();
            step(
                "probe",
                format!("{hit} of {} hit under ptrace ({})", bps.len(), report.end),
                findings,
                start,
            )
        }
    }
}

/// Warnings of an earlier step that cause errors of a later one: a `-gcflags` in a string
/// buildFlags (DD407) or in GOFLAGS (DD420) overrides Delve's `all=-N -l`; `-trimpath`
/// (DD408) makes every recorded path differ from the workspace.
const CAUSES: &[(&str, &[&str])] = &[
    ("DD407", &["DD201", "DD202", "DD203", "DD707"]),
    ("DD420", &["DD201", "DD202", "DD203", "DD707", "DD902"]),
    ("DD408", &["DD901", "DD706", "DD701", "DD301"]),
];

/// The first fix: the first error (in the order a session meets the steps) that has a
/// fix — unless an earlier warning is its known cause — else the first warning's.
fn rank(steps: &[Step], launch: &[(Finding, Option<Fix>)], edits: &[Fix]) -> Option<FirstFix> {
    let all: Vec<(&Step, &Finding)> = steps
        .iter()
        .flat_map(|s| s.findings.iter().map(move |f| (s, f)))
        .filter(|(_, f)| f.fix.is_some())
        .collect();
    let first_error = all.iter().position(|(_, f)| f.severity == Severity::Error);
    let pick = match first_error {
        Some(e) => {
            let err = all[e].1.id.to_string();
            all[..e]
                .iter()
                .find(|(_, f)| {
                    CAUSES.iter().any(|(c, effects)| {
                        f.id.to_string() == *c && effects.contains(&err.as_str())
                    })
                })
                .copied()
                .unwrap_or(all[e])
        }
        None => *all.iter().find(|(_, f)| f.severity == Severity::Warning)?,
    };
    let (s, f) = pick;
    let edit = match s.name {
        "launch" => launch
            .iter()
            .find(|(lf, _)| lf.id == f.id && lf.message == f.message)
            .and_then(|(_, e)| e.clone()),
        "paths" => edits
            .iter()
            .find(|e| matches!(e, Fix::SetSubstitutePath { .. }))
            .cloned(),
        _ => None,
    };
    let text = f.fix.clone().unwrap_or_default();
    let kind = match (s.name, &edit) {
        (_, Some(_)) | ("launch", _) => FixKind::LaunchJson,
        _ if text.starts_with("in launch.json") => FixKind::LaunchJson,
        ("toolchain", _) => FixKind::Toolchain,
        ("binary", _) | ("build", _) => FixKind::Build,
        _ => FixKind::Other,
    };
    Some(FirstFix {
        step: s.name,
        id: f.id.to_string(),
        kind,
        text,
        edit,
    })
}

fn verdict(ok: bool, steps: &[Step], bps: &[Breakpoint], have_binary: bool) -> String {
    if ok {
        let b = bps.iter().filter(|b| b.resolution.bound).count();
        return format!(
            "Delve will bind {b} of {} breakpoints, main.main included",
            bps.len()
        );
    }
    let first = steps
        .iter()
        .flat_map(|s| s.findings.iter().map(move |f| (s.name, f)))
        .find(|(_, f)| f.severity == Severity::Error);
    let bound_all = steps
        .iter()
        .any(|s| s.name == "breakpoints" && s.status != Status::Error);
    match (first, have_binary) {
        // Only the binary's own errors (optimised, no variables) leave binding intact;
        // a configuration, toolchain or build error stops the session before it.
        (Some((step, f)), _) if bound_all && step == "binary" => format!(
            "Delve binds {}, but the session will mislead: {step}: [{}] {}",
            if bps.len() == 1 {
                "main.main".to_string()
            } else {
                format!("all {} breakpoints", bps.len())
            },
            f.id,
            f.message
        ),
        (Some((step, f)), _) => format!(
            "breakpoints will not bind: {step}: [{}] {}",
            f.id, f.message
        ),
        (None, false) => "no binary to debug: see the build step".into(),
        (None, true) => {
            let s = steps
                .iter()
                .find(|s| s.status == Status::Error)
                .map(|s| s.summary.clone())
                .unwrap_or_default();
            format!("breakpoints will not bind: {s}")
        }
    }
}
