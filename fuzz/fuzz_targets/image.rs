//! The whole pipeline on arbitrary bytes: object parsing, every lazy fact, every check.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::path::Path::new("fuzz-input");
    if let Ok(img) = debugdoctor::binary::Image::from_bytes(path, data.to_vec()) {
        let t = debugdoctor::Target::from_image(img, Default::default());
        let _ = t.main_main();
        let _ = debugdoctor::checks::run(&t);
    }
});
