//! `strconv.Unquote` for the two forms a build line uses (`"..."` and `` `...` ``).

/// `strconv.Unquote` for the forms a build line uses (`"..."` and `` `...` ``): the
/// whole input must be one quoted string.
pub(super) fn unquote(s: &[u8]) -> Option<Vec<u8>> {
    let (value, rest) = unquote_prefix(s)?;
    rest.is_empty().then_some(value)
}

/// strconv's `unquote(in, unescape=true)`: decodes the quoted string at the start of
/// `s`, returning its value and what follows it (the length of the quoted prefix is
/// what `strconv.QuotedPrefix` returns).
pub(super) fn unquote_prefix(s: &[u8]) -> Option<(Vec<u8>, &[u8])> {
    match *s.first()? {
        b'`' => {
            let body = s.get(1..)?;
            let end = body.iter().position(|&b| b == b'`')?;
            // Carriage returns inside raw strings are discarded.
            let value = body
                .get(..end)?
                .iter()
                .copied()
                .filter(|&b| b != b'\r')
                .collect();
            Some((value, body.get(end + 1..).unwrap_or_default()))
        }
        b'"' => {
            let mut out = Vec::new();
            let mut i = 1;
            loop {
                match *s.get(i)? {
                    b'"' => return Some((out, s.get(i + 1..).unwrap_or_default())),
                    b'\n' => return None,
                    b'\\' => i = unescape(s, i + 1, &mut out)?,
                    c if c < 0x80 => {
                        out.push(c);
                        i += 1;
                    }
                    _ => match s.get(i..).and_then(utf8_char_len) {
                        Some(n) => {
                            out.extend_from_slice(s.get(i..i + n)?);
                            i += n;
                        }
                        None => {
                            // UnquoteChar decodes an invalid byte as utf8.RuneError.
                            out.extend_from_slice("\u{fffd}".as_bytes());
                            i += 1;
                        }
                    },
                }
            }
        }
        _ => None,
    }
}

/// `strconv.UnquoteChar` after a backslash at `s[i-1]`, inside a `"` string. Appends
/// the value and returns the index after the escape.
fn unescape(s: &[u8], i: usize, out: &mut Vec<u8>) -> Option<usize> {
    let c = *s.get(i)?;
    let simple = match c {
        b'a' => Some(0x07),
        b'b' => Some(0x08),
        b'f' => Some(0x0c),
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b't' => Some(b'\t'),
        b'v' => Some(0x0b),
        b'\\' => Some(b'\\'),
        b'"' => Some(b'"'),
        _ => None,
    };
    if let Some(b) = simple {
        out.push(b);
        return Some(i + 1);
    }
    match c {
        b'x' | b'u' | b'U' => {
            let n = match c {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let digits = s.get(i + 1..i + 1 + n)?;
            let mut v = 0u32;
            for &d in digits {
                v = v << 4 | (d as char).to_digit(16)?;
            }
            if c == b'x' {
                // A single byte, possibly not UTF-8.
                out.push(v as u8);
            } else {
                // utf8.ValidRune: no surrogates, nothing above U+10FFFF.
                let ch = char::from_u32(v)?;
                out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
            }
            Some(i + 1 + n)
        }
        b'0'..=b'7' => {
            let digits = s.get(i..i + 3)?;
            let mut v = 0u32;
            for &d in digits {
                if !(b'0'..=b'7').contains(&d) {
                    return None;
                }
                v = v << 3 | (d - b'0') as u32;
            }
            if v > 255 {
                return None;
            }
            out.push(v as u8);
            Some(i + 3)
        }
        _ => None,
    }
}

/// Length of the valid UTF-8 character starting `b`, if it starts with one.
fn utf8_char_len(b: &[u8]) -> Option<usize> {
    let n = match *b.first()? {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    std::str::from_utf8(b.get(..n)?).ok().map(|_| n)
}
