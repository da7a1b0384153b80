//! The pclntab reader against Go's own `debug/gosym`: on every Go fixture (all versions,
//! GOOS/GOARCH, stripped, PIE, external linking, trimpath, tests, split debug) our
//! function list (name, entry, end) must equal `gosymdump`'s, built by the same Go
//! version. Plus cases gosym cannot check: a PE without symbols, stripped external links.

use crate::common::{self, Fixture};

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use debugdoctor::binary::Image;
use debugdoctor::go::pclntab::{Func, Pclntab, TextStartSource};

fn go_fixtures() -> Vec<Fixture> {
    common::fixtures()
        .into_iter()
        .filter(|f| f.go.is_some())
        .filter(|f| matches!(f.kind.as_str(), "exe" | "test" | "split" | "buildid"))
        .collect()
}

fn gosymdump_tool(go: &str) -> std::path::PathBuf {
    common::repo_root().join(format!(".cache/fixtures/go{go}/tools/gosymdump"))
}

/// `0x<entry> 0x<end> <name>` lines, or gosymdump's error.
fn gosymdump(go: &str, bin: &Path) -> Result<Vec<Func>, String> {
    let (code, out, err) = common::exec(Command::new(gosymdump_tool(go)).arg(bin));
    if code != 0 {
        return Err(format!("exit {code}: {}", err.trim()));
    }
    let hex = |s: &str| u64::from_str_radix(s.trim_start_matches("0x"), 16).unwrap();
    Ok(out
        .lines()
        .map(|l| {
            let mut it = l.splitn(3, ' ');
            let entry = hex(it.next().unwrap());
            let end = hex(it.next().unwrap());
            Func {
                name: it.next().unwrap_or("").to_string(),
                entry,
                end,
            }
        })
        .collect())
}

fn read(bin: &Path) -> Result<Pclntab, String> {
    let image = Image::open(bin).map_err(|e| e.to_string())?;
    Pclntab::read(&image)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "no pclntab found".to_string())
}

/// The first difference between two function lists, or None.
fn first_mismatch(ours: &[Func], theirs: &[Func]) -> Option<String> {
    for (i, (a, b)) in ours.iter().zip(theirs).enumerate() {
        if a != b {
            return Some(format!(
                "function {i}: ours {:#x} {:#x} {} / gosym {:#x} {:#x} {}",
                a.entry, a.end, a.name, b.entry, b.end, b.name
            ));
        }
    }
    (ours.len() != theirs.len()).then(|| {
        format!(
            "{} functions, gosym {} (first extra: {:?})",
            ours.len(),
            theirs.len(),
            ours.get(theirs.len()).or(theirs.get(ours.len()))
        )
    })
}

#[test]
fn function_list_matches_gosym_on_every_go_fixture() {
    let fixtures = go_fixtures();
    assert!(fixtures.len() >= 100, "only {} Go fixtures", fixtures.len());
    let mut failures = Vec::new();
    let mut compared = 0;
    let mut gosym_failed = Vec::new();
    for f in &fixtures {
        let label = format!("{} ({}/{} {})", f.label(), f.goos, f.goarch, f.kind);
        let ours = match read(&f.path) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{label}: {e}"));
                continue;
            }
        };
        if ours.func_by_name("main.main").is_none() {
            failures.push(format!("{label}: no main.main"));
        }
        if !ours.funcs.windows(2).all(|w| w[0].entry <= w[1].entry) {
            failures.push(format!("{label}: functions not sorted by entry"));
        }
        match gosymdump(f.go.as_deref().unwrap(), &f.path) {
            Ok(theirs) => {
                compared += 1;
                assert!(!theirs.is_empty(), "{label}: gosymdump printed nothing");
                if let Some(m) = first_mismatch(&ours.funcs, &theirs) {
                    failures.push(format!(
                        "{label}: {m} (text start {:#x} from {:?})",
                        ours.text_start,
                        ours.text_start_source()
                    ));
                }
            }
            // debug/gosym could not read it: we still must have found main.main (above).
            Err(e) => gosym_failed.push(format!("{label}: gosymdump failed: {e}")),
        }
    }
    eprintln!(
        "pclntab: {} Go fixtures, {compared} compared with gosym, {} gosym could not read, {} failures",
        fixtures.len(),
        gosym_failed.len(),
        failures.len()
    );
    for g in &gosym_failed {
        eprintln!("  {g}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn reports_table_location_and_files() {
    for f in go_fixtures().iter().filter(|f| f.kind == "exe") {
        let t = read(&f.path).unwrap();
        let want_section = match (f.goos.as_str(), f.variant.as_str()) {
            ("windows", _) => ".rdata",
            ("darwin", _) => "__gopclntab",
            _ => ".gopclntab",
        };
        // PIE tables go in .data.rel.ro.gopclntab only when externally linked.
        assert!(
            t.section == want_section || t.section == ".data.rel.ro.gopclntab",
            "{}: table in {}",
            f.label(),
            t.section
        );
        assert_eq!(t.ptr_size, 8, "{}", f.label());
        let with_file = (0..t.funcs.len())
            .filter(|&i| t.source(i).is_some())
            .count();
        // Only assembly stubs without a pcfile table may lack one.
        assert!(
            with_file * 100 >= t.funcs.len() * 95,
            "{}: only {with_file} of {} functions have a source file",
            f.label(),
            t.funcs.len()
        );
        let main_file = t.files().iter().any(|p| p.ends_with("main.go"));
        assert!(main_file, "{}: no main.go in {:?}", f.label(), t.files());
        if f.variant == "trimpath" {
            assert!(
                t.files().iter().all(|p| !p.starts_with("/work")),
                "{}: trimpath binary lists an absolute source path",
                f.label()
            );
        }
    }
}

/// A PE without symbols (`objcopy --strip-all`) has no
/// runtime.pclntab symbol: the table is found by scanning for its header.
#[test]
fn stripped_pe_is_found_by_scanning() {
    let dir = tempfile::tempdir().unwrap();
    for f in go_fixtures().iter().filter(|f| f.goos == "windows") {
        let path = dir.path().join(format!("{}.exe", f.go.as_deref().unwrap()));
        let (code, _, err) = common::exec(
            Command::new("objcopy")
                .arg("--strip-all")
                .arg(&f.path)
                .arg(&path),
        );
        assert_eq!(code, 0, "objcopy: {err}");
        let image = Image::open(&path).unwrap();
        assert_eq!(
            image.symbol_count(),
            0,
            "{}: objcopy left symbols",
            f.label()
        );
        let stripped = read(&path).unwrap_or_else(|e| panic!("{}: {e}", f.label()));
        let full = read(&f.path).unwrap();
        assert_eq!(stripped.address, full.address, "{}", f.label());
        assert_eq!(stripped.text_start, full.text_start, "{}", f.label());
        assert!(
            stripped.func_by_name("main.main").is_some(),
            "{}",
            f.label()
        );
        if let Some(m) = first_mismatch(&stripped.funcs, &full.funcs) {
            panic!("{}: stripped vs symbolised: {m}", f.label());
        }
        let theirs = gosymdump(f.go.as_deref().unwrap(), &path).unwrap();
        if let Some(m) = first_mismatch(&stripped.funcs, &theirs) {
            panic!("{} stripped: {m}", f.label());
        }
    }
}

/// Externally linked binaries put C start-up code before runtime.text, so the `.text`
/// section start is the wrong base; stripped, only the header (Go 1.18–1.25) or the
/// moduledata (Go 1.26+, header word 0) give the right one. gosym has no way to know.
#[test]
fn stripped_external_link_keeps_exact_entries() {
    let dir = tempfile::tempdir().unwrap();
    for f in go_fixtures()
        .iter()
        .filter(|f| matches!(f.variant.as_str(), "extlink" | "pie" | "default"))
        .filter(|f| f.program == "hello")
    {
        let out = dir
            .path()
            .join(format!("{}-{}", f.go.as_deref().unwrap(), f.variant));
        let (code, _, err) = common::exec(
            Command::new("objcopy")
                .arg("--strip-all")
                .arg(&f.path)
                .arg(&out),
        );
        assert_eq!(code, 0, "objcopy: {err}");
        let full = read(&f.path).unwrap();
        assert_eq!(full.text_start_source(), TextStartSource::Symbol);
        let stripped = read(&out).unwrap_or_else(|e| panic!("{}: {e}", f.label()));
        let want = if f.go_at_least(26) {
            TextStartSource::Moduledata
        } else {
            TextStartSource::Header
        };
        assert_eq!(stripped.text_start_source(), want, "{}", f.label());
        assert_eq!(stripped.text_start, full.text_start, "{}", f.label());
        if let Some(m) = first_mismatch(&stripped.funcs, &full.funcs) {
            panic!("{} stripped: {m}", f.label());
        }
    }
}

#[test]
fn non_go_inputs_have_no_table() {
    for f in common::fixtures().iter().filter(|f| f.kind == "nongo") {
        if let Ok(image) = Image::open(&f.path) {
            let r = Pclntab::read(&image);
            assert!(
                matches!(r, Ok(None)),
                "{}: {:?}",
                f.label(),
                r.map(|t| t.map(|t| t.funcs.len()))
            );
        }
    }
}

/// Debug build timing, for the report: the largest fixture and (when present) the Go
/// 1.25.5 compiler.
#[test]
fn timing() {
    let mut fixtures = go_fixtures();
    fixtures.sort_by_key(|f| std::fs::metadata(&f.path).map(|m| m.len()).unwrap_or(0));
    let mut paths = vec![fixtures.last().unwrap().path.clone()];
    let compile = common::repo_root().join(".cache/go/1.25.5/go/pkg/tool/linux_amd64/compile");
    if compile.exists() {
        paths.push(compile.to_path_buf());
    }
    for p in paths {
        let image = Image::open(&p).unwrap();
        let t0 = Instant::now();
        let t = Pclntab::read(&image).unwrap().unwrap();
        let dt = t0.elapsed();
        eprintln!(
            "pclntab timing: {} ({} bytes): {} functions, {} files in {:.1} ms",
            p.display(),
            image.file_len(),
            t.funcs.len(),
            t.files().len(),
            dt.as_secs_f64() * 1e3
        );
    }
}

/// `objcopy --only-keep-debug` files keep the pclntab section and symbols as NOBITS:
/// there is no table to read, and that is not corruption.
#[test]
fn debug_only_files_have_no_table() {
    for f in go_fixtures() {
        let Some(debug) = f.raw.get("debug_file").and_then(|v| v.as_str()) else {
            continue;
        };
        let image = Image::open(&common::repo_root().join(debug)).unwrap();
        let r = Pclntab::read(&image);
        assert!(
            matches!(r, Ok(None)),
            "{}: {debug}: {:?}",
            f.label(),
            r.map(|t| t.map(|t| t.funcs.len()))
        );
    }
}

/// The line of `func main()` in the fixture source the binary names (a trimmed path
/// like `example.com/hello/main.go` means the program's top-level main.go).
fn main_line(program: &str, file: &str) -> Option<u32> {
    let rel = match file.split_once("/fixtures/src/") {
        Some((_, rel)) => rel.to_string(),
        None => format!("{program}/main.go"),
    };
    let src = common::repo_root().join("fixtures/src").join(rel);
    let text = std::fs::read_to_string(src).ok()?;
    let i = text.lines().position(|l| l.starts_with("func main()"))?;
    Some(i as u32 + 1)
}

/// main.main's file (all versions) and start line (Go 1.20+) come from the pclntab,
/// stripped or not.
#[test]
fn main_main_source_file_and_line() {
    let mut checked = 0;
    for f in go_fixtures() {
        let t = read(&f.path).unwrap();
        let src = t
            .source_by_name("main.main")
            .unwrap_or_else(|| panic!("{}: no source for main.main", f.label()));
        if f.program == "testpkg" {
            assert!(src.file.ends_with("_testmain.go"), "{}: {src:?}", f.label());
            continue;
        }
        assert!(
            src.file.ends_with("/main.go"),
            "{}: main.main in {}",
            f.label(),
            src.file
        );
        let want = if f.go_at_least(20) {
            main_line(&f.program, src.file)
        } else {
            None
        };
        assert_eq!(src.start_line, want, "{}: {src:?}", f.label());
        checked += 1;
    }
    assert!(checked > 90, "only {checked} fixtures checked");
}

/// A Go binary whose pclntab is damaged is corrupt (Err), not "not Go" (Ok(None)).
#[test]
fn damaged_table_is_an_error() {
    let f = common::fixture("1.25.5", "hello", "sw");
    let data = std::fs::read(&f.path).unwrap();
    let image = Image::open(&f.path).unwrap();
    let t = Pclntab::read(&image).unwrap().unwrap();
    let (off, size) = image.section(&t.section).unwrap().file_range.unwrap();
    let off = off as usize;

    // An absurd function count in the header.
    let mut bad = data.clone();
    bad[off + 8..off + 16].copy_from_slice(&(1u64 << 60).to_le_bytes());
    let e = Pclntab::read(&Image::from_bytes(Path::new("bad"), bad).unwrap()).unwrap_err();
    assert!(
        matches!(
            e,
            debugdoctor::go::pclntab::PclntabError::Table {
                problem: debugdoctor::go::pclntab::TableProblem::FunctionCount { .. },
                ..
            }
        ),
        "{e:?}"
    );
    let e = e.to_string();
    assert!(e.contains("function count"), "{e}");
    assert!(!e.contains('\n'), "{e}");

    // The section table says the table runs past the end of the file (ELF64 section
    // header: sh_offset at +0x18, sh_size at +0x20).
    let mut bad = data.clone();
    let shoff = u64::from_le_bytes(data[0x28..0x30].try_into().unwrap()) as usize;
    let shnum = u16::from_le_bytes(data[0x3c..0x3e].try_into().unwrap()) as usize;
    let sh = (0..shnum)
        .map(|i| shoff + i * 64)
        .find(|&h| {
            u64::from_le_bytes(data[h + 0x18..h + 0x20].try_into().unwrap()) == off as u64
                && u64::from_le_bytes(data[h + 0x20..h + 0x28].try_into().unwrap()) == size
        })
        .expect("section header of .gopclntab");
    bad[sh + 0x20..sh + 0x28].copy_from_slice(&(data.len() as u64 * 2).to_le_bytes());
    // The image is refused at open, naming the section and both sizes (the pclntab
    // reader's own "past the end" check stays for images built otherwise).
    let e = Image::from_bytes(Path::new("bad"), bad)
        .unwrap_err()
        .to_string();
    let want = format!(
        "section .gopclntab ends at byte {}, file is {} bytes",
        off as u64 + data.len() as u64 * 2,
        data.len()
    );
    assert!(e.contains(&want), "{e}");
}
