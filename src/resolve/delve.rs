//! Which Delve's binding rules `where` follows where Delve versions disagree. Two rule sets,
//! each verified against a real Delve by the differential tests (tests/it/where_delve.rs):
//! Debian's 1.20.2 and 1.27.1 (built from ../shared/oracles), the Delve Go 1.25+ users run.

use serde::Serialize;

use crate::binary::{Format, Image};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum DelveRules {
    /// Delve up to 1.24 (verified: 1.20.2). A function without `prologue_end` binds at
    /// the first statement of its entry line (`FirstStmtForLine`); explicit
    /// instantiations (`F[int]`) are not found.
    #[serde(rename = "1.20")]
    V1_20,
    /// Delve 1.25 and later (verified: 1.27.1). A function without `prologue_end` binds at
    /// its first statement on any line (`FirstStmt`).
    #[default]
    #[serde(rename = "1.27")]
    V1_27,
}

impl DelveRules {
    /// The rules of Delve `version` (`1.20.2`, `v1.27.1`, `1.27`); `None` when it does not
    /// read as a version. Versions between the two verified ones follow the nearer side of
    /// the 1.25 boundary (the Delve release that supports Go 1.25).
    pub fn for_version(version: &str) -> Option<DelveRules> {
        let v = version.trim().trim_start_matches('v');
        let mut parts = v.split('.');
        let major: u32 = parts.next()?.parse().ok()?;
        let minor: u32 = parts.next()?.parse().ok()?;
        Some(if major == 1 && minor < 25 {
            DelveRules::V1_20
        } else {
            DelveRules::V1_27
        })
    }

    /// The prologue rules of these Delves.
    pub fn prologue(self) -> crate::dwarf::prologue::Rules {
        match self {
            DelveRules::V1_20 => crate::dwarf::prologue::DELVE_1_20,
            DelveRules::V1_27 => crate::dwarf::prologue::DELVE_1_27,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DelveRules::V1_20 => "1.20",
            DelveRules::V1_27 => "1.27",
        }
    }
}

/// Can Delve 1.27 load this binary without DWARF, from its Go runtime tables? Mirrors
/// `loadBinaryInfoGoRuntimeElf`/`Macho` (pkg/proc/bininfo.go): the pclntab section, the
/// moduledata (`.go.module` since Go 1.26, else found in `.noptrdata` by the first 4
/// bytes of the table's address), and in it a pointer to `.rodata` (`findGoFuncVal`).
/// PE has no such path: a stripped PE gives "could not open debug info". An external
/// link puts C data before Go's rodata, so the pointer is not the section start and the
/// search fails ("could not find rodata struct member"). `Err` carries Delve's reason.
pub fn stripped_loadable(image: &Image) -> Result<(), String> {
    let (tables, module, noptr, rodata) = match image.format() {
        Format::Elf => (
            &[".gopclntab", ".data.rel.ro.gopclntab"][..],
            ".go.module",
            ".noptrdata",
            ".rodata",
        ),
        Format::MachO => (
            &["__gopclntab"][..],
            "__go_module",
            "__noptrdata",
            "__rodata",
        ),
        Format::Pe => {
            return Err(
                "Delve reads no Go runtime tables from a PE binary: could not open debug info"
                    .into(),
            )
        }
    };
    let table = tables
        .iter()
        .find_map(|n| image.section(n))
        .ok_or_else(|| format!("could not read section {}", tables[0]))?;
    let bytes = |name: &str| -> Result<&[u8], String> {
        image
            .section_bytes_by_name(name)?
            .ok_or_else(|| format!("no section {name}"))
    };
    const MODULEDATA_LEN: usize = 0x300;
    let md: &[u8] = match image.section(module) {
        Some(_) => bytes(module)?,
        None => {
            let data = bytes(noptr)?;
            let key = &table.address.to_le_bytes()[..4];
            let off = data
                .windows(4)
                .position(|w| w == key)
                .ok_or("could not find moduledata")?;
            data.get(off..off + MODULEDATA_LEN)
                .ok_or("moduledata runs past the end of its section")?
        }
    };
    let ptr = if image.is_64() { 8 } else { 4 };
    let rodata_addr = image
        .section(rodata)
        .ok_or_else(|| format!("no section {rodata}"))?
        .address;
    let key = &rodata_addr.to_le_bytes()[..ptr];
    let at = md
        .windows(ptr)
        .rposition(|w| w == key)
        .ok_or("could not find rodata struct member")?;
    md.get(at + ptr..at + 2 * ptr)
        .map(|_| ())
        .ok_or_else(|| "moduledata ends before its gofunc member".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_map_to_rule_sets() {
        assert_eq!(DelveRules::for_version("1.20.2"), Some(DelveRules::V1_20));
        assert_eq!(DelveRules::for_version("v1.24.0"), Some(DelveRules::V1_20));
        assert_eq!(DelveRules::for_version("1.25"), Some(DelveRules::V1_27));
        assert_eq!(DelveRules::for_version("1.27.1"), Some(DelveRules::V1_27));
        assert_eq!(DelveRules::for_version("latest"), None);
        assert_eq!(DelveRules::default(), DelveRules::V1_27);
    }
}
