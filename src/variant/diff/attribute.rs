//! The attribution of a diff's total to each change of its variants, applied one after the
//! other.

use super::*;

pub(super) fn attribute(
    base: &RuleSet,
    variants: &[Variant],
    p: &Portfolio,
    selection: Selection,
    compared: &[bool],
    total: Delta,
    progress: &(dyn Fn() + Sync),
) -> Result<Attribution, EvalError> {
    let changes: Vec<(usize, usize, &Change)> = variants
        .iter()
        .enumerate()
        .flat_map(|(v, var)| var.changes.iter().enumerate().map(move |(c, ch)| (v, c, ch)))
        .collect();
    let n = changes.len();
    // Jobs: the sequential prefixes 1..n-1 (prefix 0 is the base, prefix n the variant), then
    // each change alone (change 0 alone is prefix 1).
    #[derive(Clone, Copy)]
    enum Job {
        Prefix(usize),
        Alone(usize),
    }
    let mut jobs: Vec<Job> = (1..n).map(Job::Prefix).collect();
    jobs.extend((1..n).map(Job::Alone));
    let all: Vec<&Change> = changes.iter().map(|(_, _, c)| *c).collect();
    let results: Vec<Result<Option<Decimal>, EvalError>> = jobs
        .par_iter()
        .map(|job| {
            let subset: Vec<&Change> = match *job {
                Job::Prefix(k) => all[..k].to_vec(),
                Job::Alone(i) => vec![all[i]],
            };
            let r = match apply(base, &subset) {
                Ok(rules) => portfolio::total(&rules, p, selection, Some(compared))
                    .map(|t| Some(t.totals.total)),
                Err(_) => Ok(None),
            };
            progress();
            r
        })
        .collect();
    let mut prefix = vec![Some(total.base); n + 1];
    prefix[n] = Some(total.variant);
    let mut alone: Vec<Option<Decimal>> = vec![None; n];
    for (job, r) in jobs.iter().zip(results) {
        match *job {
            Job::Prefix(k) => prefix[k] = r?,
            Job::Alone(i) => alone[i] = r?.map(|t| sub(t, total.base)).transpose()?,
        }
    }
    if n > 0 {
        alone[0] = prefix[1].map(|t| sub(t, total.base)).transpose()?;
    }
    // A prefix that cannot be applied cannot happen (the variants validated in order); keep the
    // previous total so that the parts still add up.
    for k in 1..=n {
        if prefix[k].is_none() {
            prefix[k] = prefix[k - 1];
        }
    }
    let mut effects = Vec::with_capacity(n);
    let mut alone_sum = Decimal::ZERO;
    for (i, (v, c, ch)) in changes.iter().enumerate() {
        let seq = sub(prefix[i + 1].unwrap_or_default(), prefix[i].unwrap_or_default())?;
        if let Some(a) = alone[i] {
            alone_sum = add(alone_sum, a)?;
        }
        effects.push(Effect {
            variant: *v,
            change: *c,
            describe: ch.describe(),
            alone: alone[i],
            sequential: seq,
        });
    }
    Ok(Attribution { effects, interaction: sub(total.delta, alone_sum)?, total: total.delta })
}
