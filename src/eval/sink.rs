//! Where an evaluation puts what it finds. The rules are applied once, in [`super::year`]; what
//! is kept of their lines and warnings is the sink's choice: [`super::evaluate`] keeps all of
//! them (a [`Breakdown`](super::Breakdown), for the audit trail), [`super::totals`] nothing but
//! the sums, a portfolio row its sums per mission. Every line is rounded and added to the totals
//! here, as it comes, whatever the sink keeps, so the totals of every mode are the same sums.

use super::sum::{Sum, Term};
use super::{Category, Item, Line, Totals, Warning};
use crate::calendar::Date;
use crate::rules::RuleSet;

/// What keeps an evaluation's lines and warnings.
pub trait Sink<'a> {
    /// Whether warnings are kept: when not, the work of finding them is skipped.
    const WARNINGS: bool;
    /// The contract year is `[from, to)`: said once, before any line.
    fn begin(&mut self, _from: Date, _to: Date) {}
    /// A line of the year, its amount rounded.
    fn line(&mut self, line: Line<'a>);
    /// A warning, in the order they are found.
    fn warn(&mut self, warning: Warning<'a>);
    /// The warning that comes before all others (provisional amounts used), once at the end.
    fn warn_first(&mut self, warning: Warning<'a>);
}

/// The lines and warnings, all kept: what a [`Breakdown`](super::Breakdown) holds.
#[derive(Default)]
pub struct Keep<'a> {
    pub lines: Vec<Line<'a>>,
    pub warnings: Vec<Warning<'a>>,
}

impl<'a> Sink<'a> for Keep<'a> {
    const WARNINGS: bool = true;
    fn line(&mut self, line: Line<'a>) {
        self.lines.push(line);
    }
    fn warn(&mut self, warning: Warning<'a>) {
        self.warnings.push(warning);
    }
    fn warn_first(&mut self, warning: Warning<'a>) {
        self.warnings.insert(0, warning);
    }
}

/// Nothing kept but the totals.
pub struct TotalsOnly;

impl<'a> Sink<'a> for TotalsOnly {
    const WARNINGS: bool = false;
    fn line(&mut self, _: Line<'a>) {}
    fn warn(&mut self, _: Warning<'a>) {}
    fn warn_first(&mut self, _: Warning<'a>) {}
}

/// The sink of one evaluation, with the totals added up as lines come.
pub(super) struct Out<'a, 's, S> {
    rules: &'a RuleSet,
    pub(super) sink: &'s mut S,
    /// The totals' sums, in whole cents while they can be: fonctionnement, fixed, variable,
    /// crisis, total, provisional.
    sums: [Sum; 6],
    /// Lines resting on a provisional cell.
    pub(super) provisional: usize,
    /// Whether a crisis envelope line was given.
    pub(super) crisis: bool,
    /// An addition to the totals overflowed. The error is returned after every line is built,
    /// as when the totals were added up after the lines: an error found while building a line
    /// comes first.
    pub(super) overflow: bool,
}

impl<'a, 's, S: Sink<'a>> Out<'a, 's, S> {
    pub(super) fn new(rules: &'a RuleSet, sink: &'s mut S) -> Self {
        Out {
            rules,
            sink,
            sums: [Sum::default(); 6],
            provisional: 0,
            crisis: false,
            overflow: false,
        }
    }

    /// `line`, rounded by the rules' rounding, added to its category, the total and (resting on
    /// a provisional cell) the provisional part; then given to the sink. Returns the rounded
    /// amount as it was added (a mission adds its indicators' lines up once more).
    pub(super) fn line(&mut self, mut line: Line<'a>) -> Term {
        line.amount = self.rules.rounding.apply(line.before_rounding);
        let slot = match line.item.category() {
            Category::Fonctionnement => 0,
            Category::Fixed => 1,
            Category::Variable => 2,
            Category::Crisis => 3,
        };
        let term = Term::of(line.amount);
        let mut sum = |i: usize| {
            if self.sums[i].add(&term).is_err() {
                self.overflow = true;
            }
        };
        sum(slot);
        sum(4);
        if line.is_provisional() {
            sum(5);
            self.provisional += 1;
        }
        self.crisis |= matches!(line.item, Item::Crisis { .. });
        self.sink.line(line);
        term
    }

    /// The totals of the lines given so far.
    pub(super) fn totals(&self) -> Totals {
        let [fonctionnement, fixed, variable, crisis, total, provisional] =
            self.sums.map(|s| s.value());
        Totals { fonctionnement, fixed, variable, crisis, total, provisional }
    }

    /// The warning `w` makes, when the sink keeps warnings (it is not made otherwise).
    #[inline]
    pub(super) fn warn(&mut self, w: impl FnOnce() -> Warning<'a>) {
        if S::WARNINGS {
            self.sink.warn(w());
        }
    }
}
