//! The DD7xx rules of `where`: why a location does not bind (or binds with a caveat),
//! one file per rule, each with the Delve message it mirrors.

mod dd701_file_not_found;
mod dd702_ambiguous;
mod dd703_no_statement;
mod dd704_function_not_found;
mod dd705_stripped;
mod dd706_trimmed_path;
mod dd707_optimized;
mod dd708_bad_spec;

pub use dd701_file_not_found::FILE_NOT_FOUND;
pub use dd702_ambiguous::AMBIGUOUS;
pub use dd703_no_statement::NO_STATEMENT;
pub use dd704_function_not_found::FUNC_NOT_FOUND;
pub use dd705_stripped::STRIPPED;
pub use dd706_trimmed_path::TRIMMED;
pub use dd707_optimized::OPTIMIZED;
pub use dd708_bad_spec::BAD_SPEC;

use crate::checks::Rule;

pub fn all() -> Vec<&'static Rule> {
    vec![
        &FILE_NOT_FOUND,
        &AMBIGUOUS,
        &NO_STATEMENT,
        &FUNC_NOT_FOUND,
        &STRIPPED,
        &TRIMMED,
        &OPTIMIZED,
        &BAD_SPEC,
    ]
}
