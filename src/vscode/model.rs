//! The attribute table for `"type": "go"` debug configurations, transcribed from vscode-go's
//! `extension/package.json` (debuggers → configurationAttributes); see `VSCODE_GO.md` for the
//! exact version. Lint rules read it; nothing here parses text.

/// Which `request` an attribute belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    Launch,
    Attach,
    Both,
}

/// JSON types an attribute accepts (package.json `type`, possibly a list).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonType {
    String,
    Number,
    Boolean,
    Object,
    Array,
}

impl JsonType {
    pub fn as_str(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Number => "number",
            JsonType::Boolean => "boolean",
            JsonType::Object => "object",
            JsonType::Array => "array",
        }
    }
}

/// One Go debug attribute.
#[derive(Debug)]
pub struct Attr {
    pub name: &'static str,
    /// Accepted JSON types; empty means package.json gives only an enum (strings).
    pub types: &'static [JsonType],
    /// Allowed values when package.json lists an `enum` (strings or numbers as text).
    pub values: &'static [&'static str],
    pub request: Request,
    /// Launch modes the attribute is used in; empty = every mode of its request.
    pub modes: &'static [&'static str],
    /// Read only by the legacy adapter (ignored by dlv-dap, the default).
    pub legacy_only: bool,
    /// What to use instead under dlv-dap.
    pub replacement: Option<&'static str>,
}

use JsonType::*;

const fn a(name: &'static str, types: &'static [JsonType], request: Request) -> Attr {
    Attr {
        name,
        types,
        values: &[],
        request,
        modes: &[],
        legacy_only: false,
        replacement: None,
    }
}

const fn e(
    name: &'static str,
    types: &'static [JsonType],
    values: &'static [&'static str],
    request: Request,
) -> Attr {
    Attr {
        name,
        types,
        values,
        request,
        modes: &[],
        legacy_only: false,
        replacement: None,
    }
}

const fn m(name: &'static str, types: &'static [JsonType], modes: &'static [&'static str]) -> Attr {
    Attr {
        name,
        types,
        values: &[],
        request: Request::Launch,
        modes,
        legacy_only: false,
        replacement: None,
    }
}

const fn legacy(
    name: &'static str,
    types: &'static [JsonType],
    values: &'static [&'static str],
    request: Request,
    replacement: &'static str,
) -> Attr {
    Attr {
        name,
        types,
        values,
        request,
        modes: &[],
        legacy_only: true,
        replacement: Some(replacement),
    }
}

pub const LAUNCH_MODES: &[&str] = &["auto", "debug", "test", "exec", "replay", "core"];
pub const ATTACH_MODES: &[&str] = &["local", "remote"];

/// Every attribute of `configurationAttributes.launch` and `.attach`. `mode` is listed
/// per request because its enum differs.
pub static ATTRS: &[Attr] = &[
    e("debugAdapter", &[], &["legacy", "dlv-dap"], Request::Both),
    a("program", &[String], Request::Launch),
    e("mode", &[], LAUNCH_MODES, Request::Launch),
    e("mode", &[], ATTACH_MODES, Request::Attach),
    m("traceDirPath", &[String], &["replay"]),
    m("coreFilePath", &[String], &["core"]),
    a("stopOnEntry", &[Boolean], Request::Both),
    a("args", &[Array, String], Request::Launch),
    a("showLog", &[Boolean], Request::Both),
    a("cwd", &[String], Request::Both),
    a("env", &[Object], Request::Launch),
    a("substitutePath", &[Array], Request::Both),
    // vscode-go builds only in debug and test mode (auto resolves to one of them).
    m("buildFlags", &[String, Array], &["auto", "debug", "test"]),
    a("dlvFlags", &[Array], Request::Both),
    a("port", &[Number], Request::Both),
    a("host", &[String], Request::Both),
    e(
        "trace",
        &[String],
        &["verbose", "trace", "log", "info", "warn", "error"],
        Request::Both,
    ),
    a("envFile", &[String, Array], Request::Launch),
    e(
        "backend",
        &[String],
        &["default", "native", "lldb", "rr"],
        Request::Both,
    ),
    m("output", &[String], &["auto", "debug", "test"]),
    e(
        "logOutput",
        &[String],
        &[
            "debugger",
            "gdbwire",
            "lldbout",
            "debuglineerr",
            "rpc",
            "dap",
        ],
        Request::Both,
    ),
    a("logDest", &[String], Request::Both),
    legacy(
        "dlvLoadConfig",
        &[Object],
        &[],
        Request::Both,
        "the Variables view loads values on demand; remove it",
    ),
    legacy(
        "apiVersion",
        &[Number],
        &["1", "2"],
        Request::Both,
        "dlv-dap has no API version; remove it",
    ),
    legacy(
        "remotePath",
        &[String],
        &[],
        Request::Attach,
        "substitutePath [{\"from\": \"${workspaceFolder}\", \"to\": <remotePath>}]",
    ),
    a("stackTraceDepth", &[Number], Request::Both),
    a("showGlobalVariables", &[Boolean], Request::Both),
    a("showRegisters", &[Boolean], Request::Both),
    a("hideSystemGoroutines", &[Boolean], Request::Both),
    e(
        "console",
        &[],
        &["internalConsole", "integratedTerminal", "externalTerminal"],
        Request::Both,
    ),
    a("asRoot", &[Boolean], Request::Both),
    // processId: anyOf picker command / process name / number.
    a("processId", &[String, Number], Request::Attach),
    // Added after 0.48.0-dev (present in 0.54.0-dev, see VSCODE_GO.md).
    a("goroutineFilters", &[String], Request::Both),
    a("showPprofLabels", &[Array], Request::Both),
    a("stdinFrom", &[String], Request::Launch),
    a("stdoutTo", &[String], Request::Launch),
    a("stderrTo", &[String], Request::Launch),
    a("followExec", &[Boolean], Request::Launch),
    a("followExecRegex", &[String], Request::Launch),
    a("waitFor", &[String], Request::Attach),
];

/// Attributes issue 15 reports as documented that the package.json transcribed here does
/// not declare (see VSCODE_GO.md): Delve's DAP server reads them and vscode-go passes the
/// configuration through, so they are not reported as unknown; having no schema here,
/// their values are not checked.
pub static PASSTHROUGH: &[&str] = &["maxStringLen", "maxArrayValues", "outputMode"];

/// Attributes VS Code itself accepts in every configuration, whatever the debugger
/// (the launch.json schema VS Code contributes; `noDebug` is what "Run Without Debugging"
/// sets, and users copy it into files).
pub static GENERIC: &[&str] = &[
    "name",
    "type",
    "request",
    "preLaunchTask",
    "postDebugTask",
    "internalConsoleOptions",
    "debugServer",
    "serverReadyAction",
    "presentation",
    "noDebug",
    "windows",
    "linux",
    "osx",
    "suppressMultipleSessionWarning",
];

/// The attribute `name` for `request`, if the table has it.
pub fn lookup(name: &str, request: Request) -> Option<&'static Attr> {
    ATTRS
        .iter()
        .find(|a| a.name == name && (a.request == Request::Both || a.request == request))
}

/// The attribute `name` for any request.
pub fn lookup_any(name: &str) -> Option<&'static Attr> {
    ATTRS.iter().find(|a| a.name == name)
}

/// Every known attribute name (Go and generic), for did-you-mean suggestions.
pub fn all_names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = ATTRS.iter().map(|a| a.name).collect();
    v.extend(GENERIC.iter().copied());
    v.extend(PASSTHROUGH.iter().copied());
    v.sort_unstable();
    v.dedup();
    v
}

/// The close known names for a misspelled one, best first. Case-only differences and
/// edit distance ≤ 2 (≤ 1 for short names) count; a unique best is safe to rename to.
pub fn suggestions(name: &str) -> Vec<&'static str> {
    let lower = name.to_ascii_lowercase();
    let mut scored: Vec<(usize, &'static str)> = all_names()
        .into_iter()
        .filter_map(|n| {
            let d = if n.to_ascii_lowercase() == lower {
                0
            } else {
                strsim::damerau_levenshtein(&lower, &n.to_ascii_lowercase()).max(1)
            };
            let limit = if n.len() <= 4 { 1 } else { 2 };
            (d <= limit).then_some((d, n))
        })
        .collect();
    scored.sort();
    let Some(best) = scored.first().map(|s| s.0) else {
        return Vec::new();
    };
    scored
        .into_iter()
        .filter(|s| s.0 == best)
        .map(|s| s.1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vscode_suggests_unique_close_names() {
        assert_eq!(suggestions("substitutePaths"), vec!["substitutePath"]);
        assert_eq!(suggestions("buildflags"), vec!["buildFlags"]);
        assert_eq!(suggestions("progam"), vec!["program"]);
        assert!(suggestions("completelyDifferent").is_empty());
    }

    /// The `launch`/`attach` property names transcribed in VSCODE_GO.md (the fenced block
    /// after "## Attribute names"), one `request name` per line.
    fn transcribed() -> Vec<(std::string::String, std::string::String)> {
        let doc = include_str!("VSCODE_GO.md");
        let block = doc
            .split("## Attribute names")
            .nth(1)
            .and_then(|r| r.split("```text\n").nth(1))
            .and_then(|r| r.split("```").next())
            .expect("VSCODE_GO.md has an attribute-names block");
        block
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let (r, n) = l.split_once(' ').expect("`request name` lines");
                (r.to_string(), n.trim().to_string())
            })
            .collect()
    }

    /// Every attribute of the table is one package.json declares for its request, and
    /// every declared one is in the table: a renamed or invented attribute fails here.
    #[test]
    fn vscode_table_matches_package_json() {
        let names = transcribed();
        let has = |r: &str, n: &str| names.iter().any(|(a, b)| a == r && b == n);
        for attr in ATTRS {
            let requests: &[&str] = match attr.request {
                Request::Launch => &["launch"],
                Request::Attach => &["attach"],
                Request::Both => &["launch", "attach"],
            };
            for r in requests {
                assert!(
                    has(r, attr.name),
                    "{} ({r}) is in model.rs but not in package.json's {r} properties",
                    attr.name
                );
            }
        }
        for p in PASSTHROUGH {
            assert!(
                !names.iter().any(|(_, n)| n == p),
                "{p} is declared by package.json now: move it into ATTRS"
            );
        }
        for (r, n) in &names {
            let req = if r == "launch" {
                Request::Launch
            } else {
                Request::Attach
            };
            assert!(
                lookup(n, req).is_some(),
                "package.json declares {n} for {r}; model.rs does not"
            );
        }
    }

    #[test]
    fn vscode_mode_enum_differs_by_request() {
        assert!(lookup("mode", Request::Launch)
            .unwrap()
            .values
            .contains(&"exec"));
        assert!(lookup("mode", Request::Attach)
            .unwrap()
            .values
            .contains(&"remote"));
        assert!(lookup("processId", Request::Launch).is_none());
        assert!(lookup_any("processId").is_some());
    }
}
