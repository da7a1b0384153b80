//! Object-file layer: formats, sections, build-id and debuglink, packer marks.

pub mod bytes;
pub mod debugfile;
pub mod debuginfod;
pub mod error;
pub mod hugepage;
pub mod image;
pub mod layout;
pub mod packer;

pub use error::ImageError;
pub use image::{has_executable_magic, Compression, Format, Image, SectionInfo};
