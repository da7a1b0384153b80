//! Object-file layer: formats, sections, build-id and debuglink, packer marks.

pub mod debugfile;
pub mod image;
pub mod packer;

pub use image::{Compression, Format, Image, SectionInfo};
