//! Who is at the other end of a loopback TCP connection: Delve's `--only-same-user` check
//! (`service/internal/sameuser`, Linux). The kernel lists every TCP socket in
//! `/proc/net/tcp{,6}` with its owner's uid and inode; the peer's socket is the entry
//! whose local address is our remote address and whose remote address is our local one.

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

/// The peer of the connection whose ends are `local` (ours) and `remote` (theirs).
pub fn peer(local: &SocketAddr, remote: &SocketAddr) -> Option<Peer> {
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
        drop(c);
    }
}
