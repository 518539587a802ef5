//! Cutting a large CSV portfolio into chunks of whole CPTS, so that a batch runs in memory that
//! does not grow with the file: each chunk (the header and its rows) is read, validated,
//! evaluated and written like a small file, and the sums are merged ([`super::Aggregates::merge`]).
//! A chunk never splits the rows of one CPTS: it ends where the next row's id differs. (A CPTS
//! whose rows are not together in the file is met again in a later chunk: the front-end reports
//! it as a duplicate, E0705.) This module reads nothing: it finds where to cut a text it is given.

use memchr::{memchr, memchr3, memchr_iter};

/// Where to cut the rows of one CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvCutter {
    sep: u8,
    id_col: usize,
}

/// The row starting at `start`: its end (after its line break) when complete in `buf`. Quotes
/// and line breaks are found with `memchr` (a row is mostly cells between them).
fn row_end(buf: &[u8], start: usize) -> Option<usize> {
    row_end_from(buf, start, false)
}

/// [`row_end`] from `start` inside quotes (`quoted`) or not.
fn row_end_from(buf: &[u8], start: usize, quoted: bool) -> Option<usize> {
    let mut i = start;
    if quoted {
        i += memchr(b'"', &buf[i..])? + 1;
    }
    loop {
        // Outside quotes: the next quote or line break.
        i += memchr3(b'"', b'\n', b'\r', &buf[i..])?;
        match buf[i] {
            b'"' => {
                // Inside quotes up to the closing quote (a doubled quote closes and reopens).
                i += 1;
                i += memchr(b'"', &buf[i..])? + 1;
            }
            b'\n' => return Some(i + 1),
            _ => {
                return match buf.get(i + 1) {
                    Some(b'\n') => Some(i + 2),
                    Some(_) => Some(i + 1),
                    // A `\r` last in the buffer: its `\n` may come with the next read.
                    None => None,
                };
            }
        }
    }
}

/// Whether a row is only white space (Unicode's, as `str::trim` sees it): the first byte that
/// is not ASCII white space says, but for a non-ASCII one.
fn is_blank(row: &[u8]) -> bool {
    match row.iter().position(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(i) if row[i] >= 0x80 => std::str::from_utf8(row).is_ok_and(|r| r.trim().is_empty()),
        Some(_) => false,
    }
}

/// The cells of a line, split at `sep` outside quotes, quotes removed.
fn cells(line: &[u8], sep: u8) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    let mut quoted = false;
    let b = line;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'"' {
            if quoted && b.get(i + 1) == Some(&b'"') {
                cur.push(b'"');
                i += 1;
            } else {
                quoted = !quoted;
            }
        } else if c == sep && !quoted {
            out.push(String::from_utf8_lossy(&cur).trim().to_string());
            cur.clear();
        } else if !quoted && (c == b'\n' || c == b'\r') {
            break;
        } else {
            cur.push(c);
        }
        i += 1;
    }
    out.push(String::from_utf8_lossy(&cur).trim().to_string());
    out
}

impl CsvCutter {
    /// From the file's header line; `None` when it has no `id` column (the file is then read
    /// whole, and its own diagnostics say what is wrong).
    pub fn new(header: &str) -> Option<CsvCutter> {
        let header = header.strip_prefix('\u{feff}').unwrap_or(header);
        let sep = [b',', b';', b'\t']
            .into_iter()
            .max_by_key(|s| (header.bytes().filter(|b| b == s).count(), *s == b','))?;
        let id_col = cells(header.as_bytes(), sep).iter().position(|c| c == "id")?;
        Some(CsvCutter { sep, id_col })
    }

    /// The id cell of a row, trimmed as a cell is (`str::trim`), when it holds no quote and is
    /// UTF-8 (`None` otherwise); a row without that many cells has the empty id.
    fn plain_id<'r>(&self, row: &'r [u8]) -> Option<&'r [u8]> {
        // The bytes up to the end of the id cell hold no quote, so the separators found are
        // the reader's.
        let unquoted = |upto: usize| memchr(b'"', &row[..upto]).is_none();
        let mut from = 0;
        for _ in 0..self.id_col {
            match memchr3(self.sep, b'\n', b'\r', &row[from..]) {
                Some(k) if row[from + k] == self.sep => from += k + 1,
                k => {
                    let end = k.map_or(row.len(), |k| from + k);
                    return unquoted(end).then_some(b"");
                }
            }
        }
        let end = memchr3(self.sep, b'\n', b'\r', &row[from..]).map_or(row.len(), |k| from + k);
        if !unquoted(end) {
            return None;
        }
        let cell = std::str::from_utf8(&row[from..end]).ok()?.trim();
        Some(cell.as_bytes())
    }

    fn id(&self, row: &[u8]) -> String {
        cells(row, self.sep).into_iter().nth(self.id_col).unwrap_or_default()
    }

    /// Where a chunk of `buf` (whole rows from its start) may end: the start of the first row
    /// at or after `target` bytes whose id differs from the row before it. `None` when `buf`
    /// holds no such place yet (read more, or take all of it at the end of the file).
    pub fn cut(&self, buf: &str, target: usize) -> Option<usize> {
        self.cut_bytes(buf.as_bytes(), target)
    }

    /// [`CsvCutter::cut`] of bytes not yet checked to be UTF-8: a cut is at a row's start,
    /// after a line break, so the rows before it are whole characters.
    pub fn cut_bytes(&self, b: &[u8], target: usize) -> Option<usize> {
        let mut start = 0;
        let mut last_id: Option<String> = None;
        while start < b.len() {
            let end = row_end(b, start)?;
            let row = &b[start..end];
            let blank = is_blank(row);
            if start >= target && !blank {
                let id = self.id(row);
                if last_id.as_ref().is_some_and(|l| *l != id) {
                    return Some(start);
                }
                last_id = Some(id);
            } else if !blank && end > target {
                last_id = Some(self.id(row));
            }
            start = end;
        }
        None
    }
}

/// Whether the rows of each CPTS of a CSV text are together (consecutive, blank rows aside), so
/// that reading it chunk by chunk groups its rows as reading it whole does. Fed the file's bytes
/// in pieces of any size ([`RowsTogether::feed`]), it keeps one partial row, the last id and a
/// 128-bit hash of each id met. It answers `false` when it cannot be sure: a quote in the
/// header or in an id cell, an id that is not UTF-8, a header without an `id` column.
#[derive(Debug, Default)]
pub struct RowsTogether {
    cutter: Option<CsvCutter>,
    /// The header is read (or found wanting).
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
        let mut start = 0;
        if !self.partial.is_empty() {
            // The rest of the row begun in the last bytes, found from where it stood: inside
            // quotes or not, or just after a `\r`.
            let quoted = memchr_iter(b'"', &self.partial).count() % 2 == 1;
            let end = if !quoted && self.partial.ends_with(b"\r") {
                Some(usize::from(bytes.first() == Some(&b'\n')))
            } else {
                row_end_from(bytes, 0, quoted)
            };
            let Some(end) = end else {
                self.partial.extend_from_slice(bytes);
                return;
            };
            let mut row = std::mem::take(&mut self.partial);
            row.extend_from_slice(&bytes[..end]);
            self.row(&row);
            row.clear();
            self.partial = row;
            start = end;
        }
        while let Some(end) = row_end(bytes, start) {
            self.row(&bytes[start..end]);
            start = end;
            if self.apart {
                return;
            }
        }
        self.partial.extend_from_slice(&bytes[start..]);
    }

    /// At the end of the file: whether every CPTS's rows are together.
    pub fn finish(mut self) -> bool {
        let last = std::mem::take(&mut self.partial);
        if !last.is_empty() {
            self.row(&last);
        }
        self.started && !self.apart
    }

    fn row(&mut self, row: &[u8]) {
        if !self.started {
            self.started = true;
            // Without quotes, the separators the cutter counts are the reader's.
            let header = std::str::from_utf8(row).ok().filter(|h| !h.contains('"'));
            self.cutter = header.and_then(|h| CsvCutter::new(h.trim_end()));
            self.apart = self.cutter.is_none();
            return;
        }
        let Some(c) = self.cutter else { return };
        if is_blank(row) {
            return;
        }
        let Some(id) = c.plain_id(row) else {
            self.apart = true;
            return;
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

/// The physical lines of `text` (line breaks `\r\n`, `\n`, lone `\r`): to number the rows of
/// the chunks that follow.
pub fn count_lines(text: &str) -> usize {
    let b = text.as_bytes();
    // Each `\n` ends a line, and each `\r` not followed by `\n`.
    let lone_cr = memchr_iter(b'\r', b).filter(|&i| b.get(i + 1) != Some(&b'\n')).count();
    memchr_iter(b'\n', b).count() + lone_cr
}

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
        let cases: [(&str, bool); 13] = [
            ("id;y\na;1\na;2\nb;1\n", true),
            ("id;y\na;1\nb;1\na;2\n", false),
            ("y;id\n1; a \n2;a\n\n  \n3;a", true),
            ("id,y\r\na,1\r\nb,1\r\na,2\r\n", false),
            ("id,y\ra,1\rb,1\rb,2\r", true),
            ("id,y\ra,1\rb,1\ra,2\r", false),
            // Quotes elsewhere (a line break, a separator) are cells: the id is read past them.
            ("id;name\na;\"x\ny;z\"\nb;\"w\"\"\"\nb;v\n", true),
            ("id;name\na;\"x\na;z\"\nb;w\na;v\n", false),
            // A quote in an id cell, or before it, or in the header: not sure, so `false`.
            ("id;y\n\"a\";1\n", false),
            ("y;id\n\"1\";a\n", false),
            ("\"id\";y\na;1\n", false),
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
                "id;name\r\na;\"x\r\ny;\"\"z\"\r\na;v\r\nb;w\r\n",
                "id;name\na;\"x\ny;z\"\nb;w\na;v\n",
                "name,id\rp,a\rq,b\rr,b\r",
                "name;id\n\"é;\nè\";a\nq;b\nr;a",
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

    #[test]
    fn a_chunk_never_splits_a_cpts_and_quotes_hold_line_breaks() {
        let c = CsvCutter::new("name;id;contract_year").unwrap();
        let rows = "x;a;1\nx;a;2\n\"multi\nline\";b;1\ny;b;2\nz;c;1\n";
        // From byte 0: the first change of id after row 1 is at row 3 (b).
        let cut = c.cut(rows, 1).unwrap();
        assert_eq!(&rows[cut..cut + 7], "\"multi\n");
        // Past b's first row: the next cut is at c.
        let cut = c.cut(rows, rows.find("y;b").unwrap()).unwrap();
        assert_eq!(&rows[cut..], "z;c;1\n");
        // Nothing after the last row: read more (or take the rest at the end of the file).
        assert_eq!(c.cut(rows, rows.find("z;c").unwrap()), None);
        assert_eq!(count_lines(rows), 6);
    }
}
