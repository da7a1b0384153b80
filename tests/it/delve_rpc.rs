//! A minimal client for Delve's headless JSON-RPC API (v2), for differential tests.
//!
//! `dlv exec BIN --headless --api-version=2 --listen=127.0.0.1:0 --accept-multiclient`
//! prints `API server listening at: 127.0.0.1:PORT`; then one TCP connection carries
//! newline-delimited JSON-RPC requests and answers (`RPCServer.FindLocation`,
//! `RPCServer.ListFunctions`, `RPCServer.Detach`). Dropping a [`Dlv`] detaches with
//! `Kill: true`, then kills and reaps the dlv process, so no dlv (or debuggee) is left
//! behind even when a test panics.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

/// How long dlv may take to print its listening line.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long one request may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(120);

/// One headless dlv debugging one binary (stopped at its entry point).
pub struct Dlv {
    child: Child,
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    next_id: u64,
    /// dlv's stdout after the listening line and its stderr, for error messages.
    log: Arc<Mutex<String>>,
}

impl Dlv {
    /// Starts `dlv exec BIN` headless and connects to it.
    pub fn launch(dlv: &Path, bin: &Path) -> Result<Dlv, String> {
        Dlv::launch_with_env(dlv, bin, &[])
    }

    /// [`Dlv::launch`] with extra environment variables (DEBUGINFOD_URLS, XDG_CACHE_HOME).
    pub fn launch_with_env(dlv: &Path, bin: &Path, env: &[(&str, &str)]) -> Result<Dlv, String> {
        let mut child = Command::new(dlv)
            .envs(env.iter().copied())
            .arg("exec")
            .arg(bin)
            .args([
                "--headless",
                "--api-version=2",
                "--listen=127.0.0.1:0",
                "--accept-multiclient",
                "--check-go-version=false",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", dlv.display()))?;
        let log = Arc::new(Mutex::new(String::new()));
        // stderr: drained by a thread into the log (dlv must never block on a full pipe).
        let mut stderr = child.stderr.take().unwrap();
        let l = log.clone();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                *l.lock().unwrap() = String::from_utf8_lossy(&buf).into_owned();
            }
        });
        // stdout: the listening line goes through a channel (read with a timeout), the
        // rest (the debuggee's output) is drained.
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            let mut line = String::new();
            let mut sent = false;
            loop {
                line.clear();
                match r.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if !sent && line.contains("API server listening at:") {
                            let _ = tx.send(line.trim().to_string());
                            sent = true;
                        }
                    }
                }
            }
        });
        let fail = |child: &mut Child, log: &Arc<Mutex<String>>, what: String| {
            let _ = child.kill();
            let _ = child.wait();
            std::thread::sleep(Duration::from_millis(50));
            format!("{what}; dlv said: {}", log.lock().unwrap().trim())
        };
        let line = match rx.recv_timeout(START_TIMEOUT) {
            Ok(l) => l,
            Err(_) => {
                return Err(fail(
                    &mut child,
                    &log,
                    format!("dlv did not start listening on {}", bin.display()),
                ))
            }
        };
        let addr = line.rsplit(' ').next().unwrap_or("").to_string();
        let stream = match TcpStream::connect(&addr) {
            Ok(s) => s,
            Err(e) => return Err(fail(&mut child, &log, format!("connect {addr}: {e}"))),
        };
        stream.set_read_timeout(Some(CALL_TIMEOUT)).unwrap();
        stream.set_nodelay(true).unwrap();
        let writer = stream.try_clone().unwrap();
        Ok(Dlv {
            child,
            reader: BufReader::new(stream),
            writer,
            next_id: 0,
            log,
        })
    }

    /// One request: `Ok(result)`, or `Err(error)` with Delve's error text.
    pub fn call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let req = json!({"method": method, "params": [params], "id": id});
        let mut text = req.to_string();
        text.push('\n');
        self.writer
            .write_all(text.as_bytes())
            .map_err(|e| format!("dlv connection: {e}"))?;
        let mut line = String::new();
        let n = self
            .reader
            .read_line(&mut line)
            .map_err(|e| format!("dlv connection: {e}"))?;
        if n == 0 {
            return Err(format!(
                "dlv closed the connection; dlv said: {}",
                self.log.lock().unwrap().trim()
            ));
        }
        let v: Value =
            serde_json::from_str(&line).map_err(|e| format!("dlv answer {line:?}: {e}"))?;
        assert_eq!(
            v["id"].as_u64(),
            Some(id),
            "dlv answered another request: {line}"
        );
        match &v["error"] {
            Value::Null => Ok(v["result"].clone()),
            Value::String(s) => Err(s.clone()),
            e => Err(e.to_string()),
        }
    }

    /// The PCs Delve binds `spec` at (the union over every location it returns; a
    /// location with pc 0 and no pcs has no address), or Delve's error text.
    pub fn find_location(&mut self, spec: &str) -> Result<BTreeSet<u64>, String> {
        self.find_location_full(spec).map(|locs| pcs_of(&locs))
    }

    /// Delve's `Locations` for `spec` as it returned them (each with `pc`, `pcs`,
    /// `file`, `line`, `function.name`), or its error text.
    pub fn find_location_full(&mut self, spec: &str) -> Result<Vec<Value>, String> {
        let r = self.call(
            "RPCServer.FindLocation",
            json!({"Scope": {"GoroutineID": -1}, "Loc": spec}),
        )?;
        Ok(r["Locations"].as_array().cloned().unwrap_or_default())
    }

    /// The functions whose names match the regex `filter`, exactly as Delve lists them.
    pub fn list_functions(&mut self, filter: &str) -> Vec<String> {
        let r = self
            .call(
                "RPCServer.ListFunctions",
                json!({"Filter": filter, "FollowCalls": 0}),
            )
            .unwrap_or_else(|e| panic!("ListFunctions {filter:?}: {e}"));
        r["Funcs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str().map(str::to_string))
            .collect()
    }
}

impl Drop for Dlv {
    fn drop(&mut self) {
        // Best effort: Detach(Kill) kills the debuggee; then dlv itself.
        let _ = self.writer.set_write_timeout(Some(Duration::from_secs(2)));
        let _ = self
            .reader
            .get_ref()
            .set_read_timeout(Some(Duration::from_secs(2)));
        self.next_id += 1;
        let req =
            json!({"method": "RPCServer.Detach", "params": [{"Kill": true}], "id": self.next_id});
        if self.writer.write_all(format!("{req}\n").as_bytes()).is_ok() {
            let mut line = String::new();
            let _ = self.reader.read_line(&mut line);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The set of bound PCs of FindLocation's `Locations`: the union of every `pcs` (or
/// `pc` when `pcs` is empty and `pc` is not 0).
pub fn pcs_of(locs: &[Value]) -> BTreeSet<u64> {
    let mut set = BTreeSet::new();
    for loc in locs {
        let pcs: Vec<u64> = loc["pcs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_u64)
            .collect();
        if pcs.is_empty() {
            match loc["pc"].as_u64() {
                Some(pc) if pc != 0 => {
                    set.insert(pc);
                }
                _ => {}
            }
        } else {
            set.extend(pcs);
        }
    }
    set
}
