//! The proxy's processes and sockets. It listens where the editor asked (or dials the
//! editor with `--client-addr`) and opens a private listener; then it forks: the process the
//! editor started *becomes* the real `dlv dap --client-addr=127.0.0.1:PORT` (exec, after
//! announcing itself as Delve does), and the forked child is the proxy, which accepts only
//! that Delve on the private listener and relays the two byte streams.
//!
//! Why this way round: the editor's process is already running, so Delve starts without
//! waiting for a second new process to be scheduled (on a loaded machine that wait was
//! most of the proxy's cost at session start), and the editor's pid, signals and exit
//! status are Delve's own, exactly as without us. The proxy ends when Delve closes its
//! connection (after relaying every byte), or when Delve dies (`PR_SET_PDEATHSIG`).

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use nix::sys::signal::{self, SigSet, Signal};
use nix::unistd::Pid;

use super::args::DapArgs;
use super::frame::{Chunk, FrameReader};
use super::sameuser;
use super::session::Session;

/// The message Delve prints when its DAP server is ready (`logflags.WriteDAPListeningMessage`);
/// vscode-go waits for a chunk starting with it.
pub const LISTENING: &str = "DAP server listening at:";

/// `$DEBUGDOCTOR_DAP_TIMELINE=FILE`: when each step of the session start happened, in
/// microseconds since the proxy began, appended to FILE when the proxy ends (to see where
/// the start-up time goes; `scripts/bench --dap` reads it).
mod timeline {
    use std::sync::{Mutex, OnceLock};
    use std::time::Instant;

    static START: OnceLock<Instant> = OnceLock::new();
    static MARKS: Mutex<Vec<(&'static str, u128)>> = Mutex::new(Vec::new());
    static ON: OnceLock<bool> = OnceLock::new();

    pub fn begin() {
        START.get_or_init(Instant::now);
        ON.get_or_init(|| std::env::var_os("DEBUGDOCTOR_DAP_TIMELINE").is_some());
    }

    /// Notes that `what` happened now (once per label).
    pub fn mark(what: &'static str) {
        if ON.get() != Some(&true) {
            return;
        }
        let Some(t0) = START.get() else { return };
        let us = t0.elapsed().as_micros();
        let mut m = MARKS.lock().unwrap_or_else(|e| e.into_inner());
        if !m.iter().any(|(w, _)| *w == what) {
            m.push((what, us));
        }
    }

    pub fn on() -> bool {
        ON.get() == Some(&true)
    }

    pub fn write() {
        let Some(path) = std::env::var_os("DEBUGDOCTOR_DAP_TIMELINE") else {
            return;
        };
        let m = MARKS.lock().unwrap_or_else(|e| e.into_inner());
        let line: Vec<String> = m.iter().map(|(w, us)| format!("\"{w}\":{us}")).collect();
        let _ = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut f| {
                use std::io::Write;
                writeln!(f, "{{{}}}", line.join(","))
            });
    }
}

/// Delve's refusal text (`service/dap/server.go`).
const REFUSED: &str = "Error accepting client connection: Only connections from the same user that started this instance of Delve are allowed to connect. See --only-same-user.";

/// A connection to the editor or to Delve.
pub enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl Stream {
    fn try_clone(&self) -> io::Result<Stream> {
        Ok(match self {
            Stream::Tcp(s) => Stream::Tcp(s.try_clone()?),
            Stream::Unix(s) => Stream::Unix(s.try_clone()?),
        })
    }
    fn shutdown(&self, how: Shutdown) {
        let _ = match self {
            Stream::Tcp(s) => s.shutdown(how),
            Stream::Unix(s) => s.shutdown(how),
        };
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Unix(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            Stream::Unix(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Whether two paths name the same file (a symlink to us, or a copy of us).
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    if ma.dev() == mb.dev() && ma.ino() == mb.ino() {
        return true;
    }
    ma.len() == mb.len()
        && match (std::fs::read(a), std::fs::read(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
}

/// The real Delve: `--dlv`, else `$DEBUGDOCTOR_DLV`, else the first `dlv` on PATH that is
/// not this program.
pub fn find_dlv(explicit: Option<&str>) -> Result<PathBuf, String> {
    let me = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let chosen = explicit
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("DEBUGDOCTOR_DLV").map(PathBuf::from));
    if let Some(p) = chosen {
        if same_file(&p, &me) {
            return Err(format!("{} is debugdoctor itself, not Delve", p.display()));
        }
        return Ok(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("dlv"))
        .find(|p| p.is_file() && !same_file(p, &me))
        .ok_or_else(|| {
            "no Delve found: set DEBUGDOCTOR_DLV or pass --dlv PATH (the dlv on PATH, if any, is debugdoctor)".to_string()
        })
}

/// Runs the real Delve in place of this process (same arguments, streams, exit status
/// and signals). Returns only if it cannot be started.
pub fn exec_dlv(dlv: &Path, args: &[String]) -> io::Error {
    Command::new(dlv).args(args).exec()
}

enum Event {
    Client(Stream),
    Dlv(Stream),
    /// Delve (our parent) is gone.
    Exited,
    ClientClosed,
    DlvClosed,
}

/// Where Delve's ready message goes: the `--log-dest` descriptor, or stdout; `None` for a
/// `--log-dest` file (written once Delve has created it).
fn announce_fd(log_dest: Option<&str>) -> Option<i32> {
    match log_dest.map(|d| d.parse::<i32>()) {
        Some(Ok(fd)) => Some(fd),
        Some(Err(_)) => None,
        None => Some(1),
    }
}

/// Writes all of `msg` to `fd` with write(2) only (async-signal-safe: it runs in the forked
/// child before exec).
fn write_all_raw(fd: i32, mut msg: &[u8]) {
    while !msg.is_empty() {
        // SAFETY: a plain write(2) from a valid buffer; `fd` was handed to us open.
        let n = unsafe { nix::libc::write(fd, msg.as_ptr().cast(), msg.len()) };
        if n < 0 {
            if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return;
        }
        if n == 0 {
            return;
        }
        msg = &msg[n as usize..];
    }
}

fn dial(addr: &str) -> io::Result<Stream> {
    if let Some(path) = addr.strip_prefix("unix:") {
        return Ok(Stream::Unix(UnixStream::connect(path)?));
    }
    // Go dials ":PORT" on the local system.
    let addr = match addr.strip_prefix(':') {
        Some(port) => format!("127.0.0.1:{port}"),
        None => addr.to_string(),
    };
    let s = TcpStream::connect(addr)?;
    let _ = s.set_nodelay(true);
    Ok(Stream::Tcp(s))
}

/// Copies client → Delve, noting the requests the session needs.
fn relay_client(mut from: FrameReader<Stream>, mut to: Stream, session: &Session) {
    while let Ok(Some(chunk)) = from.next_chunk() {
        timeline::mark("first_client_frame");
        let bytes = match &chunk {
            Chunk::Frame(f) => {
                let _ =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| session.on_client(f)));
                &f.raw
            }
            Chunk::Raw(r) => r,
        };
        if to.write_all(bytes).is_err() {
            break;
        }
        timeline::mark("first_client_frame_relayed");
    }
}

/// Copies Delve → client, rewriting what the session rewrites. With
/// `$DEBUGDOCTOR_DAP_TRACE` set to a file, every byte read from Delve is appended to it
/// as read (for bug reports and for the tests that compare it with what the client got).
fn relay_delve(mut from: FrameReader<Stream>, to: &Mutex<Stream>, session: &Arc<Session>) {
    let mut trace = std::env::var_os("DEBUGDOCTOR_DAP_TRACE").and_then(|p| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)
            .ok()
    });
    while let Ok(Some(chunk)) = from.next_chunk() {
        timeline::mark("first_delve_frame");
        if let Some(t) = &mut trace {
            let _ = t.write_all(match &chunk {
                Chunk::Frame(f) => &f.raw,
                Chunk::Raw(r) => r,
            });
        }
        let ok = match &chunk {
            Chunk::Frame(f) => {
                let new =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| session.on_delve(f)))
                        .ok()
                        .flatten();
                let bytes = new.as_ref().map_or(&f.raw, |n| &n.raw);
                let ok = to
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .write_all(bytes)
                    .is_ok();
                if timeline::on()
                    && f.body()
                        .windows(21)
                        .any(|w| w == b"\"event\":\"initialized\"")
                {
                    timeline::mark("initialized_relayed");
                }
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    session.after_delve(f)
                }));
                ok
            }
            Chunk::Raw(r) => to
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .write_all(r)
                .is_ok(),
        };
        if !ok {
            break;
        }
    }
}

/// Runs one proxied `dlv dap` session. The calling process becomes Delve (it does not
/// return then); the proxy's own process returns its exit code when the session is over.
pub fn run(dlv: &Path, args: &DapArgs) -> i32 {
    timeline::begin();
    let code = match run_inner(dlv, args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("debugdoctor dap: {e}");
            1
        }
    };
    timeline::mark("end");
    timeline::write();
    code
}

fn run_inner(dlv: &Path, args: &DapArgs) -> Result<i32, String> {
    // The editor's side first: if it cannot be had, Delve is not started.
    let mut file_announce: Option<(String, SocketAddr)> = None;
    let mut announce: Option<(i32, Vec<u8>)> = None;
    let mut dialed: Option<Stream> = None;
    let editor_listener = match &args.client_addr {
        Some(addr) => {
            match dial(addr) {
                Ok(s) => dialed = Some(s),
                Err(e) => {
                    // Delve would fail the same way (its `error dialing` and exit 1).
                    eprintln!("debugdoctor dap: error dialing {addr}: {e}");
                    return Ok(1);
                }
            }
            None
        }
        None => {
            let listen = args.listen.clone().unwrap_or_else(|| "127.0.0.1:0".into());
            let listener = match TcpListener::bind(listen.as_str()) {
                Ok(l) => l,
                Err(e) => {
                    // Delve's words (`couldn't start listener`), on stdout as Delve prints them.
                    println!("couldn't start listener: listen tcp {listen}: {e}");
                    return Ok(1);
                }
            };
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            match announce_fd(args.log_dest.as_deref()) {
                Some(fd) => announce = Some((fd, format!("{LISTENING} {addr}\n").into_bytes())),
                None => {
                    file_announce = Some((args.log_dest.clone().unwrap_or_default(), addr));
                }
            }
            Some((listener, addr))
        }
    };
    let private = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("private listener: {e}"))?;
    let private_addr = private.local_addr().map_err(|e| e.to_string())?;
    let mut cmd = Command::new(dlv);
    cmd.arg("dap")
        .args(&args.rest)
        .arg(format!("--client-addr={private_addr}"));
    let dlv_pid = std::process::id();
    // Nothing else runs yet in this process (no thread was started): fork is safe.
    // SAFETY: single-threaded here; the parent only writes and execs, the child goes on
    // as an ordinary Rust program.
    match unsafe { nix::unistd::fork() } {
        Err(e) => return Err(format!("cannot fork: {e}")),
        Ok(nix::unistd::ForkResult::Parent { .. }) => {
            // Delve's ready message before Delve exists: no line of Delve's log on the same
            // descriptor can come before the message vscode-go waits for. The listeners are
            // close-on-exec: only the proxy keeps them.
            if let Some((fd, msg)) = &announce {
                write_all_raw(*fd, msg);
            }
            // exec resets the signal mask and SIGPIPE as spawn would.
            let err = cmd.exec();
            eprintln!("debugdoctor dap: cannot start {}: {err}", dlv.display());
            // The proxy sees its parent go and ends.
            return Ok(1);
        }
        Ok(nix::unistd::ForkResult::Child) => {}
    }
    timeline::mark("forked");
    // The proxy. Delve's death reaches us as SIGTERM; SIGTERM from anyone else is passed on
    // to Delve; SIGINT and SIGHUP (a terminal's, sent to the whole process group) are
    // Delve's to handle, as without us. Blocked before any thread starts.
    let mut sigs = SigSet::empty();
    for s in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        sigs.add(s);
    }
    sigs.thread_block()
        .map_err(|e| format!("cannot block signals: {e}"))?;
    let _ = nix::sys::prctl::set_pdeathsig(Signal::SIGTERM);
    let parent_alive = move || nix::unistd::getppid().as_raw() == dlv_pid as i32;
    if !parent_alive() {
        return Ok(1);
    }
    // The editor's stdin and stdout (and Delve's log descriptor) are Delve's and the
    // debuggee's: the proxy holds none of them open.
    if let Ok(null) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
    {
        use std::os::fd::AsRawFd;
        for fd in [0, 1] {
            // SAFETY: dup2 onto the standard descriptors of this process.
            unsafe {
                nix::libc::dup2(null.as_raw_fd(), fd);
            }
        }
    }
    if let Some((fd, _)) = &announce {
        if *fd > 2 {
            // SAFETY: the descriptor is Delve's log destination, not used by the proxy.
            unsafe {
                nix::libc::close(*fd);
            }
        }
    }
    let exited = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel::<Event>();
    {
        let exited = Arc::clone(&exited);
        let tx = tx.clone();
        std::thread::spawn(move || loop {
            let Ok(sig) = sigs.wait() else { return };
            if !parent_alive() {
                exited.store(true, Ordering::SeqCst);
                let _ = tx.send(Event::Exited);
                return;
            }
            if sig == Signal::SIGTERM {
                let _ = signal::kill(Pid::from_raw(dlv_pid as i32), sig);
            }
        });
    }
    // Delve dials back: accept only a socket of that very process.
    {
        let tx = tx.clone();
        std::thread::spawn(move || loop {
            let Ok((s, remote)) = private.accept() else {
                return;
            };
            timeline::mark("delve_dialed");
            let ok = s
                .local_addr()
                .ok()
                .and_then(|l| sameuser::peer(&l, &remote))
                .is_some_and(|p| {
                    p.uid == nix::unistd::getuid().as_raw() && sameuser::owned_by(dlv_pid, p.inode)
                });
            if ok {
                timeline::mark("delve_checked");
                let _ = s.set_nodelay(true);
                let _ = tx.send(Event::Dlv(Stream::Tcp(s)));
                return;
            }
        });
    }
    // The editor.
    if let Some(s) = dialed {
        let _ = tx.send(Event::Client(s));
    } else if let Some((listener, addr)) = editor_listener {
        let check = args.only_same_user;
        let tx = tx.clone();
        std::thread::spawn(move || loop {
            let Ok((s, remote)) = listener.accept() else {
                return;
            };
            timeline::mark("editor_connected");
            let local = s.local_addr().unwrap_or(addr);
            if check && !sameuser::can_accept(&addr, &local, &remote) {
                eprintln!("debugdoctor dap: {REFUSED}");
                let _ = s.shutdown(Shutdown::Both);
                continue;
            }
            timeline::mark("editor_checked");
            let _ = s.set_nodelay(true);
            // The listener closes when this thread ends: no one else gets in.
            let _ = tx.send(Event::Client(Stream::Tcp(s)));
            return;
        });
    }

    let mut client: Option<Stream> = None;
    let mut delve: Option<Stream> = None;
    let mut gone = false;
    let mut writer: Option<Arc<Mutex<Stream>>> = None;
    let mut delve_side: Option<Stream> = None;
    let kill = |sig: Signal| {
        if !exited.load(Ordering::SeqCst) {
            let _ = signal::kill(Pid::from_raw(dlv_pid as i32), sig);
        }
    };
    loop {
        {
            let Ok(ev) = rx.recv() else { break };
            match ev {
                Event::Client(c) => client = Some(c),
                Event::Dlv(d) => {
                    if let Some((path, addr)) = file_announce.take() {
                        let _ = std::fs::OpenOptions::new()
                            .append(true)
                            .create(true)
                            .open(path)
                            .and_then(|mut f| writeln!(f, "{LISTENING} {addr}"));
                    }
                    delve = Some(d)
                }
                // Delve ended before the session began.
                Event::Exited => return Ok(1),
                _ => {}
            }
            if client.is_some() && delve.is_some() {
                let (Some(c), Some(d)) = (client.take(), delve.take()) else {
                    unreachable!("both checked above")
                };
                let c_read = c.try_clone().map_err(|e| e.to_string())?;
                let d_read = d.try_clone().map_err(|e| e.to_string())?;
                let w = Arc::new(Mutex::new(c));
                writer = Some(Arc::clone(&w));
                delve_side = Some(d.try_clone().map_err(|e| e.to_string())?);
                let inject_to = Arc::clone(&w);
                let session = Session::new(
                    dlv_pid,
                    dlv.to_path_buf(),
                    Box::new(move |f| {
                        let _ = inject_to
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .write_all(&f.raw);
                    }),
                );
                timeline::mark("relaying");
                let s1 = Arc::clone(&session);
                let t1 = tx.clone();
                std::thread::spawn(move || {
                    relay_client(FrameReader::new(c_read), d, &s1);
                    let _ = t1.send(Event::ClientClosed);
                });
                let t2 = tx.clone();
                std::thread::spawn(move || {
                    relay_delve(FrameReader::new(d_read), &w, &session);
                    let _ = t2.send(Event::DlvClosed);
                });
                break;
            }
        }
    }
    // The session runs: end it when either side closes or Delve exits.
    let mut client_closed = false;
    let mut delve_closed = false;
    let mut waited = Duration::ZERO;
    let step = Duration::from_millis(100);
    loop {
        match rx.recv_timeout(step) {
            Ok(Event::ClientClosed) => {
                client_closed = true;
                // The editor left: Delve sees end of input and ends its session.
                if let Some(d) = &delve_side {
                    d.shutdown(Shutdown::Write);
                }
            }
            Ok(Event::DlvClosed) => {
                delve_closed = true;
                if let Some(w) = &writer {
                    w.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .shutdown(Shutdown::Both);
                }
            }
            Ok(Event::Exited) => gone = true,
            Ok(_) => {}
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if gone {
            // Every byte Delve wrote is relayed before the editor's connection closes.
            if delve_closed || waited > Duration::from_secs(2) {
                if let Some(w) = &writer {
                    w.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .shutdown(Shutdown::Both);
                }
                return Ok(0);
            }
            waited += step;
        } else if client_closed || delve_closed {
            // Delve normally exits at once; insist if it does not.
            waited += step;
            if waited == Duration::from_secs(5) {
                kill(Signal::SIGINT);
            } else if waited == Duration::from_secs(8) {
                kill(Signal::SIGKILL);
            }
        }
    }
    Ok(0)
}
