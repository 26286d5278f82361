//! Backoff between delivery attempts: exponential with **full jitter**. The wait before
//! attempt `n + 1` (after `n` failures) is uniform in `[0, min(cap, base · 2^(n-1))]`.
//!
//! Why full jitter: when a receiver is down, every instance's items fail together; without
//! jitter they all come back at the same instants and knock it over again. Full jitter
//! spreads the retries over the whole window and keeps the mean wait at half the plain
//! exponential one ("Exponential Backoff and Jitter", AWS Architecture Blog, 2015).
//! Decorrelated jitter spreads as well but needs the previous wait, which the outbox would
//! have to store; full jitter needs only the attempt count it already has.
//!
//! The random source is passed in, so tests are deterministic with a seeded RNG.

use rand::Rng;
use std::time::Duration;

/// Exponential backoff with full jitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
}

impl Backoff {
    /// `base` is the ceiling after the first failure; no wait is ever longer than `cap`
    /// (a `cap` below `base` is raised to `base`).
    pub fn new(base: Duration, cap: Duration) -> Self {
        Self { base, cap: cap.max(base) }
    }

    /// The longest wait after `attempts` failures (`attempts` 0 counts as 1):
    /// `min(cap, base · 2^(attempts-1))`, saturating. Never decreases as `attempts` grows.
    pub fn ceiling(&self, attempts: u32) -> Duration {
        let exp = attempts.saturating_sub(1).min(63);
        let factor = 1_u64 << exp;
        let base_ms = u64::try_from(self.base.as_millis()).unwrap_or(u64::MAX);
        let cap_ms = u64::try_from(self.cap.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(base_ms.saturating_mul(factor).min(cap_ms))
    }

    /// The wait after `attempts` failures: uniform in `[0, ceiling(attempts)]`, to the
    /// millisecond.
    pub fn delay<R: Rng + ?Sized>(&self, attempts: u32, rng: &mut R) -> Duration {
        let ceiling = u64::try_from(self.ceiling(attempts).as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rng.gen_range(0..=ceiling))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn ceilings_double_up_to_the_cap() {
        let b = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
        let ceilings: Vec<u64> = (0..=8).map(|n| b.ceiling(n).as_secs()).collect();
        assert_eq!(ceilings, [1, 1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(b.ceiling(u32::MAX), Duration::from_secs(60));
    }

    #[test]
    fn deterministic_with_a_seeded_rng() {
        let b = Backoff::new(Duration::from_secs(1), Duration::from_secs(3600));
        let run = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            (1..=10).map(|n| b.delay(n, &mut rng)).collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    #[test]
    fn the_jitter_spreads_over_the_whole_window() {
        let b = Backoff::new(Duration::from_millis(1000), Duration::from_millis(1000));
        let mut rng = StdRng::seed_from_u64(42);
        let waits: Vec<u64> = (0..10_000).map(|_| b.delay(5, &mut rng).as_millis() as u64).collect();
        let mean = waits.iter().sum::<u64>() as f64 / waits.len() as f64;
        assert!((450.0..550.0).contains(&mean), "{mean}");
        assert!(waits.iter().any(|w| *w < 50) && waits.iter().any(|w| *w > 950));
    }

    proptest! {
        #[test]
        fn bounded_and_monotone(base in 0u64..100_000, cap in 0u64..10_000_000, n in 0u32..200, seed: u64) {
            let b = Backoff::new(Duration::from_millis(base), Duration::from_millis(cap));
            let mut rng = StdRng::seed_from_u64(seed);
            let ceiling = b.ceiling(n);
            prop_assert!(ceiling <= Duration::from_millis(cap.max(base)));
            prop_assert!(ceiling >= Duration::from_millis(base.min(cap.max(base))));
            prop_assert!(b.ceiling(n + 1) >= ceiling);
            prop_assert!(b.delay(n, &mut rng) <= ceiling);
        }
    }
}
