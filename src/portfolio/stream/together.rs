//! Whether a CSV file's CPTS each have their rows together, read from its bytes: the front-end
//! then streams it whatever its size (reading it chunk by chunk groups the rows as reading it
//! whole does). The ids met are kept as 128-bit hashes.

use super::{header_end, is_blank, row_end, CsvCutter};
use memchr::memchr2;

/// Whether the rows of each CPTS of a CSV text are together (consecutive, blank rows aside), so
/// that reading it chunk by chunk groups its rows as reading it whole does. Fed the file's bytes
/// in pieces of any size ([`RowsTogether::feed`]), it finds rows and cells as the reader does
/// (its separator, its quoting), keeps one partial row, the last id and a 128-bit hash of each
/// id met. It answers `false` when it cannot be sure: a row that is not UTF-8, a header without
/// an `id` column.
#[derive(Debug, Default)]
pub struct RowsTogether {
    cutter: Option<CsvCutter>,
    /// The header is read (or found wanting); before, `partial` holds its first bytes.
    started: bool,
    apart: bool,
    /// The bytes of a row not yet ended.
    partial: Vec<u8>,
    last: Option<Vec<u8>>,
    /// [`id_hash`] of each id met.
    seen: IdSet,
}

/// The hasher of a table whose keys are ids or their [`id_hash`]: a hash is its own, the bytes
/// of an id go through [`id_hash`] (not SipHash: the tables of a file are not exposed to
/// collisions chosen against them any more than its ids are, and a collision only slows a
/// lookup).
#[derive(Debug, Default)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = self.0.rotate_left(5) ^ id_hash(bytes) as u64;
    }
    fn write_u8(&mut self, n: u8) {
        self.0 = self.0.rotate_left(5) ^ u64::from(n);
    }
    fn write_u128(&mut self, n: u128) {
        self.0 = n as u64 ^ (n >> 64) as u64;
    }
}

impl RowsTogether {
    pub fn new() -> RowsTogether {
        RowsTogether::default()
    }

    /// The next bytes of the file.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.apart {
            return;
        }
        if self.started {
            return self.rows(bytes);
        }
        // The header first: its bytes kept until it is whole.
        self.partial.extend_from_slice(bytes);
        let Some((end, _)) = header_end(&self.partial, false) else { return };
        let mut head = std::mem::take(&mut self.partial);
        let rest = head.split_off(end);
        self.header(&head);
        self.rows(&rest);
    }

    /// At the end of the file: whether every CPTS's rows are together.
    pub fn finish(mut self) -> bool {
        if !self.started {
            let mut head = std::mem::take(&mut self.partial);
            let end = header_end(&head, true).map_or(head.len(), |(e, _)| e);
            let rest = head.split_off(end);
            self.header(&head);
            self.rows(&rest);
        }
        let last = std::mem::take(&mut self.partial);
        if !last.is_empty() {
            self.row(&last);
        }
        self.started && !self.apart
    }

    fn header(&mut self, row: &[u8]) {
        self.started = true;
        self.cutter = std::str::from_utf8(row).ok().and_then(|h| CsvCutter::new(h.trim_end()));
        self.apart = self.cutter.is_none();
    }

    /// Rows after the header: the row begun in the last bytes ended first.
    fn rows(&mut self, bytes: &[u8]) {
        let Some(sep) = self.cutter.map(|c| c.sep) else { return };
        let mut start = 0;
        if !self.partial.is_empty() {
            // Most often the row ends at the first line break of the new bytes: that much is
            // joined to it (with the bytes that tell a `\r\n` or a closing quote).
            let mut row = std::mem::take(&mut self.partial);
            let had = row.len();
            let take =
                memchr2(b'\n', b'\r', bytes).map_or(bytes.len(), |l| (l + 2).min(bytes.len()));
            row.extend_from_slice(&bytes[..take]);
            match row_end(&row, 0, sep) {
                Some(end) if end >= had => {
                    self.row(&row[..end]);
                    start = end - had;
                }
                // A line break inside quotes: the whole piece joins the row, read with it.
                _ => {
                    row.extend_from_slice(&bytes[take..]);
                    let mut from = 0;
                    while let Some(end) = row_end(&row, from, sep) {
                        self.row(&row[from..end]);
                        from = end;
                        if self.apart {
                            return;
                        }
                    }
                    self.partial = row.split_off(from);
                    return;
                }
            }
        }
        while let Some(end) = row_end(bytes, start, sep) {
            self.row(&bytes[start..end]);
            start = end;
            if self.apart {
                return;
            }
        }
        self.partial.extend_from_slice(&bytes[start..]);
    }

    fn row(&mut self, row: &[u8]) {
        let Some(c) = self.cutter else { return };
        if is_blank(row) {
            return;
        }
        let owned;
        let id: &[u8] = match c.plain_id(row) {
            Some(id) => id,
            // A quote in the row: its id as the reader reads it (the row must be UTF-8).
            None if std::str::from_utf8(row).is_ok() => {
                owned = c.id(row);
                owned.as_bytes()
            }
            None => {
                self.apart = true;
                return;
            }
        };
        if self.last.as_deref() == Some(id) {
            return;
        }
        // A new id: it must not have been met before.
        if !self.seen.insert(id_hash(id)) {
            self.apart = true;
            return;
        }
        let last = self.last.get_or_insert_with(Vec::new);
        last.clear();
        last.extend_from_slice(id);
    }
}

/// An id as 128 bits, 8 bytes at a time in two lanes of a multiply and a rotation: not a
/// cryptographic hash, but ids of real and generated files do not share one (tested on a
/// million); were two to share one, the front-end would fail the later CPTS as a duplicate,
/// never compute it wrong.
pub fn id_hash(id: &[u8]) -> u128 {
    const K: [u64; 2] = [0x9e37_79b9_7f4a_7c15, 0xc2b2_ae3d_27d4_eb4f];
    let len = id.len() as u64;
    let (mut a, mut b) = (len.wrapping_mul(K[0]), len.wrapping_mul(K[1]) ^ K[0]);
    for word in id.chunks(8) {
        let mut w = [0u8; 8];
        w[..word.len()].copy_from_slice(word);
        let w = u64::from_le_bytes(w);
        a = (a ^ w).wrapping_mul(K[0]).rotate_left(29);
        b = (b ^ w.rotate_left(32)).wrapping_mul(K[1]).rotate_left(31);
    }
    let fold = |h: u64, k: u64| (h ^ (h >> 33)).wrapping_mul(k) ^ (h >> 29);
    (u128::from(fold(a, K[1])) << 64) | u128::from(fold(b, K[0]))
}

/// A set of [`id_hash`]es, the hash itself as the table's hash.
pub type IdSet = std::collections::HashSet<u128, std::hash::BuildHasherDefault<IdHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    /// What [`RowsTogether`] says of `text` fed at once.
    fn together(text: &str) -> bool {
        let mut t = RowsTogether::new();
        t.feed(text.as_bytes());
        t.finish()
    }

    #[test]
    fn rows_together_or_apart() {
        // (text, together): ids trimmed as cells are, blank rows aside, any line break.
        let cases: [(&str, bool); 15] = [
            ("id;y\na;1\na;2\nb;1\n", true),
            ("id;y\na;1\nb;1\na;2\n", false),
            ("y;id\n1; a \n2;a\n\n  \n3;a", true),
            ("id,y\r\na,1\r\nb,1\r\na,2\r\n", false),
            ("id,y\ra,1\rb,1\rb,2\r", true),
            ("id,y\ra,1\rb,1\ra,2\r", false),
            // Quotes as the reader reads them: a quoted cell (line breaks and doubled quotes
            // in it) only at a cell's start, else a quote is text; quoted ids and header.
            ("id;name\na;\"x\ny;z\"\nb;\"w\"\"\"\nb;v\n", true),
            ("id;name\na;\"x\na;z\"\nb;w\na;v\n", false),
            ("id;name\na;x\"y\nb;w\"\nb;v\n", true),
            ("id;name\na;x\"y\nb;w\"\na;v\n", false),
            ("id;y\n\"a\";1\n\" a\";2\n", true),
            ("y;id\n\"1\";\"a\"\n2;b\n3;\"a\"\n", false),
            ("\"id\";\"y\nz\"\na;1\n", true),
            // No `id` column, no header: `false`; an empty id is an id (two apart: `false`).
            ("name;y\na;1\n", false),
            ("id;y\n;1\na;1\n;2\n", false),
        ];
        for (text, expected) in cases {
            assert_eq!(together(text), expected, "{text:?}");
        }
        assert!(!together(""));
        // A row with fewer cells than the id's column has the empty id.
        assert!(together("y;id\n1\n2\n"));
    }

    /// A million generated ids, and ids one byte or one trailing zero apart, hash apart.
    #[test]
    fn id_hashes_apart() {
        let mut seen = IdSet::default();
        for n in 0..1_000_000 {
            assert!(seen.insert(id_hash(format!("cpts-{n:06}").as_bytes())), "{n}");
        }
        let near: [&[u8]; 6] = [b"", b"\0", b"a", b"a\0", b"a\0\0\0\0\0\0\0", b"a\0\0\0\0\0\0\0\0"];
        for (i, a) in near.iter().enumerate() {
            assert!(near[i + 1..].iter().all(|b| id_hash(a) != id_hash(b)), "{a:?}");
        }
    }

    proptest::proptest! {
        /// Fed in pieces cut anywhere (in a quote, between `\r` and `\n`), the answer is the
        /// one of the text fed at once.
        #[test]
        fn rows_together_in_any_pieces(cuts in proptest::collection::vec(0usize..200, 0..6), pick in 0usize..4) {
            let texts = [
                "id;name\r\na;\"x\r\ny;\"\"z\"\r\na;v\r\nb;w\"\r\n\r\nc;v",
                "id;name\na;\"x\ny;z\"\nb;w\na;v\n",
                "name,id\r\"p\rq\",a\rq,b\rr,b\r",
                "name;id\n\"é;\nè\";a\nq\";b\r\nr;a",
            ];
            let text = texts[pick].as_bytes();
            let mut at: Vec<usize> = cuts.iter().map(|c| c % (text.len() + 1)).collect();
            at.sort_unstable();
            let mut t = RowsTogether::new();
            let mut from = 0;
            for a in at {
                t.feed(&text[from..a]);
                from = a;
            }
            t.feed(&text[from..]);
            proptest::prop_assert_eq!(t.finish(), together(texts[pick]));
        }
    }
}
