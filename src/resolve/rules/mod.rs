//! Reasons a location does not bind (or binds with a caveat), one rule per file.

pub mod ambiguous_file;
pub mod file_not_found;
pub mod function_not_found;
pub mod no_statement;
pub mod optimized;
pub mod path_mismatch;
pub mod stripped;

pub fn all() -> Vec<&'static crate::checks::Rule> {
    vec![
        &file_not_found::RULE,
        &ambiguous_file::RULE,
        &no_statement::RULE,
        &function_not_found::RULE,
        &stripped::RULE,
        &path_mismatch::RULE,
        &optimized::RULE,
    ]
}
