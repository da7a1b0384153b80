//! Who is at the other end of a loopback TCP connection: Delve's `--only-same-user` check
//! (`service/internal/sameuser`, Linux). The peer's socket is the one whose local address
//! is our remote address and whose remote address is our local one; the kernel tells its
//! owner's uid and its inode. We ask for that one socket over netlink (`NETLINK_SOCK_DIAG`,
//! an exact `inet_diag_req_v2` lookup: tens of microseconds); only if netlink cannot be
//! used do we read the whole table in `/proc/net/tcp{,6}` as Delve does (milliseconds on
//! a busy machine, and on the session's critical path).

use std::net::{IpAddr, SocketAddr};

/// The owner uid and socket inode of the peer's end of `local`↔`remote`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Peer {
    pub uid: u32,
    pub inode: u64,
}

/// `/proc/net/tcp` form of an address: the IPv4 address as a little-endian 32-bit word,
/// the IPv6 one as four such words, then the port, all upper-case hex.
fn hex_addr(a: &SocketAddr) -> String {
    match a.ip() {
        IpAddr::V4(ip) => format!("{:08X}:{:04X}", u32::from_le_bytes(ip.octets()), a.port()),
        IpAddr::V6(ip) => {
            let o = ip.octets();
            let mut s = String::new();
            for w in o.chunks(4) {
                s.push_str(&format!(
                    "{:08X}",
                    u32::from_le_bytes([w[0], w[1], w[2], w[3]])
                ));
            }
            format!("{s}:{:04X}", a.port())
        }
    }
}

/// An IPv4 address as the kernel lists it in `/proc/net/tcp6` (IPv4-mapped).
fn hex_mapped(a: &SocketAddr) -> Option<String> {
    match a.ip() {
        IpAddr::V4(ip) => {
            let m = SocketAddr::new(IpAddr::V6(ip.to_ipv6_mapped()), a.port());
            Some(hex_addr(&m))
        }
        IpAddr::V6(_) => None,
    }
}

fn find(table: &str, peer_local: &str, peer_remote: &str) -> Option<Peer> {
    for line in table.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 10 {
            continue;
        }
        if f[1] == peer_local && f[2] == peer_remote {
            return Some(Peer {
                uid: f[7].parse().ok()?,
                inode: f[9].parse().ok()?,
            });
        }
    }
    None
}

/// The peer of the connection whose ends are `local` (ours) and `remote` (theirs):
/// asked of the kernel over netlink, else read from `/proc/net/tcp{,6}`.
pub fn peer(local: &SocketAddr, remote: &SocketAddr) -> Option<Peer> {
    match diag::peer(local, remote) {
        Ok(p) => p,
        Err(_) => peer_from_proc(local, remote),
    }
}

/// [`peer`] from the kernel's socket tables in `/proc` (the fallback).
pub fn peer_from_proc(local: &SocketAddr, remote: &SocketAddr) -> Option<Peer> {
    // Each table costs milliseconds to generate: read the second only when needed.
    let table = |name: &str| std::fs::read_to_string(name).unwrap_or_default();
    if remote.is_ipv4() {
        if let Some(p) = find(&table("/proc/net/tcp"), &hex_addr(remote), &hex_addr(local)) {
            return Some(p);
        }
        // An IPv4 client of a dual-stack socket (Delve's issue 1835).
        return find(
            &table("/proc/net/tcp6"),
            &hex_mapped(remote)?,
            &hex_mapped(local)?,
        );
    }
    find(
        &table("/proc/net/tcp6"),
        &hex_addr(remote),
        &hex_addr(local),
    )
}

/// Delve's `sameuser.CanAccept`: a connection to a loopback listener is accepted only
/// from a socket owned by our own uid; a non-loopback listener accepts anyone (Delve
/// warns that such connections are not authenticated). An unreadable table refuses.
pub fn can_accept(listen: &SocketAddr, local: &SocketAddr, remote: &SocketAddr) -> bool {
    if !listen.ip().is_loopback() {
        return true;
    }
    let me = nix::unistd::getuid().as_raw();
    peer(local, remote).is_some_and(|p| p.uid == me)
}

/// Whether the socket with this inode is open in process `pid` (the peer is that process).
pub fn owned_by(pid: u32, inode: u64) -> bool {
    let want = format!("socket:[{inode}]");
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return false;
    };
    dir.flatten()
        .any(|e| std::fs::read_link(e.path()).is_ok_and(|l| l.as_os_str() == want.as_str()))
}

/// One socket's owner over `NETLINK_SOCK_DIAG` (linux/inet_diag.h): a
/// `SOCK_DIAG_BY_FAMILY` request without `NLM_F_DUMP` for an exact 4-tuple, answered by
/// one `inet_diag_msg` (or an error: `ENOENT` when no such socket exists).
mod diag {
    use super::Peer;
    use nix::libc;
    use std::io;
    use std::net::{IpAddr, SocketAddr};

    const NETLINK_SOCK_DIAG: libc::c_int = 4;
    const SOCK_DIAG_BY_FAMILY: u16 = 20;
    const NLM_F_REQUEST: u16 = 1;
    const NLMSG_ERROR: u16 = 2;
    const NLMSG_HDRLEN: usize = 16;
    /// `inet_diag_req_v2`: family, protocol, ext, pad, states, then `inet_diag_sockid`.
    const REQ_LEN: usize = 8 + SOCKID_LEN;
    /// `inet_diag_sockid`: sport, dport (big-endian), src[4], dst[4], if, cookie[2].
    const SOCKID_LEN: usize = 48;
    /// `inet_diag_msg`: family, state, timer, retrans, sockid, expires, rqueue, wqueue,
    /// uid, inode.
    const MSG_UID: usize = 4 + SOCKID_LEN + 12;
    const MSG_INODE: usize = MSG_UID + 4;

    /// The address as the kernel compares it: IPv4 in the first word, IPv6 whole.
    fn addr_bytes(ip: IpAddr) -> [u8; 16] {
        let mut b = [0u8; 16];
        match ip {
            IpAddr::V4(v4) => b[..4].copy_from_slice(&v4.octets()),
            IpAddr::V6(v6) => b.copy_from_slice(&v6.octets()),
        }
        b
    }

    /// The request for the socket whose local end is `src` and remote end is `dst`.
    pub(super) fn request(family: u8, src: &SocketAddr, dst: &SocketAddr, seq: u32) -> Vec<u8> {
        let total = NLMSG_HDRLEN + REQ_LEN;
        let mut m = Vec::with_capacity(total);
        m.extend_from_slice(&(total as u32).to_ne_bytes());
        m.extend_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
        m.extend_from_slice(&NLM_F_REQUEST.to_ne_bytes());
        m.extend_from_slice(&seq.to_ne_bytes());
        m.extend_from_slice(&0u32.to_ne_bytes());
        m.push(family);
        m.push(libc::IPPROTO_TCP as u8);
        m.push(0); // no extensions
        m.push(0);
        m.extend_from_slice(&u32::MAX.to_ne_bytes()); // any state
        m.extend_from_slice(&src.port().to_be_bytes());
        m.extend_from_slice(&dst.port().to_be_bytes());
        m.extend_from_slice(&addr_bytes(src.ip()));
        m.extend_from_slice(&addr_bytes(dst.ip()));
        m.extend_from_slice(&0u32.to_ne_bytes()); // any interface
        m.extend_from_slice(&u32::MAX.to_ne_bytes()); // INET_DIAG_NOCOOKIE
        m.extend_from_slice(&u32::MAX.to_ne_bytes());
        debug_assert_eq!(m.len(), total);
        m
    }

    fn u32_at(b: &[u8], at: usize) -> Option<u32> {
        Some(u32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?))
    }

    /// The answer to [`request`]: `Ok(Some)` for the socket, `Ok(None)` when the kernel
    /// says there is none, `Err` for anything unexpected.
    pub(super) fn parse(answer: &[u8], seq: u32, sockid: &[u8]) -> io::Result<Option<Peer>> {
        let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_string());
        let len = u32_at(answer, 0).ok_or_else(|| bad("short answer"))? as usize;
        if len < NLMSG_HDRLEN || len > answer.len() {
            return Err(bad("bad length"));
        }
        let ty = u16::from_ne_bytes([answer[4], answer[5]]);
        if u32_at(answer, 8) != Some(seq) {
            return Err(bad("another sequence number"));
        }
        let body = &answer[NLMSG_HDRLEN..len];
        if ty == NLMSG_ERROR {
            let errno = u32_at(body, 0).ok_or_else(|| bad("short error"))? as i32;
            return if -errno == libc::ENOENT {
                Ok(None)
            } else {
                Err(io::Error::from_raw_os_error(-errno))
            };
        }
        if ty != SOCK_DIAG_BY_FAMILY || body.len() < MSG_INODE + 4 {
            return Err(bad("not an inet_diag_msg"));
        }
        // The kernel's socket is the one asked for (ports and addresses; the cookie differs).
        if body.get(4..4 + 36) != sockid.get(..36) {
            return Ok(None);
        }
        Ok(Some(Peer {
            uid: u32_at(body, MSG_UID).ok_or_else(|| bad("short"))?,
            inode: u64::from(u32_at(body, MSG_INODE).ok_or_else(|| bad("short"))?),
        }))
    }

    /// One exact lookup over a fresh netlink socket.
    fn ask(family: u8, src: &SocketAddr, dst: &SocketAddr) -> io::Result<Option<Peer>> {
        use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
        // SAFETY: plain socket(2); the descriptor is owned (and closed) by `fd`.
        let raw = unsafe {
            libc::socket(
                libc::AF_NETLINK,
                libc::SOCK_DGRAM | libc::SOCK_CLOEXEC,
                NETLINK_SOCK_DIAG,
            )
        };
        if raw < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `raw` is a descriptor we just opened and nobody else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        let tv = libc::timeval {
            tv_sec: 1,
            tv_usec: 0,
        };
        // SAFETY: setsockopt with a valid timeval of the right size.
        unsafe {
            libc::setsockopt(
                fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_RCVTIMEO,
                (&tv as *const libc::timeval).cast(),
                std::mem::size_of::<libc::timeval>() as libc::socklen_t,
            );
        }
        let seq = std::process::id() ^ 0x5eed;
        let req = request(family, src, dst, seq);
        // SAFETY: an all-zero sockaddr_nl is the kernel's address (nl_pid 0).
        let mut kernel: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        kernel.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        // SAFETY: the buffer and address are valid for the lengths given.
        let sent = unsafe {
            libc::sendto(
                fd.as_raw_fd(),
                req.as_ptr().cast(),
                req.len(),
                0,
                (&kernel as *const libc::sockaddr_nl).cast(),
                std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        };
        if sent < 0 {
            return Err(io::Error::last_os_error());
        }
        let mut buf = [0u8; 1024];
        // SAFETY: as above; `from` receives the sender's address.
        let mut from: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        let mut from_len = std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t;
        let n = unsafe {
            libc::recvfrom(
                fd.as_raw_fd(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                0,
                (&mut from as *mut libc::sockaddr_nl).cast(),
                &mut from_len,
            )
        };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        // Only the kernel (port 0) answers; anything else is not believed.
        if from.nl_pid != 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "answer not from the kernel",
            ));
        }
        parse(&buf[..n as usize], seq, &req[NLMSG_HDRLEN + 8..])
    }

    /// The peer's socket of our connection `local` ↔ `remote`: its local end is our
    /// remote one. An IPv4 peer may own an IPv6 socket (IPv4-mapped addresses).
    pub fn peer(local: &SocketAddr, remote: &SocketAddr) -> io::Result<Option<Peer>> {
        match (remote.ip(), local.ip()) {
            (IpAddr::V4(r), IpAddr::V4(l)) => {
                if let Some(p) = ask(libc::AF_INET as u8, remote, local)? {
                    return Ok(Some(p));
                }
                let r6 = SocketAddr::new(IpAddr::V6(r.to_ipv6_mapped()), remote.port());
                let l6 = SocketAddr::new(IpAddr::V6(l.to_ipv6_mapped()), local.port());
                ask(libc::AF_INET6 as u8, &r6, &l6)
            }
            _ => ask(libc::AF_INET6 as u8, remote, local),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_in_kernel_form() {
        let a: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        assert_eq!(hex_addr(&a), "0100007F:1F90");
        let b: SocketAddr = "[::1]:1".parse().unwrap();
        assert_eq!(hex_addr(&b), "00000000000000000000000001000000:0001");
        assert_eq!(
            hex_mapped(&a).unwrap(),
            "0000000000000000FFFF00000100007F:1F90"
        );
    }

    #[test]
    fn finds_our_own_connection() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let c = std::net::TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let (s, remote) = l.accept().unwrap();
        let p = peer(&s.local_addr().unwrap(), &remote).expect("listed in /proc/net/tcp");
        assert_eq!(p.uid, nix::unistd::getuid().as_raw());
        assert!(owned_by(std::process::id(), p.inode));
        assert!(can_accept(
            &l.local_addr().unwrap(),
            &s.local_addr().unwrap(),
            &remote
        ));
        // Netlink and the /proc table name the same socket; our own end is not the peer.
        let local = s.local_addr().unwrap();
        assert_eq!(diag::peer(&local, &remote).unwrap(), Some(p));
        assert_eq!(peer_from_proc(&local, &remote), Some(p));
        assert_eq!(p.inode, inode_of(&c));
        drop(c);
        drop(s);
        // A connection that does not exist: no peer, no error.
        let nobody: SocketAddr = "127.0.0.1:1".parse().unwrap();
        assert_eq!(diag::peer(&local, &nobody).unwrap(), None);
    }

    /// The inode of one of our sockets (`socket:[N]` in /proc/self/fd).
    fn inode_of(s: &std::net::TcpStream) -> u64 {
        use std::os::fd::AsRawFd;
        let l = std::fs::read_link(format!("/proc/self/fd/{}", s.as_raw_fd())).unwrap();
        let l = l.to_str().unwrap();
        l.trim_start_matches("socket:[")
            .trim_end_matches(']')
            .parse()
            .unwrap()
    }

    /// IPv6 loopback and an IPv4 client of a dual-stack listener (the peer's socket is
    /// AF_INET6 with IPv4-mapped addresses), both answered over netlink.
    #[test]
    fn netlink_finds_ipv6_and_mapped_peers() {
        let Ok(l) = std::net::TcpListener::bind("[::1]:0") else {
            return; // no IPv6 on this machine
        };
        let c = std::net::TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let (s, remote) = l.accept().unwrap();
        let p = diag::peer(&s.local_addr().unwrap(), &remote)
            .unwrap()
            .expect("found");
        assert_eq!(p.inode, inode_of(&c));
        assert_eq!(p.uid, nix::unistd::getuid().as_raw());
        // An IPv6 client socket connected to the IPv4 listener through a mapped address.
        let l4 = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mapped = SocketAddr::new(
            IpAddr::V6(std::net::Ipv4Addr::LOCALHOST.to_ipv6_mapped()),
            l4.local_addr().unwrap().port(),
        );
        // std opens an AF_INET6 socket for an IPv6 address, even a mapped one.
        let c6 = std::net::TcpStream::connect(mapped).unwrap();
        let (s4, remote4) = l4.accept().unwrap();
        let p = diag::peer(&s4.local_addr().unwrap(), &remote4)
            .unwrap()
            .expect("mapped peer found");
        assert_eq!(p.inode, inode_of(&c6));
    }
}
