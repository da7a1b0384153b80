//! The DD7xx rules of `where`: why a location does not bind (or binds with a caveat),
//! one file per rule, each with the Delve message it mirrors.

pub mod where_ambiguous;
pub mod where_bad_spec;
pub mod where_file_not_found;
pub mod where_function_not_found;
pub mod where_no_statement;
pub mod where_optimized;
pub mod where_stripped;
pub mod where_trimmed_path;
