//! debuginfod: with DEBUGINFOD_URLS set, `check` and `where` fetch a missing separate debug
//! file by build-id through `debuginfod-find`, as Delve does, from a real `debuginfod`
//! server (Debian's) that this test starts on 127.0.0.1 over our split-debug fixtures; Delve
//! 1.27.1 resolves the same breakpoints through the same server. A server that is down
//! costs a few seconds and a DD105 that says so, never a failure. A binary a package
//! manager owns (Debian's /usr/bin/dlv) gets the distribution's debug package and
//! debuginfod in DD105's fix.

use crate::common;
use crate::delve_rpc::Dlv;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A debuginfod serving `dir`, killed and reaped on drop.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `debuginfod -F DIR` on a free port and waits until it serves `build_id`.
fn serve(dir: &Path, db: &Path, build_id: &str) -> Server {
    let debuginfod = common::require_tool("/usr/bin/debuginfod");
    common::require_tool("/usr/bin/debuginfod-find");
    let port = free_port();
    let child = Command::new(debuginfod)
        .args(["-F", "-t", "0", "-g", "0", "-p", &port.to_string(), "-d"])
        .arg(db)
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    // Scanning takes a moment: ask until it answers, each time into a new cache
    // (debuginfod-find remembers a miss for 10 minutes: cache_miss_s).
    let start = Instant::now();
    loop {
        let probe_cache = tempfile::tempdir().unwrap();
        let ok = Command::new("debuginfod-find")
            .args(["debuginfo", build_id])
            .env("DEBUGINFOD_URLS", &server.url)
            .env("DEBUGINFOD_CACHE_PATH", probe_cache.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success();
        if ok {
            return server;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "debuginfod did not serve {build_id} within 60 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn json(out: &common::Output) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

fn finding<'a>(b: &'a Value, id: &str) -> &'a Value {
    b["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {b}"))
}

#[test]
fn missing_debug_file_is_fetched_from_debuginfod_as_delve_does() {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("served");
    std::fs::create_dir(&served).unwrap();
    // Two split fixtures: build-id only (debug file under DIR/.build-id), and debuglink +
    // build-id with its debug file removed (split-missing; its twin `split` has it).
    let buildid = common::fixture("1.25.5", "hello", "buildid");
    let id = buildid.raw["build_id"].as_str().unwrap().to_string();
    let dbg = common::repo_root().join(buildid.raw["debug_file"].as_str().unwrap());
    std::fs::copy(&dbg, served.join("hello-buildid.debug")).unwrap();
    let split = common::fixture("1.25.5", "hello", "split");
    let split_dbg = common::repo_root().join(split.raw["debug_file"].as_str().unwrap());
    std::fs::copy(&split_dbg, served.join("hello-split.debug")).unwrap();
    let missing = common::fixture("1.25.5", "hello", "split-missing");
    let server = serve(&served, &tmp.path().join("db.sqlite"), &id);

    let cache = tmp.path().join("cache");
    let with_server = |args: &[&str]| {
        common::dd()
            .args(args)
            .env("DEBUGINFOD_URLS", &server.url)
            .env("XDG_CACHE_HOME", &cache)
            .env_remove("DEBUGINFOD_CACHE_PATH")
            .run()
    };
    for bin in [&buildid.path, &missing.path] {
        let path = bin.to_str().unwrap();
        // Without the server: no DWARF.
        let before = json(
            &common::dd()
                .args(["check", "--json", path])
                .env_remove("DEBUGINFOD_URLS")
                .run(),
        );
        assert_eq!(before["binaries"][0]["dwarf"]["present"], false);
        // With it: fetched into debuginfod-find's cache under XDG_CACHE_HOME.
        let out = with_server(&["check", "--json", path]);
        let doc = json(&out);
        let b = &doc["binaries"][0];
        assert_eq!(b["dwarf"]["present"], true, "{b}");
        let file = b["dwarf"]["file"].as_str().unwrap();
        assert!(
            Path::new(file).starts_with(cache.join("debuginfod_client")),
            "{file}"
        );
        let dd105 = finding(b, "DD105");
        assert_eq!(dd105["severity"], "info", "{dd105}");
        assert!(
            dd105["message"]
                .as_str()
                .unwrap()
                .contains("fetched from debuginfod"),
            "{dd105}"
        );
        // The same main.main as with the debug file given by hand.
        assert_eq!(b["main_main"]["from"], "dwarf");
        assert_eq!(b["main_main"]["line"], 11);
        // where binds a line (file:line needs DWARF: without it this is DD705).
        let w = json(&with_server(&[
            "where",
            "--json",
            "--delve",
            "newest",
            path,
            "main.go:21",
        ]));
        assert_eq!(w["locations"][0]["bound"], true, "{w}");
        let w0 = json(
            &common::dd()
                .args(["where", "--json", "--delve", "newest", path, "main.go:21"])
                .env_remove("DEBUGINFOD_URLS")
                .run(),
        );
        assert_eq!(w0["locations"][0]["bound"], false, "{w0}");
        // Real Delve 1.27.1 with the same DEBUGINFOD_URLS (it runs debuginfod-find from
        // PATH): binds main.main and the same line at the same pc.
        let dlv_cache = tmp.path().join("dlv-cache");
        let mut dlv = Dlv::launch_with_env(
            &common::repo_root().join(".cache/bin/dlv-1.27.1"),
            bin,
            &[
                ("DEBUGINFOD_URLS", server.url.as_str()),
                ("XDG_CACHE_HOME", dlv_cache.to_str().unwrap()),
            ],
        )
        .unwrap();
        let main_pcs = dlv.find_location("main.main").unwrap();
        let ours_main = u64::from_str_radix(
            b["main_main"]["pc"]
                .as_str()
                .unwrap()
                .trim_start_matches("0x"),
            16,
        )
        .unwrap();
        assert!(
            main_pcs.contains(&ours_main),
            "{main_pcs:?} vs {ours_main:#x}"
        );
        let line_pcs = dlv
            .find_location("main.go:21")
            .unwrap_or_else(|e| panic!("Delve did not bind main.go:21: {e}"));
        let ours: std::collections::BTreeSet<u64> = w["locations"][0]["addresses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["pc"].as_u64().unwrap())
            .collect();
        assert_eq!(line_pcs, ours, "Delve vs where on main.go:21");
        drop(dlv);
        // And without DEBUGINFOD_URLS, Delve cannot bind that line either.
        let mut dlv = Dlv::launch_with_env(
            &common::repo_root().join(".cache/bin/dlv-1.27.1"),
            bin,
            &[(
                "XDG_CACHE_HOME",
                tmp.path().join("dlv-none").to_str().unwrap(),
            )],
        )
        .unwrap();
        assert!(dlv.find_location("main.go:21").is_err());
    }

    // A second run is served from the cache: the server is not needed any more.
    drop(server);
    let out = common::dd()
        .args(["check", "--json", buildid.path.to_str().unwrap()])
        .env("DEBUGINFOD_URLS", "http://127.0.0.1:1")
        .env("XDG_CACHE_HOME", &cache)
        .run();
    assert_eq!(json(&out)["binaries"][0]["dwarf"]["present"], true);

    // Server down, nothing cached: a few seconds, DD105 says the server was asked and did
    // not answer, the exit code is the findings' (1), not a failure (2).
    let empty_cache = tmp.path().join("empty-cache");
    let down = format!("http://127.0.0.1:{}", free_port());
    let start = Instant::now();
    let out = common::dd()
        .args(["check", "--json", missing.path.to_str().unwrap()])
        .env("DEBUGINFOD_URLS", &down)
        .env("XDG_CACHE_HOME", &empty_cache)
        .run();
    let took = start.elapsed();
    assert!(took < Duration::from_secs(15), "took {took:?}");
    assert_eq!(out.code, 1, "{}", out.stdout);
    let doc = json(&out);
    let dd105 = finding(&doc["binaries"][0], "DD105");
    assert_eq!(dd105["severity"], "error");
    let msg = dd105["message"].as_str().unwrap();
    assert!(
        msg.contains("debuginfod was asked and did not answer"),
        "{msg}"
    );
    let evidence = dd105["evidence"].to_string();
    assert!(
        evidence.contains(&format!("asked debuginfod (DEBUGINFOD_URLS={down})")),
        "{evidence}"
    );

    // A server that accepts and never answers: given up after the 5 s timeout (not
    // debuginfod-find's default 90 s, nor three tries of 5 s).
    let hang = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", hang.local_addr().unwrap());
    let held = std::thread::spawn(move || {
        // Hold the first connection open, unanswered, until the listener is dropped.
        let c = hang.accept();
        std::thread::sleep(Duration::from_secs(12));
        drop(c);
    });
    let start = Instant::now();
    let out = common::dd()
        .args(["check", "--json", missing.path.to_str().unwrap()])
        .env("DEBUGINFOD_URLS", &url)
        .env("XDG_CACHE_HOME", tmp.path().join("hang-cache"))
        .run();
    let took = start.elapsed();
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(out.code, 1, "{}", out.stdout);
    let dd105 = finding(&json(&out)["binaries"][0], "DD105").clone();
    assert!(
        dd105["message"]
            .as_str()
            .unwrap()
            .contains("did not answer"),
        "{dd105}"
    );
    held.join().unwrap();
}

/// Debian's /usr/bin/dlv: stripped, .gnu_debuglink and build-id, owned by the package
/// `delve` (dpkg-query -S). DD105's fix names delve-dbgsym and Debian's debuginfod.
#[test]
fn a_packaged_binary_gets_its_dbgsym_package_and_debuginfod() {
    let dlv = common::require_tool("/usr/bin/dlv");
    let (code, owner, _) = common::exec(Command::new("dpkg").arg("-S").arg(dlv));
    assert_eq!(code, 0);
    let pkg = owner.split(':').next().unwrap().trim().to_string();
    let out = common::dd()
        .args(["check", "--json", "/usr/bin/dlv"])
        .env_remove("DEBUGINFOD_URLS")
        .run();
    let doc = json(&out);
    let dd105 = finding(&doc["binaries"][0], "DD105");
    assert_eq!(dd105["severity"], "error", "{dd105}");
    let fix = dd105["fix"].as_str().unwrap();
    assert!(
        fix.contains(&format!("apt-get install {pkg}-dbgsym")),
        "{fix}"
    );
    assert!(fix.contains("debian-debug"), "{fix}");
    assert!(
        fix.contains("DEBUGINFOD_URLS=https://debuginfod.debian.net"),
        "{fix}"
    );
    assert!(dd105["evidence"]
        .to_string()
        .contains(&format!("installed by the Debian package {pkg}")));
    // A fixture outside the system prefixes names no package.
    let missing = common::fixture("1.25.5", "hello", "split-missing");
    let out = common::run(&["check", "--json", missing.path.to_str().unwrap()]);
    let fix = finding(&json(&out)["binaries"][0], "DD105")["fix"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!fix.contains("dbgsym"), "{fix}");
    let _: PathBuf = missing.path;
}
