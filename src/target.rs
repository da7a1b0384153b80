//! `Target`: one binary under diagnosis, with every fact computed lazily and once.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::binary::ImageError;
use crate::binary::{debugfile, Image};
use crate::dwarf;
use crate::go::buildinfo::BuildInfoError;
use crate::go::pclntab::PclntabError;
use crate::go::{BuildInfo, Pclntab};

/// How to open a target.
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    /// Extra roots to search for separate debug files (`--debug-dir`), before the system ones.
    pub debug_dirs: Vec<PathBuf>,
}

pub struct Target {
    image: Image,
    options: OpenOptions,
    debug_file: OnceLock<(
        debugfile::DebugFileSearch,
        Option<std::result::Result<Image, ImageError>>,
    )>,
    buildinfo: OnceLock<std::result::Result<Option<BuildInfo>, BuildInfoError>>,
    pclntab: OnceLock<std::result::Result<Option<Pclntab>, PclntabError>>,
    dwarf_summary: OnceLock<std::result::Result<Option<dwarf::Summary>, dwarf::DwarfError>>,
}

impl Target {
    pub fn open(path: impl AsRef<Path>) -> Result<Target, ImageError> {
        Target::open_with(path, OpenOptions::default())
    }

    pub fn open_with(path: impl AsRef<Path>, options: OpenOptions) -> Result<Target, ImageError> {
        Ok(Target::from_image(Image::open(path.as_ref())?, options))
    }

    pub fn from_image(image: Image, options: OpenOptions) -> Target {
        Target {
            image,
            options,
            debug_file: OnceLock::new(),
            buildinfo: OnceLock::new(),
            pclntab: OnceLock::new(),
            dwarf_summary: OnceLock::new(),
        }
    }

    pub fn path(&self) -> &Path {
        self.image.path()
    }
    pub fn image(&self) -> &Image {
        &self.image
    }

    /// Go build info; `None` when absent (not Go, or older than Go 1.13).
    pub fn buildinfo(&self) -> Option<&BuildInfo> {
        self.buildinfo_result()
            .as_ref()
            .ok()
            .and_then(Option::as_ref)
    }
    pub fn buildinfo_result(&self) -> &std::result::Result<Option<BuildInfo>, BuildInfoError> {
        self.buildinfo.get_or_init(|| BuildInfo::read(&self.image))
    }

    /// The runtime's function table; `None` when absent or unreadable.
    pub fn pclntab(&self) -> Option<&Pclntab> {
        self.pclntab_result().as_ref().ok().and_then(Option::as_ref)
    }
    pub fn pclntab_result(&self) -> &std::result::Result<Option<Pclntab>, PclntabError> {
        self.pclntab.get_or_init(|| Pclntab::read(&self.image))
    }

    /// Is this a Go binary at all? Build info or a pclntab says so, even a corrupt one
    /// (reported by DD110, not as "not a Go binary").
    pub fn is_go(&self) -> bool {
        !matches!(self.buildinfo_result(), Ok(None)) || !matches!(self.pclntab_result(), Ok(None))
    }

    /// The Go version: from build info, else from a DWARF producer string.
    pub fn go_version(&self) -> Option<String> {
        if let Some(bi) = self.buildinfo() {
            return Some(bi.go_version.clone());
        }
        let summary = self.dwarf()?;
        summary
            .go_units()
            .find_map(|u| u.producer.as_deref().and_then(dwarf::producer::go_version))
            .map(str::to_string)
    }

    /// GOOS/GOARCH: build settings when recorded, else what the format implies.
    pub fn goos(&self) -> String {
        self.buildinfo()
            .and_then(|b| b.setting("GOOS"))
            .unwrap_or(self.image.format_goos())
            .to_string()
    }
    pub fn goarch(&self) -> String {
        self.buildinfo()
            .and_then(|b| b.setting("GOARCH"))
            .unwrap_or(self.image.goarch())
            .to_string()
    }

    /// The separate debug file search (done once, only when the binary itself has no DWARF).
    pub fn debug_file_search(&self) -> &debugfile::DebugFileSearch {
        &self.debug_file_state().0
    }

    fn debug_file_state(
        &self,
    ) -> &(
        debugfile::DebugFileSearch,
        Option<std::result::Result<Image, ImageError>>,
    ) {
        self.debug_file.get_or_init(|| {
            if dwarf::info_section(&self.image).is_some() {
                return (debugfile::DebugFileSearch::default(), None);
            }
            let mut search = debugfile::search(&self.image, &self.options.debug_dirs);
            // Not found locally: debuginfod, as Delve asks it (only with DEBUGINFOD_URLS).
            if search.found.is_none() {
                if let Some(id) = self.image.build_id() {
                    search.debuginfod = crate::binary::debuginfod::fetch(id);
                    let fetched = search.debuginfod.as_mut().and_then(|a| {
                        let p = a.found.clone()?;
                        match Image::open(&p) {
                            Ok(img) if img.build_id() == Some(id) => Some((p, img)),
                            Ok(_) => {
                                a.outcome.push_str("; rejected: its build-id differs");
                                a.found = None;
                                None
                            }
                            Err(e) => {
                                a.outcome.push_str(&format!("; rejected: {e}"));
                                a.found = None;
                                None
                            }
                        }
                    });
                    if let Some((p, img)) = fetched {
                        search.found = Some(p);
                        search.matched_by = Some("debuginfod (build-id)");
                        return (search, Some(Ok(img)));
                    }
                }
            }
            let image = search.found.as_ref().map(|p| Image::open(p));
            (search, image)
        })
    }

    /// Why the separate debug file that was found cannot be opened, if it cannot.
    pub fn debug_file_error(&self) -> Option<&ImageError> {
        self.debug_file_state().1.as_ref()?.as_ref().err()
    }

    /// The image DWARF is read from: the binary itself, or its separate debug file.
    pub fn dwarf_image(&self) -> Option<&Image> {
        if dwarf::info_section(&self.image).is_some() {
            return Some(&self.image);
        }
        match &self.debug_file_state().1 {
            Some(Ok(img)) if dwarf::info_section(img).is_some() => Some(img),
            _ => None,
        }
    }

    /// A fresh gimli view over the DWARF (cheap: sections are cached by the image).
    pub fn gimli(&self) -> Option<dwarf::Dwarf<'_>> {
        dwarf::load(self.dwarf_image()?).ok()
    }

    /// Unit-level DWARF facts; `None` when there is no DWARF.
    pub fn dwarf(&self) -> Option<&dwarf::Summary> {
        self.dwarf_result().as_ref().ok().and_then(Option::as_ref)
    }
    pub fn dwarf_result(&self) -> &std::result::Result<Option<dwarf::Summary>, dwarf::DwarfError> {
        self.dwarf_summary.get_or_init(|| {
            let Some(img) = self.dwarf_image() else {
                return Ok(None);
            };
            let d = dwarf::load(img)?;
            dwarf::summarize(&d).map(Some)
        })
    }

    /// Where `break main.main` lands under a Delve version's prologue `rules`, read
    /// from DWARF.
    pub fn main_main(&self, rules: dwarf::prologue::Rules) -> Option<dwarf::FunctionLocation> {
        let summary = self.dwarf()?;
        let d = self.gimli()?;
        dwarf::function_location(&d, summary, "main.main", rules)
    }
}
