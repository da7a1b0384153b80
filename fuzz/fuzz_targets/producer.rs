//! DW_AT_producer flags, Go version strings and -gcflags/-ldflags splitting.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = debugdoctor::dwarf::producer::ProducerFlags::parse(s);
        let _ = debugdoctor::go::GoVersion::parse(s);
        let _ = debugdoctor::go::flags::split(s);
        let _ = debugdoctor::go::flags::gcflags_pattern(s);
    }
});
