//! Executable packers (UPX and friends) recognised from their marks, without running them.

use super::Image;

/// Evidence that the binary is packed: what was seen and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackerMark {
    pub packer: &'static str,
    pub evidence: String,
}

/// UPX renames sections to `UPX0`/`UPX1`/`UPX2` (PE) and writes a `UPX!` marker near the
/// start of the file (ELF and Mach-O keep no section table after packing).
pub fn detect(image: &Image) -> Option<PackerMark> {
    if let Some(s) = image.sections().iter().find(|s| s.name.starts_with("UPX")) {
        return Some(PackerMark {
            packer: "UPX",
            evidence: format!("section {} (UPX renames sections when packing)", s.name),
        });
    }
    let head = image.head();
    if let Some(pos) = head.windows(4).position(|w| w == b"UPX!") {
        return Some(PackerMark {
            packer: "UPX",
            evidence: format!("\"UPX!\" marker at file offset {pos:#x}"),
        });
    }
    None
}
