//! Time-based one-time codes (RFC 6238) as AWS's virtual MFA devices produce them:
//! HMAC-SHA1, 6 digits, 30-second steps; and the rules iamd checks them by.
//!
//! A device's [`CodeClock`] is what the store keeps about its codes: the newest time
//! step accepted (a code is good once, so only later steps are accepted afterwards),
//! the device's clock offset learnt by resynchronisation, and the recent failures that
//! throttle guessing.
use totp_rs::{Algorithm, Secret, TOTP};
use zeroize::Zeroizing;

use crate::model::CodeCheck;
use crate::time::Timestamp;

/// Seconds per time step.
pub const STEP_SECONDS: i64 = 30;
/// Digits per code.
pub const DIGITS: usize = 6;
/// Seed size: AWS hands out 64 base32 characters, which is 40 bytes.
pub const SEED_BYTES: usize = 40;
/// Steps either side of the expected one a sign-in code may come from (clock skew and
/// the time it takes to type it).
pub const VERIFY_WINDOW: i64 = 1;
/// Steps back (and forward) the two codes of `EnableMFADevice` may come from: they are
/// often read off a phone a few minutes before the request is sent.
pub const ENABLE_WINDOW: i64 = 10;
/// Steps either side `ResyncMFADevice` searches: a device whose clock drifted far.
pub const RESYNC_WINDOW: i64 = 60;
/// Wrong codes tolerated per device within [`FAILURE_WINDOW_MS`]; beyond, every code
/// is refused until the window ends, so six digits cannot be guessed online.
pub const MAX_FAILURES: u32 = 5;
pub const FAILURE_WINDOW_MS: i64 = 5 * 60 * 1000;

/// The time step `now` falls in.
pub fn step_of(now: Timestamp) -> i64 {
    now.epoch_seconds().div_euclid(STEP_SECONDS)
}

/// The seed in the base32 form authenticator apps and `Base32StringSeed` use.
pub fn base32_seed(seed: &[u8]) -> String {
    Secret::Raw(seed.to_vec()).to_encoded().to_string()
}

/// Computes a device's codes.
pub struct CodeGenerator {
    totp: TOTP,
}

impl CodeGenerator {
    pub fn new(seed: &Zeroizing<Vec<u8>>) -> Self {
        // new_unchecked: the seed is ours (40 random bytes), not user input.
        CodeGenerator {
            totp: TOTP::new_unchecked(
                Algorithm::SHA1,
                DIGITS,
                0,
                STEP_SECONDS as u64,
                seed.to_vec(),
            ),
        }
    }

    /// The code of time step `step` (`None` before 1970).
    pub fn code(&self, step: i64) -> Option<String> {
        let seconds = u64::try_from(step.checked_mul(STEP_SECONDS)?).ok()?;
        Some(self.totp.generate(seconds))
    }

    fn matches(&self, step: i64, code: &str) -> bool {
        self.code(step)
            .is_some_and(|expected| constant_time_eq(expected.as_bytes(), code.as_bytes()))
    }
}

/// Compares without an early exit, so timing does not tell how many digits matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What the store keeps about a device's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CodeClock {
    /// The newest time step accepted; its code and older ones are never accepted again.
    pub last_step: i64,
    /// The device's clock offset in steps, learnt by resynchronisation.
    pub drift: i64,
    /// Wrong codes since `failures_since_ms`.
    pub failures: u32,
    pub failures_since_ms: i64,
}

impl CodeClock {
    /// Whether codes are refused for now because of recent failures.
    pub fn throttled(&self, now: Timestamp) -> bool {
        self.failures >= MAX_FAILURES && now.millis() - self.failures_since_ms < FAILURE_WINDOW_MS
    }

    fn record_failure(&mut self, now: Timestamp) {
        if now.millis() - self.failures_since_ms >= FAILURE_WINDOW_MS {
            self.failures = 0;
            self.failures_since_ms = now.millis();
        }
        self.failures = self.failures.saturating_add(1);
    }

    fn accept(&mut self, step: i64) {
        self.last_step = step;
        self.failures = 0;
    }

    /// Checks one sign-in code. Accepting it uses up its time step.
    pub fn check_code(&mut self, codes: &CodeGenerator, code: &str, now: Timestamp) -> CodeCheck {
        if self.throttled(now) {
            return CodeCheck::Throttled;
        }
        let expected = step_of(now) + self.drift;
        let found = (expected - VERIFY_WINDOW..=expected + VERIFY_WINDOW)
            .filter(|&step| step > self.last_step)
            .find(|&step| codes.matches(step, code));
        match found {
            Some(step) => {
                self.accept(step);
                CodeCheck::Accepted
            }
            None => {
                self.record_failure(now);
                CodeCheck::Invalid
            }
        }
    }

    /// Checks two consecutive codes within `window` steps of `now`. With `learn_drift`
    /// the device's offset becomes where they were found (resynchronisation); enabling
    /// keeps no offset, because its codes are usually old rather than from a fast clock.
    pub fn check_pair(
        &mut self,
        codes: &CodeGenerator,
        (first, second): (&str, &str),
        now: Timestamp,
        window: i64,
        learn_drift: bool,
    ) -> CodeCheck {
        if self.throttled(now) {
            return CodeCheck::Throttled;
        }
        let current = step_of(now);
        let found = (current - window..=current + window)
            .filter(|&step| step > self.last_step)
            .find(|&step| codes.matches(step, first) && codes.matches(step + 1, second));
        match found {
            Some(step) => {
                self.accept(step + 1);
                if learn_drift {
                    self.drift = step + 1 - current;
                }
                CodeCheck::Accepted
            }
            None => {
                self.record_failure(now);
                CodeCheck::Invalid
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generator(seed: &[u8]) -> CodeGenerator {
        CodeGenerator::new(&Zeroizing::new(seed.to_vec()))
    }

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_millis(seconds * 1000)
    }

    #[test]
    fn rfc6238_sha1_vectors() {
        // RFC 6238 appendix B, SHA-1, last six digits.
        let codes = generator(b"12345678901234567890");
        for (seconds, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(codes.code(seconds / STEP_SECONDS).as_deref(), Some(code));
        }
    }

    #[test]
    fn base32_of_a_seed() {
        assert_eq!(
            base32_seed(b"12345678901234567890"),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
        assert_eq!(base32_seed(&[0u8; SEED_BYTES]).len(), 64);
    }

    #[test]
    fn a_code_is_accepted_once() {
        let codes = generator(b"12345678901234567890");
        let now = at(1_700_000_000);
        let code = codes.code(step_of(now)).unwrap();
        let mut clock = CodeClock::default();
        assert_eq!(clock.check_code(&codes, &code, now), CodeCheck::Accepted);
        assert_eq!(clock.check_code(&codes, &code, now), CodeCheck::Invalid);
        // The previous step's code is older than the one used: refused too.
        let previous = codes.code(step_of(now) - 1).unwrap();
        assert_eq!(clock.check_code(&codes, &previous, now), CodeCheck::Invalid);
        let next = codes.code(step_of(now) + 1).unwrap();
        assert_eq!(
            clock.check_code(&codes, &next, at(1_700_000_030)),
            CodeCheck::Accepted
        );
    }

    #[test]
    fn codes_outside_the_window_are_refused() {
        let codes = generator(b"12345678901234567890");
        let now = at(1_700_000_000);
        let mut clock = CodeClock::default();
        let old = codes.code(step_of(now) - 2).unwrap();
        assert_eq!(clock.check_code(&codes, &old, now), CodeCheck::Invalid);
        let skewed = codes.code(step_of(now) - 1).unwrap();
        assert_eq!(clock.check_code(&codes, &skewed, now), CodeCheck::Accepted);
    }

    #[test]
    fn failures_throttle_until_the_window_ends() {
        let codes = generator(b"12345678901234567890");
        let now = at(1_700_000_000);
        let mut clock = CodeClock::default();
        let wrong = if codes.code(step_of(now)).as_deref() == Some("000000") {
            "111111"
        } else {
            "000000"
        };
        for _ in 0..MAX_FAILURES {
            assert_eq!(clock.check_code(&codes, wrong, now), CodeCheck::Invalid);
        }
        let good = codes.code(step_of(now)).unwrap();
        assert_eq!(clock.check_code(&codes, &good, now), CodeCheck::Throttled);
        let later = Timestamp::from_millis(now.millis() + FAILURE_WINDOW_MS);
        let good_later = codes.code(step_of(later)).unwrap();
        assert_eq!(
            clock.check_code(&codes, &good_later, later),
            CodeCheck::Accepted
        );
        assert_eq!(clock.failures, 0);
    }

    #[test]
    fn pairs_must_be_consecutive_and_resync_learns_the_offset() {
        let codes = generator(b"12345678901234567890");
        let now = at(1_700_000_000);
        let s = step_of(now);
        let c = |step| codes.code(step).unwrap();
        let mut clock = CodeClock::default();
        assert_eq!(
            clock.check_pair(&codes, (&c(s), &c(s + 2)), now, ENABLE_WINDOW, false),
            CodeCheck::Invalid
        );
        assert_eq!(
            clock.check_pair(&codes, (&c(s - 4), &c(s - 3)), now, ENABLE_WINDOW, false),
            CodeCheck::Accepted
        );
        assert_eq!((clock.last_step, clock.drift), (s - 3, 0));
        // A device running 20 steps fast: resync finds it and later codes follow.
        assert_eq!(
            clock.check_pair(&codes, (&c(s + 20), &c(s + 21)), now, RESYNC_WINDOW, true),
            CodeCheck::Accepted
        );
        assert_eq!(clock.drift, 21);
        let later = at(1_700_000_030);
        assert_eq!(
            clock.check_code(&codes, &c(step_of(later) + 21), later),
            CodeCheck::Accepted
        );
    }
}
