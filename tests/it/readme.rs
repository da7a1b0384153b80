//! The README documents every finding ID (its table is the registry's, generated) and
//! every rule has a full explanation.

use debugdoctor::registry;

/// README.md holds, between its rule markers, exactly the table the registry generates
/// (`debugdoctor explain --list --markdown`).
#[test]
fn readme_rule_table_is_the_registry() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("<!-- rules:")
        .and_then(|i| readme[i..].find('\n').map(|n| i + n + 1))
        .expect("README.md has a <!-- rules: ... --> marker");
    let end = readme[start..]
        .find("<!-- /rules -->")
        .map(|n| start + n)
        .expect("README.md has a <!-- /rules --> marker");
    assert_eq!(
        &readme[start..end],
        registry::markdown_table(),
        "README.md's rule table is stale: paste `debugdoctor explain --list --markdown` between the markers"
    );
}

#[test]
fn every_rule_has_a_full_explanation() {
    let mut ids = std::collections::HashSet::new();
    for r in registry::RULES {
        assert!(ids.insert(r.id), "duplicate rule ID {}", r.id);
        assert!(
            r.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{} name {:?} is not kebab-case",
            r.id,
            r.name
        );
        assert!(r.explain.len() > 200, "{} explain text is too short", r.id);
        for part in ["What it does", "Why", "Fix"] {
            assert!(
                r.explain.lines().any(|l| l.starts_with(part)),
                "{} explain text lacks a {part:?} section",
                r.id
            );
        }
    }
}
