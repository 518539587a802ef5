//! One indicator of an engagement: its maximum and its payout scale (binary, linear, steps),
//! checked against the rules and located.

use super::super::raw::*;
use super::super::*;
use super::Ctx;
use crate::diagnostic::Code;
use crate::money::format_eur;

pub(super) fn indicator(ctx: &mut Ctx, path: &str, raw: &RawIndicator) -> Option<Indicator> {
    let max = ctx.amount(format_args!("{path}.max"), &raw.max);
    let misplaced = |ctx: &mut Ctx, key: &str, present: bool| {
        if present {
            ctx.err(
                Code::E0309,
                &format!("{path}.{key}"),
                format!(
                    "indicator `{}` of kind `{}` takes no `{key}`",
                    raw.id,
                    kind_name(raw.kind)
                ),
            );
        }
    };
    let payout = match raw.kind {
        IndicatorKind::Binary => {
            misplaced(ctx, "steps", raw.steps.is_some());
            misplaced(ctx, "direction", raw.direction.is_some());
            misplaced(ctx, "baseline", raw.baseline.is_some());
            misplaced(ctx, "target", raw.target.is_some());
            Some(Payout::Binary)
        }
        IndicatorKind::Linear => {
            misplaced(ctx, "steps", raw.steps.is_some());
            misplaced(ctx, "direction", raw.direction.is_some());
            let (b, t) = match (&raw.baseline, &raw.target) {
                (Some(b), Some(t)) => (
                    ctx.decimal(format_args!("{path}.baseline"), b),
                    ctx.decimal(format_args!("{path}.target"), t),
                ),
                _ => {
                    ctx.err(
                        Code::E0307,
                        path,
                        format!("linear indicator `{}` needs both `baseline` and `target`", raw.id),
                    );
                    (None, None)
                }
            };
            match (b, t) {
                (Some(b), Some(t)) if b == t => {
                    ctx.err(Code::E0307, &format!("{path}.target"), format!("linear indicator `{}`: target equals baseline ({t}), nothing to interpolate", raw.id));
                    None
                }
                (Some(baseline), Some(target)) => Some(Payout::Linear { baseline, target }),
                _ => None,
            }
        }
        IndicatorKind::Steps => {
            misplaced(ctx, "baseline", raw.baseline.is_some());
            misplaced(ctx, "target", raw.target.is_some());
            steps(ctx, path, raw, max)
        }
    };
    let (id, label) = (raw.id.as_str().into(), raw.label.as_str().into());
    Some(Indicator { id, label, max: max?, payout: payout?, slot: 0 })
}

fn kind_name(k: IndicatorKind) -> &'static str {
    match k {
        IndicatorKind::Binary => "binary",
        IndicatorKind::Steps => "steps",
        IndicatorKind::Linear => "linear",
    }
}

/// Steps are written from the easiest to the best (the order of real contracts does not matter:
/// they are sorted by threshold), and a better step never pays less.
fn steps(ctx: &mut Ctx, path: &str, raw: &RawIndicator, max: Option<Decimal>) -> Option<Payout> {
    let Some(direction) = raw.direction else {
        ctx.err(
            Code::E0306,
            path,
            format!(
                "steps indicator `{}` needs a `direction` (higher_is_better or lower_is_better)",
                raw.id
            ),
        );
        return None;
    };
    let list = match &raw.steps {
        Some(s) if !s.is_empty() => s,
        _ => {
            ctx.err(
                Code::E0306,
                path,
                format!("steps indicator `{}` needs at least one step", raw.id),
            );
            return None;
        }
    };
    let mut out = Vec::new();
    for (i, s) in list.iter().enumerate() {
        let sp = format!("{path}.steps[{i}]");
        let t = ctx.decimal(format_args!("{sp}.threshold"), &s.threshold);
        let a = ctx.amount(format_args!("{sp}.amount"), &s.amount);
        if let (Some(a), Some(m)) = (a, max) {
            if a > m {
                ctx.err(
                    Code::E0305,
                    &format!("{sp}.amount"),
                    format!(
                        "step pays {}, above the indicator's maximum {}",
                        format_eur(a),
                        format_eur(m)
                    ),
                );
            }
        }
        if let (Some(threshold), Some(amount)) = (t, a) {
            out.push((i, Step { threshold, amount }));
        }
    }
    if out.len() != list.len() {
        return None;
    }
    // Easiest first: ascending thresholds when higher is better, descending when lower is.
    out.sort_by(|a, b| match direction {
        Direction::HigherIsBetter => a.1.threshold.cmp(&b.1.threshold),
        Direction::LowerIsBetter => b.1.threshold.cmp(&a.1.threshold),
    });
    let mut ok = true;
    for w in out.windows(2) {
        let ((_, easy), (j, better)) = (&w[0], &w[1]);
        if easy.threshold == better.threshold {
            ctx.err(
                Code::E0306,
                &format!("{path}.steps[{j}].threshold"),
                format!("two steps of `{}` share the threshold {}", raw.id, better.threshold),
            );
            ok = false;
        } else if better.amount < easy.amount {
            ctx.err(Code::E0306, &format!("{path}.steps[{j}].amount"), format!("step at {} of `{}` pays {}, less than the easier step at {} ({}): a better result must not pay less", better.threshold, raw.id, format_eur(better.amount), easy.threshold, format_eur(easy.amount)));
            ok = false;
        }
    }
    ok.then(|| Payout::Steps { direction, steps: out.into_iter().map(|(_, s)| s).collect() })
}
