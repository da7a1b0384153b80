//! VS Code `launch.json` for Go: load (JSONC, as VS Code reads it), lint against vscode-go's
//! attribute table (rules DD401–DD421), and fix safe findings by editing the concrete syntax
//! tree so comments and layout survive.

pub mod fix;
pub mod lint;
pub mod load;
pub mod model;
pub mod rules;

pub use fix::apply_fixes;
pub use lint::{lint, Diagnostic, Fix, LintOptions};
pub use load::{load, LoadError, Source};
