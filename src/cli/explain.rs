//! `debugdoctor explain ID` and `explain --list`.

use super::{out, outln, Context};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Finding ID (`DD201`) or name (`optimized-code`).
    #[arg(required_unless_present = "list")]
    pub id: Option<String>,
    /// List every finding with its severity and title.
    #[arg(long)]
    pub list: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// With --list: the Markdown table README.md's "Findings" section holds.
    #[arg(long, requires = "list", conflicts_with = "json")]
    pub markdown: bool,
}

pub fn run(args: Args, ctx: &Context) -> u8 {
    use debugdoctor::registry;
    if args.list {
        let rules = registry::RULES;
        if args.markdown {
            out!("{}", registry::markdown_table());
        } else if args.json {
            let list: Vec<_> = rules
                .iter()
                .map(|r| serde_json::json!({"id": r.id, "name": r.name, "severity": r.severity, "title": r.title}))
                .collect();
            super::print_json(
                &serde_json::json!({"schema_version": debugdoctor::report::SCHEMA_VERSION, "rules": list}),
            );
        } else {
            for r in rules {
                outln!(
                    "{} {:<26} {} {}",
                    ctx.style.bold(&r.id.to_string()),
                    r.name,
                    ctx.style.severity(r.severity),
                    r.title
                );
            }
        }
        return super::EXIT_OK;
    }
    let id = args.id.unwrap_or_default();
    let Some(rule) = registry::find(&id) else {
        return super::fail(
            args.json,
            super::EXIT_USAGE,
            format!("unknown finding ID {id:?}; `debugdoctor explain --list` lists them"),
        );
    };
    if args.json {
        super::print_json(&serde_json::json!({
            "schema_version": debugdoctor::report::SCHEMA_VERSION,
            "id": rule.id, "name": rule.name, "severity": rule.severity,
            "title": rule.title, "explain": rule.explain.trim(),
        }));
    } else {
        outln!(
            "{} {} ({}): {}\n",
            ctx.style.bold(&rule.id.to_string()),
            rule.name,
            rule.severity.as_str(),
            rule.title
        );
        outln!("{}", rule.explain.trim());
    }
    super::EXIT_OK
}
