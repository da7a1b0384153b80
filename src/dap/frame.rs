//! DAP framing (`Content-Length: N\r\n\r\n` + N bytes of JSON), read without losing a byte:
//! every frame keeps its raw bytes so the relay forwards exactly what it read. Anything that
//! is not a well-formed frame (a bad or missing `Content-Length`, an endless header) turns
//! the stream into raw mode: the rest is forwarded untouched, so the peer (Delve or the
//! editor) sees the same bytes and reacts as it would without us. Bodies larger than
//! [`MAX_DECODED_BODY`] are streamed through in pieces: memory stays bounded.

use std::io::{self, Read};

/// Largest body kept whole (and so open to inspection); larger ones are streamed.
pub const MAX_DECODED_BODY: usize = 4 << 20;
/// Longest header accepted before the stream is treated as raw bytes.
pub const MAX_HEADER: usize = 4096;
const READ_SIZE: usize = 64 << 10;

/// One unit the relay forwards.
#[derive(Debug, PartialEq, Eq)]
pub enum Chunk {
    /// A whole frame: header and body, as read.
    Frame(Frame),
    /// Bytes forwarded as they are: a piece of a huge body, or anything after a malformed
    /// header.
    Raw(Vec<u8>),
}

#[derive(Debug, PartialEq, Eq)]
pub struct Frame {
    /// Header and body, exactly as read.
    pub raw: Vec<u8>,
    /// Where the body starts in `raw`.
    pub body_start: usize,
}

impl Frame {
    pub fn body(&self) -> &[u8] {
        &self.raw[self.body_start..]
    }

    /// A frame with this body, in the header form Delve and VS Code write.
    pub fn with_body(body: &[u8]) -> Frame {
        let mut raw = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        let body_start = raw.len();
        raw.extend_from_slice(body);
        Frame { raw, body_start }
    }
}

/// Reads [`Chunk`]s from a byte stream.
pub struct FrameReader<R> {
    inner: R,
    buf: Vec<u8>,
    /// Set once the stream stopped looking like DAP: everything is forwarded raw.
    raw_mode: bool,
    /// Bytes of a streamed (huge) body still to forward raw.
    stream_left: usize,
    eof: bool,
}

enum Header {
    Incomplete,
    Bad,
    Ok { len: usize, header_len: usize },
}

/// Parses the header at the start of `buf` the way go-dap and VS Code read it: lines
/// ending in `\r\n`, one of them `Content-Length: N`, then an empty line.
fn parse_header(buf: &[u8]) -> Header {
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return if buf.len() > MAX_HEADER {
            Header::Bad
        } else {
            Header::Incomplete
        };
    };
    if end > MAX_HEADER {
        return Header::Bad;
    }
    let Ok(text) = std::str::from_utf8(&buf[..end]) else {
        return Header::Bad;
    };
    let mut len = None;
    for line in text.split("\r\n") {
        let Some((name, value)) = line.split_once(':') else {
            return Header::Bad;
        };
        if name.trim().eq_ignore_ascii_case("Content-Length") {
            match value.trim().parse::<usize>() {
                Ok(n) => len = Some(n),
                Err(_) => return Header::Bad,
            }
        }
    }
    match len {
        Some(len) => Header::Ok {
            len,
            header_len: end + 4,
        },
        None => Header::Bad,
    }
}

impl<R: Read> FrameReader<R> {
    pub fn new(inner: R) -> FrameReader<R> {
        FrameReader {
            inner,
            buf: Vec::new(),
            raw_mode: false,
            stream_left: 0,
            eof: false,
        }
    }

    /// Whether the stream was found not to be DAP and is now forwarded raw.
    pub fn is_raw(&self) -> bool {
        self.raw_mode
    }

    /// Reads more bytes; false at end of stream.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        let old = self.buf.len();
        self.buf.resize(old + READ_SIZE, 0);
        let n = loop {
            match self.inner.read(&mut self.buf[old..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(e);
                }
            }
        };
        self.buf.truncate(old + n);
        if n == 0 {
            self.eof = true;
        }
        Ok(n > 0)
    }

    /// The next chunk; `None` at end of stream (after the last bytes were returned).
    pub fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        loop {
            if self.stream_left > 0 {
                if self.buf.is_empty() && !self.fill()? {
                    return Ok(None);
                }
                let n = self.stream_left.min(self.buf.len());
                self.stream_left -= n;
                let rest = self.buf.split_off(n);
                return Ok(Some(Chunk::Raw(std::mem::replace(&mut self.buf, rest))));
            }
            if self.raw_mode {
                if self.buf.is_empty() && !self.fill()? {
                    return Ok(None);
                }
                return Ok(Some(Chunk::Raw(std::mem::take(&mut self.buf))));
            }
            match parse_header(&self.buf) {
                Header::Bad => {
                    self.raw_mode = true;
                    continue;
                }
                Header::Ok { len, header_len } => {
                    if len > MAX_DECODED_BODY {
                        // Forward the header now, stream the body.
                        let rest = self.buf.split_off(header_len);
                        self.stream_left = len;
                        return Ok(Some(Chunk::Raw(std::mem::replace(&mut self.buf, rest))));
                    }
                    if self.buf.len() >= header_len + len {
                        let rest = self.buf.split_off(header_len + len);
                        let raw = std::mem::replace(&mut self.buf, rest);
                        return Ok(Some(Chunk::Frame(Frame {
                            raw,
                            body_start: header_len,
                        })));
                    }
                }
                Header::Incomplete => {}
            }
            if !self.fill()? {
                // End of stream inside a frame: hand over what is left, unchanged.
                if self.buf.is_empty() {
                    return Ok(None);
                }
                return Ok(Some(Chunk::Raw(std::mem::take(&mut self.buf))));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that returns its input in pieces of `step` bytes (split headers).
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }
    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(self.data.len()).min(out.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn all(data: &[u8], step: usize) -> Vec<Chunk> {
        let mut r = FrameReader::new(Trickle { data, step });
        let mut v = Vec::new();
        while let Some(c) = r.next_chunk().unwrap() {
            v.push(c);
        }
        v
    }

    fn bytes(chunks: &[Chunk]) -> Vec<u8> {
        let mut out = Vec::new();
        for c in chunks {
            match c {
                Chunk::Frame(f) => out.extend_from_slice(&f.raw),
                Chunk::Raw(r) => out.extend_from_slice(r),
            }
        }
        out
    }

    #[test]
    fn frames_whatever_the_read_sizes() {
        let data = b"Content-Length: 2\r\n\r\n{}Content-Length: 13\r\n\r\n{\"seq\":1,\"a\"}";
        for step in [1, 2, 3, 7, 100] {
            let c = all(data, step);
            assert_eq!(c.len(), 2, "step {step}");
            match &c[1] {
                Chunk::Frame(f) => assert_eq!(f.body(), b"{\"seq\":1,\"a\"}"),
                other => panic!("{other:?}"),
            }
            assert_eq!(bytes(&c), data);
        }
    }

    #[test]
    fn malformed_header_is_forwarded_raw() {
        for data in [
            &b"Content-Length: x\r\n\r\n{}"[..],
            b"Content-Type: a\r\n\r\n{}",
            b"garbage without any header end",
            b"Content-Length: 2\r\n\r\n{}Content-Length: -1\r\n\r\n{}more",
        ] {
            let c = all(data, 5);
            assert_eq!(bytes(&c), data);
        }
        let mut long = vec![b'a'; MAX_HEADER + 10];
        long.extend_from_slice(b"\r\n\r\n");
        let c = all(&long, 1000);
        assert!(c.iter().all(|c| matches!(c, Chunk::Raw(_))));
        assert_eq!(bytes(&c), long);
    }

    #[test]
    fn huge_body_is_streamed_with_bounded_pieces() {
        let n = MAX_DECODED_BODY + 100;
        let mut data = format!("Content-Length: {n}\r\n\r\n").into_bytes();
        data.extend(std::iter::repeat_n(b'x', n));
        data.extend_from_slice(b"Content-Length: 2\r\n\r\n{}");
        let c = all(&data, READ_SIZE);
        assert!(c.iter().all(|c| match c {
            Chunk::Raw(r) => r.len() <= READ_SIZE + MAX_HEADER,
            Chunk::Frame(_) => true,
        }));
        assert!(matches!(c.last(), Some(Chunk::Frame(f)) if f.body() == b"{}"));
        assert_eq!(bytes(&c), data);
    }

    #[test]
    fn truncated_frame_is_handed_over() {
        let data = b"Content-Length: 10\r\n\r\n{\"a\"";
        let c = all(data, 4);
        assert_eq!(bytes(&c), data);
    }
}
