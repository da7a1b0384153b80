//! Errors for inputs debugdoctor cannot diagnose at all (missing, unreadable, not an
//! executable). Each renders as one line naming the file and what was wrong.

use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum Error {
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
}

impl Error {
    pub fn format(path: &Path, reason: impl Into<String>) -> Self {
        Error::Format {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }
    pub fn path(&self) -> &Path {
        match self {
            Error::Io { path, .. }
            | Error::IsDirectory { path }
            | Error::Empty { path }
            | Error::Format { path, .. }
            | Error::Limit { path, .. } => path,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io { path, source } => match source.kind() {
                std::io::ErrorKind::NotFound => write!(f, "{}: no such file", path.display()),
                _ => write!(f, "{}: cannot read: {source}", path.display()),
            },
            Error::IsDirectory { path } => {
                write!(f, "{}: is a directory, not a binary", path.display())
            }
            Error::Empty { path } => write!(f, "{}: empty file, not a binary", path.display()),
            Error::Format { path, reason } => write!(f, "{}: {reason}", path.display()),
            Error::Limit { path, reason } => write!(f, "{}: {reason}", path.display()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
