//! The byte-level pieces of our binary formats ([`packed`](crate::packed) traces and
//! [`wire`](crate::wire) messages): variable-length integers, strings, and a reader that says
//! `None` where the bytes run out or make no sense.

/// LEB128: seven bits a byte, low bits first.
pub fn write_u64(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Zig-zag, so small negative differences stay small.
pub fn write_i64(out: &mut Vec<u8>, v: i64) {
    write_u64(out, ((v << 1) ^ (v >> 63)) as u64);
}

/// `None` as 0, `Some(v)` as `v + 1` (ids never reach `u64::MAX`; it would read back as
/// `None`'s neighbour, not panic).
pub fn write_opt_u64(out: &mut Vec<u8>, v: Option<u64>) {
    write_u64(out, v.map_or(0, |v| v.saturating_add(1)));
}

/// Eight bytes, little-endian.
pub fn write_f64(out: &mut Vec<u8>, v: f64) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Length, then the bytes.
pub fn write_bytes(out: &mut Vec<u8>, b: &[u8]) {
    write_u64(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// Length, then the UTF-8.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    write_bytes(out, s.as_bytes());
}

/// 0 for `None`, else the length plus one, then the UTF-8.
pub fn write_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => out.push(0),
        Some(s) => {
            write_u64(out, s.len() as u64 + 1);
            out.extend_from_slice(s.as_bytes());
        }
    }
}

/// A list of strings: the count, then each.
pub fn write_strs(out: &mut Vec<u8>, list: &[String]) {
    write_u64(out, list.len() as u64);
    for s in list {
        write_str(out, s);
    }
}

/// Reads what the `write_` functions wrote.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    /// Bytes read so far.
    pub fn at(&self) -> usize {
        self.at
    }

    /// Bytes not read yet.
    pub fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    /// One byte.
    pub fn u8(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    /// What [`write_u64`] wrote.
    pub fn u64(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(v);
            }
        }
        None
    }

    /// A [`write_u64`] that must fit a `u32`.
    pub fn u32(&mut self) -> Option<u32> {
        self.u64()?.try_into().ok()
    }

    /// What [`write_i64`] wrote.
    pub fn i64(&mut self) -> Option<i64> {
        let v = self.u64()?;
        Some((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    /// What [`write_opt_u64`] wrote.
    pub fn opt_u64(&mut self) -> Option<Option<u64>> {
        Some(self.u64()?.checked_sub(1))
    }

    /// What [`write_f64`] wrote.
    pub fn f64(&mut self) -> Option<f64> {
        let raw = self.slice(8)?;
        Some(f64::from_le_bytes(raw.try_into().ok()?))
    }

    fn slice(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(s)
    }

    fn take(&mut self, n: usize) -> Option<String> {
        let s = self.slice(n)?;
        std::str::from_utf8(s).ok().map(str::to_owned)
    }

    /// What [`write_bytes`] wrote.
    pub fn bytes(&mut self) -> Option<Vec<u8>> {
        let n = self.u64()?.try_into().ok()?;
        self.slice(n).map(<[u8]>::to_vec)
    }

    /// What [`write_str`] wrote.
    pub fn str(&mut self) -> Option<String> {
        let n = self.u64()?.try_into().ok()?;
        self.take(n)
    }

    /// What [`write_opt_str`] wrote.
    pub fn opt_str(&mut self) -> Option<Option<String>> {
        match self.u64()? {
            0 => Some(None),
            n => Some(Some(self.take((n - 1).try_into().ok()?)?)),
        }
    }

    /// What [`write_strs`] wrote.
    pub fn strs(&mut self) -> Option<Vec<String>> {
        let n: usize = self.u64()?.try_into().ok()?;
        // Each string takes at least a byte: a count past what is left is garbage.
        if n > self.left() {
            return None;
        }
        (0..n).map(|_| self.str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_piece_reads_back() {
        let mut out = Vec::new();
        write_u64(&mut out, 300);
        write_i64(&mut out, -5);
        write_opt_u64(&mut out, None);
        write_opt_u64(&mut out, Some(7));
        write_f64(&mut out, 2.5);
        write_bytes(&mut out, &[1, 2, 3]);
        write_str(&mut out, "página");
        write_opt_str(&mut out, None);
        write_opt_str(&mut out, Some(""));
        write_strs(&mut out, &["a".into(), "bc".into()]);
        let mut r = Reader::new(&out);
        assert_eq!(r.u64(), Some(300));
        assert_eq!(r.i64(), Some(-5));
        assert_eq!(r.opt_u64(), Some(None));
        assert_eq!(r.opt_u64(), Some(Some(7)));
        assert_eq!(r.f64(), Some(2.5));
        assert_eq!(r.bytes(), Some(vec![1, 2, 3]));
        assert_eq!(r.str().as_deref(), Some("página"));
        assert_eq!(r.opt_str(), Some(None));
        assert_eq!(r.opt_str(), Some(Some(String::new())));
        assert_eq!(r.strs(), Some(vec!["a".into(), "bc".into()]));
        assert_eq!(r.left(), 0);
        assert_eq!(r.u8(), None, "nothing past the end");
    }

    #[test]
    fn short_or_garbled_bytes_read_as_none() {
        assert_eq!(Reader::new(&[0x80]).u64(), None, "a varint cut short");
        assert_eq!(Reader::new(&[5, b'a']).str(), None, "a string cut short");
        assert_eq!(Reader::new(&[2, 0xff, 0xfe]).str(), None, "not UTF-8");
        assert_eq!(Reader::new(&[1, 2, 3]).f64(), None);
        assert_eq!(
            Reader::new(&[200, 1]).strs(),
            None,
            "a count past the bytes"
        );
        assert_eq!(Reader::new(&[0x80, 0x80, 0x80, 0x80, 0x10]).u32(), None);
    }
}
