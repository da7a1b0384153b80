//! STUB: in progress.

pub fn rules() -> Vec<&'static crate::checks::Rule> {
    Vec::new()
}
