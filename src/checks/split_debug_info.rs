//! DD105 split-debug-info: DWARF lives in a separate file (`.gnu_debuglink` / build-id).

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::Target;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD105"),
    name: "split-debug-info",
    severity: Severity::Info,
    title: "debug info is in a separate file (found, or not found: error)",
    explain: r#"
What it does
  When the binary has no DWARF but names a separate debug file (.gnu_debuglink, with a
  CRC-32) or has a GNU build-id, looks for that file where gdb does: the binary's
  directory, its .debug/ subdirectory, /usr/lib/debug/<dir>/, and
  /usr/lib/debug/.build-id/ab/cdef.debug, plus every --debug-dir given. A candidate must
  match the CRC or the build-id. When none does and DEBUGINFOD_URLS is set, asks
  debuginfod by build-id as Delve does (`debuginfod-find debuginfo BUILD-ID`, bounded to
  a few seconds, cached in debuginfod-find's cache); a server that is down or lacks the
  file is reported in the evidence, never fatal. For a binary a Debian package owns
  (dpkg-query -S), the fix names the package's -dbgsym and Debian's debuginfod.

Why it matters for debugging
  gdb follows debuglinks; Delve looks in the build-id and debuglink places too, but only
  under its configured debug-info-directories. When the file is not found, the binary
  debugs like a stripped one: no file:line breakpoints. (Info when found, error when not.)

Fix
  Put the .debug file beside the binary or in /usr/lib/debug/.build-id/. Kept elsewhere,
  Delve must be told (debugdoctor's --debug-dir only lets `check`/`where` confirm it; it
  changes nothing for Delve): `dlv exec` and the `dlv dap` that vscode-go starts both read
  debug-info-directories from ~/.config/dlv/config.yml. In gdb: set debug-file-directory DIR. Delve
  searches build-id trees (default /usr/lib/debug/.build-id): add DIR/.build-id to
  debug-info-directories in ~/.config/dlv/config.yml, or in a session of a newer Delve
  `config debug-info-directories -add DIR/.build-id` (`config debug-info-directories DIR`
  is rejected: "unsupported type for configuration key").

  debuginfod: Delve 1.27.1 runs `debuginfod-find debuginfo BUILD-ID` when no local file
  matches, so DEBUGINFOD_URLS in the environment dlv starts in (for vscode-go:
  go.toolsEnvVars, or the launch configuration's env) is the whole fix; verified with
  Debian's debuginfod 0.188 serving the split fixtures. A packaged binary (Debian's
  /usr/bin/dlv from `delve`): apt-get install delve-dbgsym from the debian-debug archive,
  or DEBUGINFOD_URLS=https://debuginfod.debian.net.

Verified with
  Delve 1.27.1 and 1.20.2 (dlv exec) on a Go 1.25.5 build split with objcopy: with the
  .debug file kept elsewhere, 1.27.1 binds main.main but not main.go:26 and 1.20.2
  refuses ("could not open debug info"); with the file at the printed
  DIR/.build-id/xx/yyyy.debug and DIR/.build-id in debug-info-directories of dlv's
  config.yml, both bind main.main and main.go:26, and so does the `dlv dap` vscode-go
  starts (1.27.1, an exec configuration), which fails without the setting; `check
  --debug-dir DIR` finds it. The file beside the binary needs no setting (1.27.1)
  (tests/it/fix_proofs.rs).

How to verify by hand
  readelf --string-dump=.gnu_debuglink app ; readelf -n app | grep 'Build ID'
  DEBUGINFOD_URLS=... debuginfod-find debuginfo BUILD-ID ; dpkg -S /path/to/app
"#,
};

pub fn run(t: &Target) -> Vec<Finding> {
    let img = t.image();
    if crate::dwarf::info_section(img).is_some() {
        return Vec::new();
    }
    let search = t.debug_file_search();
    let link = img.debuglink();
    let build_id = img
        .build_id()
        .map(|b| b.iter().map(|x| format!("{x:02x}")).collect::<String>());
    let mut evidence = Vec::new();
    if let Some((name, crc)) = link {
        evidence.push(format!(".gnu_debuglink → {name} (CRC-32 {crc:08x})"));
    }
    if let Some(id) = &build_id {
        evidence.push(format!("GNU build-id {id}"));
    }
    if let Some(a) = &search.debuginfod {
        evidence.push(format!(
            "asked debuginfod (DEBUGINFOD_URLS={}) for build-id {}: {}",
            a.urls, a.build_id, a.outcome
        ));
    }
    match (&search.found, t.dwarf_image()) {
        (Some(path), Some(_)) if search.matched_by == Some("debuginfod (build-id)") => {
            let mut f = Finding::new(
                &RULE,
                format!(
                    "DWARF read from separate debug file {} (fetched from debuginfod)",
                    path.display()
                ),
            );
            f.evidence = evidence;
            vec![f.fix(
                "none needed for Delve with the same DEBUGINFOD_URLS: Delve runs `debuginfod-find debuginfo BUILD-ID` when no local file matches, and finds this cache (set DEBUGINFOD_URLS in the environment vscode-go starts dlv in: go.toolsEnvVars or the launch configuration's env); gdb asks debuginfod itself",
            )]
        }
        (Some(path), Some(_)) => {
            let mut f = Finding::new(
                &RULE,
                format!("DWARF read from separate debug file {}", path.display()),
            );
            f.evidence = evidence;
            f = f.evidence(format!("matched by {}", search.matched_by.unwrap_or("?")));
            vec![f.fix(delve_fix(path, search.matched_by))]
        }
        _ if link.is_some() || search.debuginfod.is_some() => {
            let asked = match &search.debuginfod {
                Some(a) if a.outcome.starts_with("the server did not answer") => {
                    " (debuginfod was asked and did not answer)"
                }
                Some(a) if a.outcome.starts_with("not asked") => {
                    " (DEBUGINFOD_URLS is set but debuginfod-find is not installed)"
                }
                Some(_) => " (debuginfod was asked and has no such file)",
                None => "",
            };
            let mut f = Finding::new(
                &RULE,
                format!(
                    "separate debug file not found{asked}: breakpoints by file:line cannot bind"
                ),
            )
            .severity(Severity::Error);
            f.evidence = evidence;
            let tried: Vec<String> = search
                .tried
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            f = f.evidence(format!("searched: {}", tried.join(", ")));
            for (p, why) in &search.rejected {
                f = f.evidence(format!("rejected {}: {why}", p.display()));
            }
            let name = link.map(|(n, _)| n).unwrap_or("");
            // The fix is Delve's, not ours: `dlv dap` (which vscode-go starts) and `dlv exec`
            // read debug-info-directories from dlv's config.yml (cmd/dlv/cmds/commands.go).
            let as_build_id = match &build_id {
                Some(id) if id.len() > 2 => {
                    format!("DIR/.build-id/{}/{}.debug", &id[..2], &id[2..])
                }
                _ => "DIR/.build-id/ab/cdef.debug (named by its build-id)".to_string(),
            };
            // A binary a package manager installed: its debug file is a package of its
            // own, and the distribution's debuginfod serves it by build-id.
            if let Some(pkg) = crate::binary::debuginfod::debian_owner(img.path()) {
                f = f.evidence(format!(
                    "installed by the Debian package {pkg} (dpkg-query -S)"
                ));
                let suite = std::fs::read_to_string("/etc/os-release")
                    .ok()
                    .and_then(|t| {
                        t.lines()
                            .find_map(|l| l.strip_prefix("VERSION_CODENAME="))
                            .map(|c| c.trim_matches('"').to_string())
                    })
                    .filter(|c| !c.is_empty())
                    .unwrap_or_else(|| "SUITE".into());
                return vec![f.fix(format!(
                    "install the debug package {pkg}-dbgsym from the debian-debug archive (add its {suite}-debug suite to the apt sources, then apt-get install {pkg}-dbgsym: it puts the file in /usr/lib/debug/.build-id/, where Delve and gdb look), or let Delve fetch it: DEBUGINFOD_URLS=https://debuginfod.debian.net with debuginfod-find installed (apt-get install debuginfod)"
                ))];
            }
            let fix = if name.is_empty() {
                format!("keep the debug file as {as_build_id} and add DIR/.build-id to debug-info-directories in ~/.config/dlv/config.yml (/usr/lib/debug/.build-id is searched by default), or serve it with debuginfod and set DEBUGINFOD_URLS (Delve runs debuginfod-find); `debugdoctor check --debug-dir DIR` confirms it matches")
            } else {
                format!("place {name} beside the binary (Delve and gdb follow .gnu_debuglink there), or keep it as {as_build_id} and add DIR/.build-id to debug-info-directories in ~/.config/dlv/config.yml (read by dlv exec and by the dlv dap vscode-go starts; /usr/lib/debug/.build-id is searched by default); `debugdoctor check --debug-dir DIR` confirms it matches")
            };
            vec![f.fix(fix)]
        }
        _ => Vec::new(),
    }
}

/// What to tell Delve about a separate debug file that was found. Delve (checked with
/// 1.20.2) finds a debuglink file beside the binary and build-id files under its
/// debug-info-directories, which are build-id trees; `config debug-info-directories DIR`
/// without -add is rejected.
fn delve_fix(found: &std::path::Path, matched_by: Option<&str>) -> String {
    let build_id_root = found
        .parent()
        .and_then(|p| p.parent())
        .filter(|r| r.file_name().is_some_and(|n| n == ".build-id"));
    match (matched_by, build_id_root) {
        (Some("build-id"), Some(root)) if root == std::path::Path::new("/usr/lib/debug/.build-id") => {
            "none needed: Delve and gdb look in /usr/lib/debug/.build-id".to_string()
        }
        (Some("build-id"), Some(root)) => {
            // Absolute: Delve reads config.yml from any working directory.
            let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
            let root = root.as_path();
            format!(
            "Delve does not look there by default: add {} to debug-info-directories in ~/.config/dlv/config.yml (newer Delve: config debug-info-directories -add {}); gdb: set debug-file-directory {}",
            root.display(),
            root.display(),
            root.parent().unwrap_or(root).display()
        )
        }
        _ => "none needed beside the binary; elsewhere, move it beside the binary (Delve follows .gnu_debuglink there)".to_string(),
    }
}
