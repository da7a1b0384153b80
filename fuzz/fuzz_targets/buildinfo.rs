//! Go build info reader on arbitrary images.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::path::Path::new("fuzz-input");
    if let Ok(img) = debugdoctor::binary::Image::from_bytes(path, data.to_vec()) {
        let _ = debugdoctor::go::BuildInfo::read(&img);
    }
});
