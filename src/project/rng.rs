//! A small deterministic pseudo-random generator for synthetic roll-outs: SplitMix64 (Steele,
//! Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014; the constants
//! are those of `java.util.SplittableRandom`). It is not cryptographic and needs no crate: what
//! matters here is that a seed gives the same draws on every platform, run and thread count.
//! Every draw is integer arithmetic; a share is a `Decimal` built from 53 random bits, so no
//! float is ever involved.

use rust_decimal::Decimal;

const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 finaliser: a bijection of `u64` that mixes every bit into every other.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A SplitMix64 stream.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The stream of item `n` (a generated contract) of a run seeded with `seed`: independent of
    /// how many items come before, so adding signatures to a later period leaves the earlier
    /// contracts unchanged.
    pub fn for_item(seed: u64, n: u64) -> Rng {
        Rng::new(mix(seed ^ mix(n.wrapping_add(1).wrapping_mul(GAMMA))))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GAMMA);
        mix(self.state)
    }

    /// A whole number uniform in `lo..=hi` (multiply-shift: bias below 2^-32 for any span a
    /// scenario can write).
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        let span = u128::from(hi - lo) + 1;
        let r = (u128::from(self.next_u64()) * span) >> 64;
        lo + u64::try_from(r).unwrap_or(0)
    }

    /// A share uniform in [0, 1): 53 random bits over 2^53, exact in `Decimal`.
    pub fn unit(&mut self) -> Decimal {
        Decimal::from(self.next_u64() >> 11) / Decimal::from(1u64 << 53)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_reference_values() {
        // The first outputs of SplitMix64 seeded with 0 (as published with the algorithm's
        // reference implementation, e.g. in Vigna's xoshiro seeding code).
        let mut r = Rng::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(r.next_u64(), 0x06C4_5D18_8009_454F);
    }

    #[test]
    fn draws_stay_in_their_bounds() {
        let mut r = Rng::new(42);
        for _ in 0..10_000 {
            let b = r.between(3, 9);
            assert!((3..=9).contains(&b));
            let u = r.unit();
            assert!(u >= Decimal::ZERO && u < Decimal::ONE);
        }
        assert_eq!(r.between(5, 5), 5);
    }
}
