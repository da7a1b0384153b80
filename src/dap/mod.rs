//! `debugdoctor dap`: a proxy in front of `dlv dap` that vscode-go starts in place of
//! Delve. It listens where vscode-go asked, starts the real Delve (which dials back to a
//! private socket), relays DAP frames byte for byte, and changes one thing: each
//! breakpoint Delve could not verify gets the finding ID, reason and fix appended to its
//! message (see [`rewrite`] and [`explain`]); after launch, one console message lists the
//! binary's error and warning findings. Any failure of ours leaves the frames untouched.

pub mod args;
pub mod explain;
pub mod frame;
pub mod proxy;
pub mod rewrite;
pub mod sameuser;
pub mod session;
