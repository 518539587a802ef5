//! Arguments shared by several commands (flattened into each), and the formats each command
//! has: every command declares its own value enum, so clap refuses the others (exit 2) and
//! `--help` lists only the real ones.

use crate::error::CliError;
use clap::ValueEnum;
use cpts_funding::eval::Selection;
use cpts_funding::portfolio::CsvOptions;
use std::path::PathBuf;

/// The most threads `--jobs` may ask for: more than this buys nothing on any machine the tool
/// runs on, and a huge number would hang while the threads are created.
pub const MAX_JOBS: usize = 256;

#[derive(clap::Args, Clone, Default)]
pub struct RulesArg {
    /// Rules file (YAML). Default: the rules embedded in the binary (rules/aci-cpts.yaml).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
}

#[derive(clap::Args, Clone, Copy, Default)]
pub struct YearArgs {
    /// The calendar year in which the contract year starts (e.g. 2024).
    #[arg(long, conflicts_with = "contract_year")]
    pub year: Option<i32>,
    /// The contract year, 1 to 5 (instead of --year). Without either: every contract year.
    #[arg(long)]
    pub contract_year: Option<u32>,
}

impl YearArgs {
    pub fn selection(self) -> Selection {
        Selection::new(self.year, self.contract_year)
    }
}

#[derive(clap::Args, Clone, Default)]
pub struct VariantArgs {
    /// A variant (YAML overlay of the rules, e.g. rules/variants/tier2-parcours-plus.yaml);
    /// repeat to apply several, in order.
    #[arg(long = "variant", value_name = "FILE")]
    pub variants: Vec<PathBuf>,
}

/// How a portfolio CSV is written.
#[derive(clap::Args, Clone, Default)]
pub struct CsvArgs {
    /// CSV field separator (`,` by default; `;` for French Excel; `tab`).
    #[arg(long, value_name = "CHAR")]
    pub csv_sep: Option<String>,
    /// CSV amounts with a decimal comma (`1234,50`).
    #[arg(long)]
    pub decimal_comma: bool,
    /// Start the CSV with a UTF-8 byte order mark.
    #[arg(long)]
    pub bom: bool,
    /// French Excel preset: `--csv-sep ';' --decimal-comma --bom`.
    #[arg(long)]
    pub excel_fr: bool,
}

impl CsvArgs {
    pub fn options(&self) -> Result<CsvOptions, CliError> {
        let mut o = if self.excel_fr { CsvOptions::excel_fr() } else { CsvOptions::default() };
        if let Some(s) = &self.csv_sep {
            let mut chars = s.chars();
            o.separator = match (s.as_str(), chars.next(), chars.next()) {
                ("tab" | "\\t" | "\t", _, _) => '\t',
                (_, Some(c), None) => c,
                _ => {
                    return Err(CliError::usage(
                        "--csv-sep",
                        format!("--csv-sep `{s}`: give one character (`,`, `;`) or `tab`"),
                    ))
                }
            };
        }
        o.decimal_comma |= self.decimal_comma;
        o.bom |= self.bom;
        if o.decimal_comma && o.separator == ',' {
            return Err(CliError::usage(
                "--decimal-comma",
                "--decimal-comma with the `,` separator would split every amount: add --csv-sep \
                 ';' (or use --excel-fr)",
            ));
        }
        Ok(o)
    }
}

/// How a portfolio run goes.
#[derive(clap::Args, Clone, Default)]
pub struct RunArgs {
    /// Stop at the first record that fails: print its diagnostics, write nothing, exit 1.
    #[arg(long)]
    pub strict: bool,
    /// Threads used to evaluate (1 to 256; default: one per core). The output does not depend
    /// on it.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
}

/// Streaming one large CSV file (`compute` but its pages, `diff`, `cashflow`, `check`).
#[derive(clap::Args, Clone, Copy)]
pub struct StreamArgs {
    /// One CSV file read, checked and evaluated chunk by chunk, in memory that does not grow
    /// with the file (automatic when each CPTS has its rows together, and above 32 MiB). The
    /// rows of a CPTS must then be together in the file.
    #[arg(long)]
    pub stream: bool,
    /// The size of a streamed chunk, in bytes (default 256 KiB; a testing aid).
    #[arg(long, value_name = "BYTES", hide = true)]
    pub chunk_bytes: Option<usize>,
}

/// `compute`'s formats.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ComputeFormat {
    #[default]
    Text,
    /// Diagnostics and messages go to stderr as JSON lines.
    Json,
    /// Markdown: the content of the HTML page.
    Md,
    /// One self-contained, printable HTML page (one contract, or a portfolio with its sums).
    Html,
    /// CSV (a portfolio): one row per CPTS-year, then the sums.
    Csv,
}

/// The formats of `budget` and `explain`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum PageFormat {
    #[default]
    Text,
    /// Diagnostics and messages go to stderr as JSON lines.
    Json,
    /// Markdown: the content of the HTML page.
    Md,
    /// One self-contained, printable HTML page.
    Html,
}

/// The formats of `diff`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum TableFormat {
    #[default]
    Text,
    /// Diagnostics and messages go to stderr as JSON lines.
    Json,
    /// One row per CPTS-year, then the sums.
    Csv,
    /// Markdown: the content of the HTML page.
    Md,
    /// One self-contained, printable HTML page.
    Html,
}

/// The formats of `sweep` (its text is CSV: one row per value).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum SweepFormat {
    /// One CSV row per value (also the default).
    #[default]
    #[value(alias = "text")]
    Csv,
    /// Diagnostics and messages go to stderr as JSON lines.
    Json,
    /// Markdown: the chart as text bars and the table of points.
    Md,
    /// One self-contained, printable HTML page: the chart (inline SVG) and the table of points.
    Html,
}

/// The formats of `max`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum MaxFormat {
    #[default]
    Text,
    /// Diagnostics and messages go to stderr as JSON lines.
    Json,
    /// Markdown: the content of the HTML page.
    Md,
    /// One self-contained, printable HTML page.
    Html,
}

/// The formats of `check` and `test`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum PlainFormat {
    #[default]
    Text,
    /// Diagnostics and messages go to stderr as JSON lines.
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// Français
    Fr,
    /// English
    En,
}

/// `--jobs N`, checked before any thread is started.
pub fn jobs(n: Option<usize>) -> Result<Option<usize>, CliError> {
    match n {
        Some(0) => Err(CliError::usage("--jobs", "--jobs must be at least 1")),
        Some(n) if n > MAX_JOBS => {
            Err(CliError::usage("--jobs", format!("--jobs {n}: at most {MAX_JOBS} threads")))
        }
        n => Ok(n),
    }
}
