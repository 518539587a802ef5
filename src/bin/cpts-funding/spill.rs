//! Text that a streamed report writes after counts of the whole file (`diff`'s rows come after
//! the count of those that change, its tier changes and failures after the sums): kept in a
//! temporary file while the input streams, not in memory, then copied to the output. The file
//! is created new (never one already there) in the system's temporary folder and removed when
//! the spill is dropped, whatever ended the run.

use crate::error::CliError;
use crate::output::Printer;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Spill {
    path: PathBuf,
    file: Option<BufWriter<File>>,
    /// Nothing was written: no file was created.
    empty: bool,
}

impl Spill {
    /// A spill named after `what` (created at its first write).
    pub fn new(what: &str) -> Spill {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("cpts-funding-{}-{n}-{what}.tmp", std::process::id());
        Spill { path: std::env::temp_dir().join(name), file: None, empty: true }
    }

    fn name(&self) -> String {
        self.path.display().to_string()
    }

    /// Appends `s`.
    pub fn push(&mut self, s: &str) -> Result<(), CliError> {
        if s.is_empty() {
            return Ok(());
        }
        if self.file.is_none() {
            let f = OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&self.path)
                .map_err(|e| CliError::unwritable(&self.name(), &e))?;
            self.file = Some(BufWriter::with_capacity(1 << 20, f));
        }
        self.empty = false;
        match self.file.as_mut() {
            Some(f) => {
                f.write_all(s.as_bytes()).map_err(|e| CliError::unwritable(&self.name(), &e))
            }
            None => Ok(()),
        }
    }

    /// Copies what was pushed to standard output.
    pub fn copy_to(&mut self, p: &mut Printer) -> Result<(), CliError> {
        let Some(w) = self.file.take().filter(|_| !self.empty) else { return Ok(()) };
        let name = self.name();
        let mut f = w.into_inner().map_err(|e| CliError::unwritable(&name, e.error()))?;
        f.seek(SeekFrom::Start(0)).map_err(|e| CliError::unreadable(&name, &e))?;
        let mut block = vec![0u8; 1 << 20];
        loop {
            let n = f.read(&mut block).map_err(|e| CliError::unreadable(&name, &e))?;
            if n == 0 {
                return Ok(());
            }
            p.out_bytes(&block[..n])?;
        }
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        if self.file.is_some() || !self.empty {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
