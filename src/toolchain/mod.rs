//! `env`: can this machine debug this binary? The Go toolchain, Delve (its version and the
//! Go it was built with), gdb, ptrace permissions, and how they fit the binary (Delve's
//! Go version gate, DWARF 5, platform).

pub mod compat;
pub mod detect;
pub mod ptrace;
pub mod rules;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostic::Finding;
use crate::go::GoVersion;
use crate::Target;

/// Where to look for the tools.
#[derive(Clone, Debug, Default)]
pub struct EnvOptions {
    pub go: Option<PathBuf>,
    pub dlv: Option<PathBuf>,
    /// Folder with `.vscode/settings.json` (`go.alternateTools`).
    pub workspace: Option<PathBuf>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Environment {
    pub go: Option<detect::GoTool>,
    pub dlv: Option<detect::DlvTool>,
    /// Why dlv could not be used, when a path was given but is not Delve.
    pub dlv_error: Option<String>,
    pub gdb: Option<detect::GdbTool>,
    pub ptrace: ptrace::PtraceStatus,
    pub host: String,
}

impl Environment {
    pub fn detect(opts: &EnvOptions) -> Environment {
        let alt = opts
            .workspace
            .as_deref()
            .map(detect::alternate_tools)
            .unwrap_or_default();
        let alt_path = |k: &str| {
            alt.iter()
                .find(|(n, _)| n == k)
                .map(|(_, p)| PathBuf::from(p))
        };
        let go_path = opts
            .go
            .clone()
            .or_else(|| alt_path("go"))
            .or_else(|| detect::which("go"));
        let (dlv_path, source) = match (&opts.dlv, alt_path("dlv")) {
            (Some(p), _) => (Some(p.clone()), "--dlv"),
            (None, Some(p)) => (Some(p), "go.alternateTools"),
            (None, None) => (detect::which("dlv"), "PATH"),
        };
        let (dlv, dlv_error) = match dlv_path {
            Some(p) if !p.exists() => (None, Some(format!("{}: no such file", p.display()))),
            Some(p) => match detect::dlv(&p, source) {
                Ok(d) => (Some(d), None),
                Err(e) => (None, Some(e)),
            },
            None => (None, None),
        };
        let (os, arch) = crate::checks::foreign_platform::host_platform();
        Environment {
            go: go_path.as_deref().and_then(detect::go),
            dlv,
            dlv_error,
            gdb: detect::which("gdb").as_deref().and_then(detect::gdb),
            ptrace: ptrace::diagnose(),
            host: format!("{os}/{arch}"),
        }
    }

    /// Findings about this machine, and about debugging `target` on it.
    pub fn findings(&self, target: Option<&Target>) -> Vec<Finding> {
        let mut out = Vec::new();
        if self.go.is_none() {
            out.push(
                Finding::new(&rules::tool_missing::RULE, "go not found on PATH")
                    .fix("install Go (https://go.dev/dl or the distribution's golang package)"),
            );
        }
        if self.dlv.is_none() {
            let msg = self
                .dlv_error
                .clone()
                .unwrap_or_else(|| "dlv (Delve) not found on PATH".into());
            out.push(
                Finding::new(&rules::tool_missing::RULE, msg)
                    .fix("go install github.com/go-delve/delve/cmd/dlv@latest"),
            );
        }
        if !self.ptrace.can_launch {
            out.push(
                Finding::new(
                    &rules::ptrace_blocked::RULE,
                    "ptrace is not permitted: no debugger can start a program here",
                )
                .evidence(self.ptrace.notes.join("; ")),
            );
        } else if !self.ptrace.can_attach {
            out.push(
                Finding::new(&rules::ptrace_blocked::RULE, "launching works, attaching to a running process does not")
                    .severity(crate::diagnostic::Severity::Info)
                    .evidence(self.ptrace.notes.join("; "))
                    .fix("for dlv attach: run as root or grant CAP_SYS_PTRACE (docker: --cap-add=SYS_PTRACE)"),
            );
        }
        let Some(t) = target else {
            return out;
        };
        let (os, arch) = (t.goos(), t.goarch());
        if format!("{os}/{arch}") != self.host {
            out.push(
                Finding::new(
                    &rules::remote_debugging_needed::RULE,
                    format!("{} is a {os}/{arch} binary; this machine is {}", t.path().display(), self.host),
                )
                .fix(format!(
                    "on a {os}/{arch} machine: dlv --headless --listen=:2345 --api-version=2 exec ./{} ; here: dlv connect HOST:2345",
                    t.path().file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
                )),
            );
        }
        let Some(go) = t.go_version().as_deref().and_then(GoVersion::parse) else {
            return out;
        };
        let Some(dlv) = &self.dlv else {
            return out;
        };
        let dlv_v = dlv.version.as_deref().and_then(GoVersion::parse);
        if let Some(dv) = dlv_v {
            if let Some((lo, hi, verified)) = compat::supported(dv.minor) {
                let how = if verified {
                    ""
                } else {
                    " (by Delve's release rule)"
                };
                if go.minor > hi {
                    let f = if go.minor > compat::newest_supported_go() {
                        Finding::new(
                                &rules::go_newer_than_delve::RULE,
                                format!("go1.{} is newer than any Delve release known here (newest: Go 1.{})", go.minor, compat::newest_supported_go()),
                            )
                    } else {
                        Finding::new(
                            &rules::delve_too_old::RULE,
                            format!(
                                "Delve {} supports Go 1.{lo}–1.{hi}{how}; {} is go1.{}.{}",
                                dlv.version.as_deref().unwrap_or("?"),
                                t.path().display(),
                                go.minor,
                                go.patch
                            ),
                        )
                    };
                    out.push(
                            f.evidence(format!("dlv at {} reports Version: {}", dlv.path, dlv.version.as_deref().unwrap_or("?")))
                                .fix("go install github.com/go-delve/delve/cmd/dlv@latest   (then check `dlv version`)"),
                        );
                } else if go.minor < lo {
                    out.push(
                        Finding::new(
                            &rules::delve_too_new::RULE,
                            format!(
                                "Delve {} supports Go 1.{lo}–1.{hi}{how}; {} is go1.{}",
                                dlv.version.as_deref().unwrap_or("?"),
                                t.path().display(),
                                go.minor
                            ),
                        )
                        .fix("rebuild the program with a newer Go, or use an older Delve"),
                    );
                }
            }
        }
        let dwarf5 = t.dwarf().is_some_and(|d| d.version >= 5);
        let built = dlv.built_with.as_deref().and_then(GoVersion::parse);
        if dwarf5 {
            if let Some(b) = built.filter(|b| !b.at_least(1, 25)) {
                out.push(
                    Finding::new(
                        &rules::delve_cannot_read_dwarf5::RULE,
                        format!("this dlv was built with go1.{}.{}; DWARF 5 needs Delve built with Go >= 1.25", b.minor, b.patch),
                    )
                    .evidence(format!("{}: build info of {}", dlv.built_with.as_deref().unwrap_or(""), dlv.path))
                    .evidence("binary: DWARF 5 compile units")
                    .fix("go install github.com/go-delve/delve/cmd/dlv@latest with Go >= 1.25, or build the program with GOEXPERIMENT=nodwarf5"),
                );
            }
        }
        out
    }
}

/// A short path for display.
pub fn show(p: &Path) -> String {
    p.display().to_string()
}
