//! `env`: can this machine debug this binary? The Go toolchain, Delve (its version and the
//! Go it was built with), gdb, ptrace permissions, and how they fit the binary (Delve's
//! Go version gate, DWARF 5, DWARF missing, platform). Each verdict is checked against
//! the real `dlv exec` of Delve 1.20.2 and 1.27.1 by tests/it/env_verdicts.rs.

pub mod binding_rules;
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
    /// `go.alternateTools` already read by the caller (`doctor`, which also reads a
    /// `.code-workspace`'s settings): used instead of reading `workspace`'s again.
    pub alternate_tools: Option<Vec<(String, String)>>,
    /// Only what a debug session needs, fast (`doctor`): no gdb, `go env` of a few
    /// variables, dlv's version from its build info or remembered.
    pub quick: bool,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Environment {
    pub go: Option<detect::GoTool>,
    pub dlv: Option<detect::DlvTool>,
    /// Why dlv could not be used, when a path was given but is not Delve.
    pub dlv_error: Option<String>,
    /// Who named the dlv that could not be used: `--dlv`, `go.alternateTools` or `PATH`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dlv_error_source: Option<String>,
    pub gdb: Option<detect::GdbTool>,
    pub ptrace: ptrace::PtraceStatus,
    pub host: String,
}

impl Environment {
    pub fn detect(opts: &EnvOptions) -> Environment {
        let alt = match (&opts.alternate_tools, opts.workspace.as_deref()) {
            (Some(read), _) => read.clone(),
            (None, Some(ws)) => detect::alternate_tools(ws),
            (None, None) => Vec::new(),
        };
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
            Some(p) if opts.quick => match detect::dlv_quick(&p, source) {
                Ok(d) => (Some(d), None),
                Err(e) => (None, Some(e)),
            },
            Some(p) => match detect::dlv(&p, source) {
                Ok(d) => (Some(d), None),
                Err(e) => (None, Some(e)),
            },
            None => (None, None),
        };
        let dlv_error_source = dlv_error.as_ref().map(|_| source.to_string());
        let (os, arch) = crate::checks::foreign_platform::host_platform();
        Environment {
            go: go_path.as_deref().and_then(if opts.quick {
                detect::go_quick
            } else {
                detect::go
            }),
            dlv,
            dlv_error,
            dlv_error_source,
            gdb: if opts.quick {
                None
            } else {
                detect::which("gdb").as_deref().and_then(detect::gdb)
            },
            ptrace: ptrace::diagnose(),
            host: format!("{os}/{arch}"),
        }
    }

    /// Findings about this machine, and about debugging `target` on it: each rule's
    /// test is in its file under `rules/`.
    pub fn findings(&self, target: Option<&Target>) -> Vec<Finding> {
        let mut out = rules::tool_missing::check(self);
        out.extend(rules::ptrace_blocked::check(&self.ptrace));
        let Some(t) = target else {
            return out;
        };
        out.extend(rules::remote_debugging_needed::check(t, &self.host));
        let Some(dlv) = &self.dlv else {
            return out;
        };
        let go = t.go_version().as_deref().and_then(GoVersion::parse);
        let gate = go.and_then(|go| version_gate(t, go, dlv));
        // Delve checks the Go version of the DWARF producer only (service/debugger
        // checkGoVersion: no producer, no check): without DWARF, what matters is that
        // there is none, and the gate waits until it is back.
        if t.dwarf_image().is_none() {
            out.extend(rules::delve_needs_dwarf::check(t, dlv, gate.as_ref()));
            return out;
        }
        out.extend(gate);
        out.extend(rules::delve_cannot_read_dwarf5::check(t, dlv));
        out
    }
}

/// Delve's Go version gate (`pkg/goversion/compat.go`, table in `compat.rs`): the
/// binary's Go against the range the installed Delve accepts.
fn version_gate(t: &Target, go: GoVersion, dlv: &detect::DlvTool) -> Option<Finding> {
    let dv = dlv.version.as_deref().and_then(GoVersion::parse)?;
    let (lo, hi, verified) = compat::supported(dv.minor)?;
    let how = if verified {
        ""
    } else {
        " (by Delve's release rule)"
    };
    let version = dlv.version.as_deref().unwrap_or("?");
    if go.minor > hi {
        let f = if go.minor > compat::newest_supported_go() {
            rules::go_newer_than_delve::finding(go, dv.minor)
        } else {
            rules::delve_too_old::finding(t, go, version, (lo, hi), how)
        };
        Some(
            f.evidence(format!("dlv at {} reports Version: {version}", dlv.path))
                .fix("go install github.com/go-delve/delve/cmd/dlv@latest   (then check `dlv version`)"),
        )
    } else if go.minor < lo {
        Some(rules::delve_too_new::finding(t, go, version, (lo, hi), how))
    } else {
        None
    }
}

/// A short path for display.
pub fn show(p: &Path) -> String {
    p.display().to_string()
}
