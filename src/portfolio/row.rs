//! A portfolio's row of one CPTS-year: the figures its reports show, added up per mission as
//! the evaluation gives its lines ([`RowSink`]), without keeping the lines, the dated payments
//! or the warnings themselves.

use crate::calendar::Date;
use crate::diagnostic::Code;
use crate::eval::{self, Calendar, Category, EvalError, Line, Sink, Totals, Warning};
use crate::input::Contract;
use crate::rules::{Mission, RuleSet};
use rust_decimal::Decimal;

/// A mission's amounts in one CPTS-year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MissionAmounts {
    /// The year has a line for the mission (even of 0 €).
    pub paid: bool,
    pub fixed: Decimal,
    pub variable: Decimal,
    pub crisis: Decimal,
    /// `fixed + variable + crisis`, added with checked arithmetic by [`row_of`].
    pub total: Decimal,
}

impl MissionAmounts {
    pub fn total(&self) -> Decimal {
        self.total
    }
}

/// `a + b` as `Decimal` adds them, checked, without the addition when one is zero (a mission's
/// first line of each kind): `Decimal` gives the other operand as is then, scale and sign
/// included.
fn plus(a: Decimal, b: Decimal) -> Result<Decimal, EvalError> {
    if a.is_zero() {
        Ok(b)
    } else if b.is_zero() {
        Ok(a)
    } else {
        crate::money::checked_add(a, b).ok_or(EvalError::Overflow)
    }
}

/// One CPTS-year evaluated: the figures a portfolio report shows, owned so that rows outlive the
/// rules they were computed under (a diff holds the base's and the variant's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Index of the record (and of its contract) in the [`Portfolio`].
    pub record: usize,
    pub contract: usize,
    pub contract_year: u32,
    pub from: Date,
    /// Exclusive: the next anniversary.
    pub to: Date,
    /// Index of the text in force in `RuleSet::texts`.
    pub text: usize,
    /// Index of the tier (ids and order are the same under every variant).
    pub tier: usize,
    pub population: u64,
    pub totals: Totals,
    /// Paid at signature or as advances (the rest is paid as balances and variable parts).
    pub advances: Decimal,
    /// Per mission of the rules, in rule order.
    pub missions: Vec<MissionAmounts>,
    /// Warning codes, in order of first appearance, once each.
    pub warnings: Vec<Code>,
}

/// What a [`Row`] keeps of an evaluation, as lines come.
struct RowSink<'a> {
    rules: &'a RuleSet,
    k: u32,
    /// The year's payment calendar (its error, if any, is the evaluation's once the year is
    /// evaluated, as when the payments were built after the lines).
    calendar: Option<Result<Calendar<'a>, EvalError>>,
    missions: Vec<MissionAmounts>,
    advances: Decimal,
    warnings: Vec<Code>,
    /// The first sum that overflowed.
    error: Option<EvalError>,
    /// The mission of the last line, and its index in the rules.
    last: Option<(&'a Mission, usize)>,
}

impl<'a> RowSink<'a> {
    fn sum(&mut self, to: impl FnOnce(&mut Self) -> &mut Decimal, amount: Decimal) {
        let slot = to(self);
        match plus(*slot, amount) {
            Ok(v) => *slot = v,
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
    }
}

impl<'a> Sink<'a> for RowSink<'a> {
    const WARNINGS: bool = true;

    fn begin(&mut self, from: Date, to: Date) {
        self.calendar = Some(Calendar::new(self.rules, from, to));
    }

    fn line(&mut self, line: Line<'a>) {
        // Paid at signature or as an advance: what the year's payments of those kinds add up to.
        if let Some(Ok(calendar)) = &self.calendar {
            match calendar.advance(self.k, &line) {
                Ok(Some(a)) => self.sum(|s| &mut s.advances, a),
                Ok(None) => {}
                Err(e) => {
                    self.error.get_or_insert(e);
                }
            }
        }
        let Some(mission) = line.item.mission() else { return };
        // A mission's lines come together: its index is looked up at its first.
        let i = match self.last {
            Some((m, i)) if std::ptr::eq(m, mission) => i,
            _ => {
                let Some(i) = self.rules.missions.iter().position(|m| std::ptr::eq(m, mission))
                else {
                    return;
                };
                self.last = Some((mission, i));
                i
            }
        };
        self.missions[i].paid = true;
        match line.item.category() {
            Category::Fixed => self.sum(|s| &mut s.missions[i].fixed, line.amount),
            Category::Variable => self.sum(|s| &mut s.missions[i].variable, line.amount),
            Category::Crisis => self.sum(|s| &mut s.missions[i].crisis, line.amount),
            Category::Fonctionnement => {}
        }
    }

    fn warn(&mut self, warning: Warning<'a>) {
        let code = warning.code();
        if !self.warnings.contains(&code) {
            self.warnings.push(code);
        }
    }

    fn warn_first(&mut self, warning: Warning<'a>) {
        let code = warning.code();
        if !self.warnings.contains(&code) {
            self.warnings.insert(0, code);
        }
    }
}

/// The row of contract year `k` of `contract` (record `record`, contract `index` of the
/// portfolio): the evaluation's figures, or its error. An amount that overflows (a mission's
/// parts added up) is an error, as in the evaluation.
pub(super) fn row(
    rules: &RuleSet,
    contract: &Contract,
    k: u32,
    record: usize,
    index: usize,
) -> Result<Row, EvalError> {
    let mut sink = RowSink {
        rules,
        k,
        calendar: None,
        missions: vec![MissionAmounts::default(); rules.missions.len()],
        advances: Decimal::ZERO,
        warnings: Vec::new(),
        error: None,
        last: None,
    };
    let y = eval::year(rules, contract, k, &mut sink)?;
    if let Some(Err(e)) = sink.calendar {
        return Err(e);
    }
    if let Some(e) = sink.error {
        return Err(e);
    }
    let mut missions = sink.missions;
    for m in &mut missions {
        m.total = plus(plus(m.fixed, m.variable)?, m.crisis)?;
    }
    Ok(Row {
        record,
        contract: index,
        contract_year: k,
        from: y.from,
        to: y.to,
        text: rules.texts.iter().position(|t| std::ptr::eq(t, y.text)).unwrap_or(0),
        tier: y.tier_index,
        population: y.population,
        totals: y.totals,
        advances: sink.advances,
        missions,
        warnings: sink.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{Breakdown, PaymentKind};
    use proptest::prelude::*;

    /// The row of a contract year from its whole evaluation (lines, dated payments, warnings):
    /// how rows were made before they were added up as lines come. The reference of the test
    /// below.
    fn from_breakdown(rules: &RuleSet, b: &Breakdown) -> Result<Row, EvalError> {
        let mut missions = vec![MissionAmounts::default(); rules.missions.len()];
        for line in &b.lines {
            let Some(mission) = line.item.mission() else { continue };
            let i = rules.missions.iter().position(|m| std::ptr::eq(m, mission)).unwrap();
            let m = &mut missions[i];
            m.paid = true;
            match line.item.category() {
                Category::Fixed => m.fixed = plus(m.fixed, line.amount)?,
                Category::Variable => m.variable = plus(m.variable, line.amount)?,
                Category::Crisis => m.crisis = plus(m.crisis, line.amount)?,
                Category::Fonctionnement => {}
            }
        }
        for m in &mut missions {
            m.total = plus(plus(m.fixed, m.variable)?, m.crisis)?;
        }
        let advances = b
            .schedule
            .iter()
            .filter(|p| matches!(p.kind, PaymentKind::AtSignature | PaymentKind::Advance))
            .try_fold(Decimal::ZERO, |a, p| a.checked_add(p.amount).ok_or(EvalError::Overflow))?;
        let mut warnings: Vec<Code> = Vec::new();
        for w in &b.warnings {
            if !warnings.contains(&w.code()) {
                warnings.push(w.code());
            }
        }
        Ok(Row {
            record: 0,
            contract: 0,
            contract_year: b.contract_year,
            from: b.from,
            to: b.to,
            text: rules.texts.iter().position(|t| std::ptr::eq(t, b.text)).unwrap(),
            tier: b.tier_index,
            population: b.population,
            totals: b.totals,
            advances,
            missions,
            warnings,
        })
    }

    /// A portfolio row, and the totals alone, are what the whole evaluation gives, to the scale
    /// of every amount (compared in their `Debug` form, which shows it): every contract year of
    /// the shipped portfolios and contract fixtures, under the embedded rules and under each
    /// shipped variant (new missions deemed engaged, a mission removed, moved tiers, another
    /// advance rate).
    #[test]
    fn rows_and_totals_are_the_whole_evaluations() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let read = |p: &std::path::Path| std::fs::read_to_string(p).unwrap();
        let base = RuleSet::embedded().unwrap().0;
        let mut sets = vec![base.clone()];
        // Amounts at the largest decimal, whose sums overflow: the years fail, alike.
        let text = crate::rules::DEFAULT_RULES_TEXT;
        for (after, from) in [
            ("fonctionnement:\n", r#"t2: {amount: "60000""#),
            ("missions:\n", r#"t3: {amount: "85000""#),
        ] {
            let at = text.find(after).unwrap();
            let to = from.replace(from.split('"').nth(1).unwrap(), "79228162514264337593543950335");
            let huge = format!("{}{}", &text[..at], text[at..].replacen(from, &to, 1));
            sets.push(RuleSet::from_text("huge.yaml", &huge).unwrap().0);
        }
        for entry in std::fs::read_dir(dir.join("rules/variants")).unwrap() {
            let path = entry.unwrap().path();
            let v = crate::variant::Variant::from_text("v.yaml", &read(&path), &base).unwrap();
            sets.push(crate::variant::apply_all(&base, &[v]).unwrap());
        }
        let mut inputs: Vec<(String, String)> =
            ["example.csv", "sample-800-synthetic.csv", "example.json"]
                .iter()
                .map(|f| (f.to_string(), read(&dir.join("fixtures/portfolio").join(f))))
                .collect();
        for entry in std::fs::read_dir(dir.join("fixtures/ok")).unwrap() {
            let path = entry.unwrap().path().join("contract.yaml");
            if path.exists() {
                inputs.push((path.display().to_string(), read(&path)));
            }
        }
        let (mut rows, mut codes, mut errors) = (0, std::collections::BTreeSet::new(), 0);
        for rules in &sets {
            for (name, text) in &inputs {
                let p = crate::portfolio::load(&[(name.clone(), text.clone())], &base);
                for c in &p.contracts {
                    for k in 1..=rules.contract_length_years {
                        let whole = eval::evaluate(rules, c, k);
                        let alone = eval::totals(rules, c, k);
                        let sunk = row(rules, c, k, 0, 0);
                        match &whole {
                            Ok(b) => {
                                let expected = from_breakdown(rules, b);
                                assert_eq!(
                                    format!("{sunk:?}"),
                                    format!("{expected:?}"),
                                    "{name} {} year {k}",
                                    c.id
                                );
                                assert_eq!(
                                    format!("{alone:?}"),
                                    format!("{:?}", Ok::<_, EvalError>(b.totals))
                                );
                                rows += 1;
                                codes.extend(b.warnings.iter().map(|w| w.code()));
                            }
                            Err(e) => {
                                assert_eq!(
                                    sunk.as_ref().err(),
                                    Some(e),
                                    "{name} {} year {k}",
                                    c.id
                                );
                                assert_eq!(alone.as_ref().err(), Some(e));
                                errors += 1;
                            }
                        }
                    }
                }
            }
        }
        // What was compared: thousands of rows, most warnings, and failed years.
        assert!(rows > 5000, "{rows} rows");
        assert!(codes.len() >= 6, "{codes:?}");
        assert!(errors > 0);
    }

    fn decimal() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (any::<i64>(), 0u32..=6).prop_map(|(m, s)| Decimal::new(m, s)),
            (0u32..=4, any::<bool>()).prop_map(|(s, n)| {
                let mut z = Decimal::new(0, s);
                z.set_sign_negative(n);
                z
            }),
            // Near the largest decimal: two of them overflow.
            any::<u32>().prop_map(|k| Decimal::MAX - Decimal::from(k)),
        ]
    }

    proptest! {
        /// `plus` is checked `+`: the same 16 bytes (value, scale, sign of a zero), or an
        /// overflow where `+` would panic.
        #[test]
        fn plus_is_decimal_addition(a in decimal(), b in decimal()) {
            match a.checked_add(b) {
                Some(sum) => prop_assert_eq!(plus(a, b).map(|d| d.serialize()), Ok(sum.serialize())),
                None => prop_assert_eq!(plus(a, b), Err(EvalError::Overflow)),
            }
        }
    }
}
