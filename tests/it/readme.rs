//! The README documents every finding ID and every exit code the CLI uses.

#[test]
fn readme_lists_every_finding_id() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let missing: Vec<&str> = debugdoctor::checks::all_rules()
        .into_iter()
        .filter(|r| !readme.contains(&format!("| {} | {} |", r.id, r.name)))
        .map(|r| r.id)
        .collect();
    assert!(
        missing.is_empty(),
        "README.md findings table lacks rows for {missing:?}"
    );
}

#[test]
fn every_rule_has_a_full_explanation() {
    let rules = debugdoctor::checks::all_rules();
    let mut ids = std::collections::HashSet::new();
    for r in rules {
        assert!(ids.insert(r.id), "duplicate rule ID {}", r.id);
        assert!(r.id.len() == 5 && r.id.starts_with("DD"), "bad ID {}", r.id);
        assert!(
            r.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{} name {:?} is not kebab-case",
            r.id,
            r.name
        );
        assert!(r.explain.len() > 200, "{} explain text is too short", r.id);
    }
}
