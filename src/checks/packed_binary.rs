//! DD106 packed-binary: compressed by an executable packer such as UPX.

use crate::diagnostic::{Finding, Rule, RuleId, Severity};
use crate::Target;

pub static RULE: Rule = Rule {
    id: RuleId::parse("DD106"),
    name: "packed-binary",
    severity: Severity::Error,
    title: "packed executable (UPX): debuggers see the unpacker, not the program",
    explain: r#"
What it does
  Recognises executable packers by their marks: UPX section names (UPX0, UPX1) and the
  "UPX!" marker in the first 4 KiB. UPX itself is not needed.

Why it breaks debugging
  A packed file holds the program compressed; it is unpacked in memory at start. The file
  a debugger opens has no usable DWARF, symbols or pclntab, and the addresses in it are
  not the ones the program runs at, so no breakpoint binds.

Fix
  Debug the unpacked build (upx -d app -o app.unpacked), or drop the packing step from
  the debug build.

Verified with
  The recognition only: a real Go 1.25.5 build with UPX's mark written into it is
  reported. Not applied on the machine debugdoctor's tests run on: upx is not packaged for
  Debian 12 and no package registry reachable there ships it, so `upx -d` was not run.

How to verify by hand
  upx -t app ; readelf -S app | grep -i upx ; strings -n4 app | head -c 4096 | grep UPX!
"#,
};

pub fn run(t: &Target) -> Vec<Finding> {
    let Some(mark) = crate::binary::packer::detect(t.image()) else {
        return Vec::new();
    };
    vec![Finding::new(
        &RULE,
        format!(
            "packed with {}: debuggers cannot read the program inside",
            mark.packer
        ),
    )
    .evidence(mark.evidence)
    .fix(format!(
        "debug an unpacked build ({} -d app -o app.unpacked), or drop packing from the debug build",
        mark.packer.to_lowercase()
    ))]
}
