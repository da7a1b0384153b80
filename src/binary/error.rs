//! `ImageError`: why a file cannot be opened as an executable at all (missing, unreadable,
//! a directory, empty, not ELF/PE/Mach-O, corrupt headers, over a size limit). Each
//! renders as one line naming the file and what was wrong.

use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum ImageError {
    /// The file could not be read (missing, permission, a directory...).
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The path is a directory, not a file.
    IsDirectory { path: PathBuf },
    /// The file is empty.
    Empty { path: PathBuf },
    /// The bytes are not an executable format we read (ELF, PE, Mach-O), or are corrupt.
    Format { path: PathBuf, reason: String },
    /// A limit protecting against hostile input was hit.
    Limit { path: PathBuf, reason: String },
    /// A part the headers declare (a section, a header table, the symbol table) runs
    /// past the end of the file: a cut-off download or copy, or corrupt headers.
    Truncated {
        path: PathBuf,
        truncation: super::layout::Truncation,
    },
}

impl ImageError {
    pub fn format(path: &Path, reason: impl Into<String>) -> Self {
        ImageError::Format {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }
    pub fn path(&self) -> &Path {
        match self {
            ImageError::Io { path, .. }
            | ImageError::IsDirectory { path }
            | ImageError::Empty { path }
            | ImageError::Format { path, .. }
            | ImageError::Limit { path, .. }
            | ImageError::Truncated { path, .. } => path,
        }
    }
}

impl std::fmt::Display for ImageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageError::Io { path, source } => match source.kind() {
                std::io::ErrorKind::NotFound => write!(f, "{}: no such file", path.display()),
                _ => write!(f, "{}: cannot read: {source}", path.display()),
            },
            ImageError::IsDirectory { path } => {
                write!(f, "{}: is a directory, not a binary", path.display())
            }
            ImageError::Empty { path } => write!(f, "{}: empty file, not a binary", path.display()),
            ImageError::Format { path, reason } => write!(f, "{}: {reason}", path.display()),
            ImageError::Limit { path, reason } => write!(f, "{}: {reason}", path.display()),
            ImageError::Truncated { path, truncation } => {
                write!(f, "{}: {truncation}", path.display())
            }
        }
    }
}

impl std::error::Error for ImageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ImageError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
