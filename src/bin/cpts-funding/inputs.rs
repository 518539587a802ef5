//! Reading inputs: each file (or `-`, standard input) is read once, as bytes, and checked to be
//! UTF-8 with the offset of the first bad byte; folders are walked in path order without following
//! symbolic links (a link loop cannot make a run read a file twice). What an input holds is then
//! decided by the library from its name and text (`portfolio::input_kind`).

use crate::error::CliError;
use cpts_funding::diagnostic::{Code, Diagnostic, Location};
use cpts_funding::portfolio::{self, Record};
use cpts_funding::{limits, source};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The name standard input goes by in diagnostics.
pub const STDIN_NAME: &str = "<stdin>";

/// One input read: its name (the path as given, `<stdin>` for `-`) and its text.
pub struct Input {
    pub name: String,
    pub text: String,
}

pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

pub fn name_of(path: &Path) -> String {
    if is_stdin(path) {
        STDIN_NAME.to_string()
    } else {
        path.display().to_string()
    }
}

/// Reads `path` (or standard input for `-`) once, whole: a portfolio input (a CSV or a
/// portfolio file), whose size the library bounds record by record.
pub fn read(path: &Path) -> Result<Input, CliError> {
    read_limited(path, None)
}

/// Reads a single-document input (rules, contract, variant, scenario or case file): more than
/// [`limits::MAX_FILE_BYTES`] is refused (E0105) after reading at most one byte past the limit.
pub fn read_document(path: &Path) -> Result<Input, CliError> {
    read_limited(path, Some(limits::MAX_FILE_BYTES))
}

fn read_limited(path: &Path, limit: Option<usize>) -> Result<Input, CliError> {
    let name = name_of(path);
    let cap = limit.map_or(u64::MAX, |l| l as u64 + 1);
    let (reader, size): (Box<dyn Read>, u64) = if is_stdin(path) {
        (Box::new(std::io::stdin().lock()), 0)
    } else {
        let file = std::fs::File::open(path).map_err(|e| CliError::unreadable(&name, &e))?;
        // A regular file's size sizes the buffer once: no regrowth, no copy, each page
        // touched once (the size is only a hint: a file that grows is still read to its end).
        let size = file.metadata().map_or(0, |m| if m.is_file() { m.len() } else { 0 });
        (Box::new(file), size)
    };
    let mut bytes = Vec::with_capacity(usize::try_from(size.min(cap)).unwrap_or(0) + 1);
    reader.take(cap).read_to_end(&mut bytes).map_err(|e| CliError::unreadable(&name, &e))?;
    if let Some(l) = limit.filter(|l| bytes.len() > *l) {
        let d = Diagnostic::error(
            Code::E0105,
            format!("the file is over the limit of {l} bytes (read stopped there)"),
            Location::file(&name),
        )
        .with_help("the limits on inputs are listed in README.md, section \"Limits\"");
        return Err(CliError::Invalid(vec![d], None));
    }
    // Bytes that are not UTF-8 are an invalid input (exit 1), located at the first bad byte
    // (validated once: the located error is worked out only for a bad file).
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Input { name, text }),
        Err(e) => {
            let located = source::decode(&name, e.as_bytes()).err();
            Err(CliError::Invalid(located.into_iter().collect(), None))
        }
    }
}

/// The files a portfolio argument stands for: a folder's YAML files (recursively, sorted by
/// path, symbolic links not followed), or the file itself.
fn expand(path: &Path, files: &mut Vec<PathBuf>, failed: &mut Vec<Record>) {
    if is_stdin(path) || !path.is_dir() {
        files.push(path.to_path_buf());
        return;
    }
    let walk = walkdir::WalkDir::new(path).follow_links(false).sort_by_file_name();
    for entry in walk {
        match entry {
            Ok(e) => {
                let p = e.path();
                let yaml = p.extension().and_then(|x| x.to_str()).is_some_and(|x| {
                    x.eq_ignore_ascii_case("yaml") || x.eq_ignore_ascii_case("yml")
                });
                // A link to a file is read; a link to a folder is not walked (no loops).
                if yaml && !e.file_type().is_dir() && p.is_file() {
                    files.push(p.to_path_buf());
                }
            }
            Err(e) => {
                let at = e.path().unwrap_or(path).display().to_string();
                failed.push(portfolio::unreadable(&at, format!("cannot read folder {at}: {e}")));
            }
        }
    }
}

/// Reads every portfolio input (folders expanded); inputs that cannot be read or are not UTF-8
/// become failed records, so the others still run.
pub fn read_all(paths: &[PathBuf]) -> (Vec<Input>, Vec<Record>) {
    let (mut files, mut failed) = (Vec::new(), Vec::new());
    for p in paths {
        expand(p, &mut files, &mut failed);
    }
    let mut inputs = Vec::with_capacity(files.len());
    for f in files {
        match read(&f) {
            Ok(i) => inputs.push(i),
            Err(CliError::Io(d)) | Err(CliError::Usage(d)) => failed.push(record(d)),
            Err(CliError::Invalid(ds, _)) => failed.extend(ds.into_iter().map(record)),
            Err(_) => {}
        }
    }
    (inputs, failed)
}

fn record(d: Diagnostic) -> Record {
    let mut r = portfolio::unreadable(&d.location.file, String::new());
    r.state = portfolio::RecordState::Failed(vec![d]);
    r
}
