//! Values that change by date: an amount, a rate, a tier table.

use crate::calendar::Date;

/// A dated value: the last one whose date is on or before the value date applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dated<T> {
    entries: Vec<(Date, T)>,
}

impl<T> Dated<T> {
    pub(crate) fn new(mut entries: Vec<(Date, T)>) -> Self {
        entries.sort_by_key(|(d, _)| *d);
        Dated { entries }
    }

    /// The value in force on `date`, with the date it took effect.
    pub fn at(&self, date: Date) -> Option<(Date, &T)> {
        self.entries.iter().rev().find(|(d, _)| *d <= date).map(|(d, v)| (*d, v))
    }

    pub fn first_date(&self) -> Option<Date> {
        self.entries.first().map(|(d, _)| *d)
    }

    /// The dated entries, in date order.
    pub fn entries(&self) -> &[(Date, T)] {
        &self.entries
    }

    /// Changes the value in force on every date from `date` on: an entry starting on `date` is
    /// added (a copy of the value then in force) unless one exists, and `f` is applied to it and
    /// to every later entry. False (nothing changed) when no value is in force on `date`.
    pub(crate) fn change_from(&mut self, date: Date, mut f: impl FnMut(&mut T)) -> bool
    where
        T: Clone,
    {
        let Some((_, current)) = self.at(date) else { return false };
        if !self.entries.iter().any(|(d, _)| *d == date) {
            let copy = current.clone();
            let at = self.entries.partition_point(|(d, _)| *d < date);
            self.entries.insert(at, (date, copy));
        }
        for (_, v) in self.entries.iter_mut().filter(|(d, _)| *d >= date) {
            f(v);
        }
        true
    }
}
