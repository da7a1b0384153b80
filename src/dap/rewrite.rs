//! The one change the proxy makes to Delve's frames: text appended to the `message` of
//! each `verified: false` breakpoint, in `setBreakpoints` responses and `breakpoint`
//! events. The body is edited in place (the string literal's closing quote moves), so
//! every other byte, key order and escape stays Delve's.

use jsonc_parser::ast::{Object, ObjectPropName, Value};
use jsonc_parser::{parse_to_ast, CollectOptions, ParseOptions};

/// A breakpoint Delve could not verify.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unverified {
    /// Index in the response's `breakpoints` (0 for an event).
    pub index: usize,
    pub message: String,
    /// The line Delve reports, if any.
    pub line: Option<u64>,
    /// `source.path` Delve reports, if any.
    pub path: Option<String>,
}

/// What a frame is, as far as the relay cares (decided from a parsed body).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A response to `setBreakpoints` (`request_seq`).
    SetBreakpointsResponse(u64),
    /// A `breakpoint` event.
    BreakpointEvent,
    Other,
}

fn prop<'a, 'b>(o: &'b Object<'a>, name: &str) -> Option<&'b Value<'a>> {
    o.properties.iter().find_map(|p| {
        let n = match &p.name {
            ObjectPropName::String(s) => s.value.as_ref(),
            ObjectPropName::Word(w) => w.value,
        };
        (n == name).then_some(&p.value)
    })
}

fn str_of<'a>(v: Option<&'a Value<'_>>) -> Option<&'a str> {
    match v {
        Some(Value::StringLit(s)) => Some(s.value.as_ref()),
        _ => None,
    }
}

fn num_of(v: Option<&Value<'_>>) -> Option<u64> {
    match v {
        Some(Value::NumberLit(n)) => n.value.parse().ok(),
        _ => None,
    }
}

/// Each breakpoint object the frame carries: `body.breakpoints[*]` of a setBreakpoints
/// response, `body.breakpoint` of a breakpoint event.
fn breakpoints<'a, 'b>(root: &'b Object<'a>, kind: &Kind) -> Vec<&'b Object<'a>> {
    let Some(Value::Object(body)) = prop(root, "body") else {
        return Vec::new();
    };
    match kind {
        Kind::SetBreakpointsResponse(_) => match prop(body, "breakpoints") {
            Some(Value::Array(a)) => a
                .elements
                .iter()
                .filter_map(|e| match e {
                    Value::Object(o) => Some(o),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        },
        Kind::BreakpointEvent => match prop(body, "breakpoint") {
            Some(Value::Object(o)) => vec![o],
            _ => Vec::new(),
        },
        Kind::Other => Vec::new(),
    }
}

fn parse(body: &str) -> Option<jsonc_parser::ParseResult<'_>> {
    let opts = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        ..ParseOptions::default()
    };
    parse_to_ast(body, &CollectOptions::default(), &opts).ok()
}

/// What the frame is and its unverified breakpoints; `None` when the body is not JSON.
pub fn inspect(body: &str) -> Option<(Kind, Vec<Unverified>)> {
    let parsed = parse(body)?;
    let Some(Value::Object(root)) = &parsed.value else {
        return None;
    };
    let kind = match (
        str_of(prop(root, "type")),
        str_of(prop(root, "command")),
        str_of(prop(root, "event")),
    ) {
        (Some("response"), Some("setBreakpoints"), _) => match num_of(prop(root, "request_seq")) {
            Some(seq) => Kind::SetBreakpointsResponse(seq),
            None => Kind::Other,
        },
        (Some("event"), _, Some("breakpoint")) => Kind::BreakpointEvent,
        _ => Kind::Other,
    };
    let mut out = Vec::new();
    for (index, bp) in breakpoints(root, &kind).into_iter().enumerate() {
        if !matches!(prop(bp, "verified"), Some(Value::BooleanLit(b)) if !b.value) {
            continue;
        }
        let path = match prop(bp, "source") {
            Some(Value::Object(s)) => str_of(prop(s, "path")).map(String::from),
            _ => None,
        };
        out.push(Unverified {
            index,
            message: str_of(prop(bp, "message")).unwrap_or_default().to_string(),
            line: num_of(prop(bp, "line")),
            path,
        });
    }
    Some((kind, out))
}

/// The body with `suffixes[i]` (for breakpoint index `i`) appended to that breakpoint's
/// `message` (added after `verified` when Delve sent none). `None` when nothing changed.
pub fn append_messages(body: &str, suffixes: &[(usize, String)]) -> Option<String> {
    let parsed = parse(body)?;
    let Some(Value::Object(root)) = &parsed.value else {
        return None;
    };
    let kind = match str_of(prop(root, "type")) {
        Some("response") => Kind::SetBreakpointsResponse(0),
        Some("event") => Kind::BreakpointEvent,
        _ => return None,
    };
    // (position, text to insert), applied back to front.
    let mut edits: Vec<(usize, String)> = Vec::new();
    for (index, bp) in breakpoints(root, &kind).into_iter().enumerate() {
        let Some((_, suffix)) = suffixes.iter().find(|(i, _)| *i == index) else {
            continue;
        };
        let escaped = serde_json::to_string(suffix).ok()?;
        let inner = &escaped[1..escaped.len() - 1];
        match prop(bp, "message") {
            Some(Value::StringLit(s)) => edits.push((s.range.end - 1, inner.to_string())),
            Some(_) => continue,
            None => {
                let verified = bp.properties.iter().find(
                    |p| matches!(&p.name, ObjectPropName::String(s) if s.value == "verified"),
                )?;
                edits.push((verified.range.end, format!(",\"message\":\"{inner}\"")));
            }
        }
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = body.to_string();
    for (at, text) in edits {
        out.insert_str(at, &text);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESP: &str = r#"{"seq":9,"type":"response","request_seq":4,"success":true,"command":"setBreakpoints","body":{"breakpoints":[{"id":1,"verified":true,"source":{"name":"main.go","path":"/a/main.go"},"line":21},{"verified":false,"message":"could not find statement at /a/main.go:24, please use a line with a statement \u003cx\u003e","source":{"name":"main.go","path":"/a/main.go"},"line":24}]}}"#;

    #[test]
    fn inspects_and_appends_in_place() {
        let (kind, un) = inspect(RESP).unwrap();
        assert_eq!(kind, Kind::SetBreakpointsResponse(4));
        assert_eq!(un.len(), 1);
        assert_eq!(un[0].index, 1);
        assert_eq!(un[0].line, Some(24));
        assert!(un[0].message.ends_with("statement <x>"));
        let out = append_messages(RESP, &[(1, " — [DD703] \"why\"; fix: x".into())]).unwrap();
        let expected = RESP.replace(
            r#"statement \u003cx\u003e""#,
            r#"statement \u003cx\u003e — [DD703] \"why\"; fix: x""#,
        );
        assert_eq!(out, expected);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert!(v["body"]["breakpoints"][1]["message"]
            .as_str()
            .unwrap()
            .ends_with("[DD703] \"why\"; fix: x"));
    }

    #[test]
    fn event_without_message_gets_one() {
        let ev = r#"{"seq":3,"type":"event","event":"breakpoint","body":{"reason":"changed","breakpoint":{"id":2,"verified":false,"line":5}}}"#;
        let (kind, un) = inspect(ev).unwrap();
        assert_eq!(kind, Kind::BreakpointEvent);
        assert_eq!(un.len(), 1);
        let out = append_messages(ev, &[(0, "x".into())]).unwrap();
        assert!(
            out.contains(r#""verified":false,"message":"x","line":5"#),
            "{out}"
        );
    }

    #[test]
    fn other_frames_and_garbage() {
        assert_eq!(
            inspect(r#"{"seq":1,"type":"event","event":"output","body":{}}"#).map(|x| x.0),
            Some(Kind::Other)
        );
        assert!(inspect("not json").is_none());
        assert!(append_messages("{]", &[(0, "x".into())]).is_none());
    }
}
