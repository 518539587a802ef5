//! A sweep: the total cost of a portfolio as one value of the rules varies (`--param PATH
//! --from A --to B --step S`), each point the base (with any variants) plus the change
//! `PATH = value` from a date. Points are evaluated in parallel, each applying its change to the
//! validated rules (no YAML read), and come out in order whatever the thread count.

use super::{apply, check_op, resolve, Change, Op, Variant};
use crate::calendar::Date;
use crate::diagnostic::Code;
use crate::diagnostic::{Diagnostic, Location};
use crate::eval::EvalError;
use crate::portfolio::{total, Portfolio, Selection, Totaled};
use crate::rules::RuleSet;
use rayon::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// The most points a sweep computes.
pub const MAX_POINTS: usize = 100_000;

/// What to sweep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepSpec {
    pub path: String,
    /// The date the value applies from.
    pub from: Date,
    pub start: Decimal,
    pub end: Decimal,
    pub step: Decimal,
}

/// One point: the value, and the portfolio's totals (or why the value cannot apply).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    pub value: Decimal,
    pub result: Result<Totaled, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sweep {
    pub spec: SweepSpec,
    /// The portfolio without the swept change (the base, with any variants).
    pub base: Totaled,
    pub points: Vec<Point>,
}

/// `start`, `start + step`, ... up to `end` included.
pub fn values(start: Decimal, end: Decimal, step: Decimal) -> Result<Vec<Decimal>, String> {
    if step <= Decimal::ZERO {
        return Err(format!("--step {step} must be above 0"));
    }
    if start > end {
        return Err(format!("--from {start} is above --to {end}"));
    }
    let span = end.checked_sub(start).ok_or("the range overflows")?;
    let count = span.checked_div(step).ok_or("the range overflows")?.floor();
    if count >= Decimal::from(MAX_POINTS) {
        // `count + 1` may not fit a Decimal (`--to 79228162514264337593543950335 --step 1`).
        let points = count.checked_add(Decimal::ONE).map_or(count.to_string(), |n| n.to_string());
        return Err(format!(
            "{points} points: a sweep computes at most {MAX_POINTS}; take a larger --step"
        ));
    }
    // `start + i step` for the `count + 1` points: no addition past the last one, which could
    // overflow when the last point is near the largest decimal.
    let mut out = Vec::new();
    for i in 0..=count.to_u32().unwrap_or(0) {
        match step.checked_mul(Decimal::from(i)).and_then(|d| start.checked_add(d)) {
            Some(v) if v <= end => out.push(v),
            _ => break,
        }
    }
    Ok(out)
}

/// Checks `--param` against the rules (with variants): a located diagnostic naming the option.
pub fn check(spec: &SweepSpec, rules: &RuleSet) -> Result<(), Diagnostic> {
    let at = || Location {
        file: "--param".into(),
        path: Some(spec.path.clone()),
        line: None,
        column: None,
    };
    let target = resolve(&spec.path, rules).map_err(|e| {
        Diagnostic::error(Code::E0601, format!("{} in path `{}`", e.message, spec.path), at())
            .with_help(e.help)
    })?;
    check_op(&target, &Op::Set(spec.start)).map_err(|m| Diagnostic::error(Code::E0602, m, at()))
}

fn change(spec: &SweepSpec, value: Decimal) -> Change {
    Change {
        path: spec.path.clone(),
        from: spec.from,
        op: Op::Set(value),
        note: None,
        source: "variant:sweep".into(),
        origin: "--param".into(),
    }
}

/// Evaluates the portfolio at every value of the sweep (on the current rayon pool).
/// `progress` is called once per point.
pub fn sweep(
    base: &RuleSet,
    variants: &[Variant],
    spec: &SweepSpec,
    p: &Portfolio,
    selection: Selection,
    progress: &(dyn Fn() + Sync),
) -> Result<Sweep, EvalError> {
    let values = values(spec.start, spec.end, spec.step).unwrap_or_default();
    let fixed: Vec<&Change> = variants.iter().flat_map(|v| &v.changes).collect();
    let start = apply(base, &fixed).map_err(|_| EvalError::Overflow)?;
    let base_total = total(&start, p, selection, None)?;
    let points: Vec<Result<Point, EvalError>> = values
        .par_iter()
        .map(|v| {
            let c = change(spec, *v);
            let mut all = fixed.clone();
            all.push(&c);
            let result = match apply(base, &all) {
                Ok(rules) => Ok(total(&rules, p, selection, None)?),
                Err((_, e)) => Err(e.message),
            };
            progress();
            Ok(Point { value: *v, result })
        })
        .collect();
    Ok(Sweep {
        spec: spec.clone(),
        base: base_total,
        points: points.into_iter().collect::<Result<_, _>>()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("a decimal")
    }

    /// The points from `--from` to `--to`, `--to` included when a step lands on it, and up to
    /// the largest decimal: `--to 79228162514264337593543950335 --step 7922816251426433759354395033`
    /// was refused ("the range overflows": the addition after the last point).
    #[test]
    fn values_run_from_the_start_by_steps_up_to_the_end() {
        let texts = |v: Vec<Decimal>| v.iter().map(Decimal::to_string).collect::<Vec<_>>();
        assert_eq!(texts(values(d("1"), d("2"), d("0.3")).unwrap()), ["1", "1.3", "1.6", "1.9"]);
        assert_eq!(texts(values(d("-5"), d("5"), d("5")).unwrap()), ["-5", "0", "5"]);
        assert_eq!(texts(values(d("7"), d("7"), d("1")).unwrap()), ["7"]);
        let (max, step) = (Decimal::MAX, d("7922816251426433759354395033"));
        let v = values(Decimal::ZERO, max, step).unwrap();
        assert_eq!(v.len(), 11);
        assert_eq!(v[10], step * Decimal::TEN);
        assert!(values(Decimal::ZERO, max, Decimal::ONE).unwrap_err().contains("at most 100000"));
        assert!(values(d("2"), d("1"), d("1")).is_err());
        assert!(values(d("1"), d("2"), Decimal::ZERO).is_err());
    }
}
