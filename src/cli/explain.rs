//! `debugdoctor explain ID` and `explain --list`.

use super::Context;

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
}

pub fn run(args: Args, ctx: &Context) -> u8 {
    use debugdoctor::checks;
    if args.list {
        let rules = checks::all_rules();
        if args.json {
            let list: Vec<_> = rules
                .iter()
                .map(|r| serde_json::json!({"id": r.id, "name": r.name, "severity": r.severity, "title": r.title}))
                .collect();
            super::print_json(
                &serde_json::json!({"schema_version": debugdoctor::report::SCHEMA_VERSION, "rules": list}),
            );
        } else {
            for r in rules {
                println!(
                    "{} {:<26} {} {}",
                    ctx.style.bold(r.id),
                    r.name,
                    ctx.style.severity(r.severity),
                    r.title
                );
            }
        }
        return super::EXIT_OK;
    }
    let id = args.id.unwrap_or_default();
    let Some(rule) = checks::find_rule(&id) else {
        eprintln!(
            "debugdoctor: unknown finding ID {id:?}; `debugdoctor explain --list` lists them"
        );
        return super::EXIT_USAGE;
    };
    if args.json {
        super::print_json(&serde_json::json!({
            "schema_version": debugdoctor::report::SCHEMA_VERSION,
            "id": rule.id, "name": rule.name, "severity": rule.severity,
            "title": rule.title, "explain": rule.explain.trim(),
        }));
    } else {
        println!(
            "{} {} ({}): {}\n",
            ctx.style.bold(rule.id),
            rule.name,
            rule.severity.as_str(),
            rule.title
        );
        println!("{}", rule.explain.trim());
    }
    super::EXIT_OK
}
