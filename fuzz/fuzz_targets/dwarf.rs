//! DWARF unit summary and main.main lookup on arbitrary images.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::path::Path::new("fuzz-input");
    if let Ok(img) = debugdoctor::binary::Image::from_bytes(path, data.to_vec()) {
        if let Ok(d) = debugdoctor::dwarf::load(&img) {
            if let Ok(s) = debugdoctor::dwarf::summarize(&d) {
                let _ = debugdoctor::dwarf::function_location(&d, &s, "main.main");
            }
        }
    }
});
