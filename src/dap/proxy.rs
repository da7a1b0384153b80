//! The proxy's processes and sockets. It listens where the editor asked (or dials the
//! editor with `--client-addr`), announces itself as Delve does, starts the real
//! `dlv dap --client-addr=127.0.0.1:PORT` back to a private listener that accepts only
//! that child, and relays the two byte streams. Signals are forwarded to Delve; Delve
//! gets SIGTERM if the proxy dies; the proxy exits with Delve's status.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
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
    Exited(ExitStatus),
    ClientClosed,
    DlvClosed,
    Failed(String),
}

/// Writes Delve's ready message where Delve would: the `--log-dest` descriptor, or stdout.
fn announce(log_dest: Option<&str>, addr: &SocketAddr) {
    let msg = format!("{LISTENING} {addr}\n");
    match log_dest.map(|d| d.parse::<i32>()) {
        Some(Ok(fd)) => {
            use std::os::fd::BorrowedFd;
            // SAFETY: the descriptor was given to us open (vscode-go's fd 3); it is only
            // borrowed for this write.
            let fd = unsafe { BorrowedFd::borrow_raw(fd) };
            let _ = nix::unistd::write(fd, msg.as_bytes());
        }
        Some(Err(_)) => {} // a file: written once Delve has created it
        None => {
            let mut out = io::stdout().lock();
            let _ = out.write_all(msg.as_bytes()).and_then(|()| out.flush());
        }
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

/// Exit code for our own process from Delve's status; a signal is re-raised on us.
fn exit_code(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    if let Some(c) = status.code() {
        return c;
    }
    if let Some(sig) = status.signal().and_then(|s| Signal::try_from(s).ok()) {
        let mut set = SigSet::empty();
        set.add(sig);
        // SAFETY: restoring the default action of a signal has no memory effects.
        unsafe {
            let _ = signal::signal(sig, signal::SigHandler::SigDfl);
        }
        let _ = set.thread_unblock();
        let _ = signal::raise(sig);
        return 128 + sig as i32;
    }
    1
}

/// Runs one proxied `dlv dap` session; returns the exit code (Delve's).
pub fn run(dlv: &Path, args: &DapArgs) -> i32 {
    match run_inner(dlv, args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("debugdoctor dap: {e}");
            1
        }
    }
}

fn run_inner(dlv: &Path, args: &DapArgs) -> Result<i32, String> {
    // Signals are taken by one thread and passed on to Delve, which ends the session its
    // way (it kills a launched debuggee); block them before any thread starts.
    let mut sigs = SigSet::empty();
    for s in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        sigs.add(s);
    }
    sigs.thread_block()
        .map_err(|e| format!("cannot block signals: {e}"))?;

    // The editor's listener first, announced before Delve exists: no line of Delve's log
    // (same descriptor) can come before the message vscode-go waits for.
    let mut file_announce: Option<(String, SocketAddr)> = None;
    let editor_listener = match &args.client_addr {
        Some(_) => None,
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
            match args.log_dest.as_deref() {
                Some(d) if d.parse::<i32>().is_err() => file_announce = Some((d.to_string(), addr)),
                d => announce(d, &addr),
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
    // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| nix::sys::prctl::set_pdeathsig(Signal::SIGTERM).map_err(io::Error::from));
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", dlv.display()))?;
    let dlv_pid = child.id();
    let exited = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel::<Event>();

    // Forward signals to Delve.
    {
        let exited = Arc::clone(&exited);
        std::thread::spawn(move || loop {
            let Ok(sig) = sigs.wait() else { return };
            if !exited.load(Ordering::SeqCst) {
                let _ = signal::kill(Pid::from_raw(dlv_pid as i32), sig);
            }
        });
    }
    // Delve's exit.
    {
        let tx = tx.clone();
        let exited = Arc::clone(&exited);
        std::thread::spawn(move || {
            if let Ok(st) = child.wait() {
                exited.store(true, Ordering::SeqCst);
                let _ = tx.send(Event::Exited(st));
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
            let ok = s
                .local_addr()
                .ok()
                .and_then(|l| sameuser::peer(&l, &remote))
                .is_some_and(|p| {
                    p.uid == nix::unistd::getuid().as_raw() && sameuser::owned_by(dlv_pid, p.inode)
                });
            if ok {
                let _ = s.set_nodelay(true);
                let _ = tx.send(Event::Dlv(Stream::Tcp(s)));
                return;
            }
        });
    }
    // The editor.
    if let Some(addr) = &args.client_addr {
        let tx = tx.clone();
        let addr = addr.clone();
        std::thread::spawn(move || {
            let _ = tx.send(match dial(&addr) {
                Ok(s) => Event::Client(s),
                Err(e) => Event::Failed(format!("error dialing {addr}: {e}")),
            });
        });
    } else if let Some((listener, addr)) = editor_listener {
        let check = args.only_same_user;
        let tx = tx.clone();
        std::thread::spawn(move || loop {
            let Ok((s, remote)) = listener.accept() else {
                return;
            };
            let local = s.local_addr().unwrap_or(addr);
            if check && !sameuser::can_accept(&addr, &local, &remote) {
                eprintln!("debugdoctor dap: {REFUSED}");
                let _ = s.shutdown(Shutdown::Both);
                continue;
            }
            let _ = s.set_nodelay(true);
            // The listener closes when this thread ends: no one else gets in.
            let _ = tx.send(Event::Client(Stream::Tcp(s)));
            return;
        });
    }

    let mut client: Option<Stream> = None;
    let mut delve: Option<Stream> = None;
    let mut status: Option<ExitStatus> = None;
    let mut writer: Option<Arc<Mutex<Stream>>> = None;
    let mut failed = false;
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
                // Delve ended before the session began; or we could not reach the editor
                // (then Delve is stopped and the exit is 1, as Delve's own dial failure).
                Event::Exited(st) if !failed => return Ok(exit_code(st)),
                Event::Exited(_) => return Ok(1),
                Event::Failed(e) => {
                    eprintln!("debugdoctor dap: {e}");
                    failed = true;
                    kill(Signal::SIGTERM);
                    continue;
                }
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
            Ok(Event::Exited(st)) => status = Some(st),
            Ok(_) => {}
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if let Some(st) = status {
            if delve_closed || waited > Duration::from_secs(2) {
                if let Some(w) = &writer {
                    w.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .shutdown(Shutdown::Both);
                }
                return Ok(exit_code(st));
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
    Ok(status.map_or(1, exit_code))
}
