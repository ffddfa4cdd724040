//! A circuit breaker for a failing dependency (the visitor store): after `threshold` consecutive
//! failures the dependency is skipped for `cool_down`; then one call is let through (half-open):
//! success closes the breaker, failure opens it again. Time is passed in, so this is pure.

use std::time::{Duration, Instant};

/// Breaker settings; `threshold == 0` disables the breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerSettings {
    pub threshold: u32,
    pub cool_down: Duration,
}

impl Default for BreakerSettings {
    fn default() -> Self {
        BreakerSettings { threshold: 3, cool_down: Duration::from_secs(30) }
    }
}

/// What changed on a recorded outcome (so the caller logs once per transition).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    None,
    Opened,
    Closed,
}

#[derive(Debug, Clone, Default)]
pub struct Breaker {
    consecutive_failures: u32,
    open_until: Option<Instant>,
    /// True once the breaker has opened and not yet closed again.
    tripped: bool,
}

impl Breaker {
    /// Whether a call may go through now (closed, or half-open after the cool-down).
    pub fn allows(&self, now: Instant) -> bool {
        self.open_until.is_none_or(|until| now >= until)
    }

    /// Records a call's outcome.
    pub fn record(&mut self, success: bool, now: Instant, settings: &BreakerSettings) -> Transition {
        if settings.threshold == 0 {
            return Transition::None;
        }
        if success {
            self.consecutive_failures = 0;
            self.open_until = None;
            return if std::mem::take(&mut self.tripped) { Transition::Closed } else { Transition::None };
        }
        self.consecutive_failures = self.consecutive_failures.saturating_add(1);
        if self.tripped {
            // a failed half-open probe: stay open for another period (already logged)
            self.open_until = Some(now + settings.cool_down);
            return Transition::None;
        }
        if self.consecutive_failures >= settings.threshold {
            self.tripped = true;
            self.open_until = Some(now + settings.cool_down);
            return Transition::Opened;
        }
        Transition::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_threshold_then_half_opens_and_closes() {
        let s = BreakerSettings { threshold: 3, cool_down: Duration::from_secs(10) };
        let t0 = Instant::now();
        let mut b = Breaker::default();
        assert_eq!(b.record(false, t0, &s), Transition::None);
        assert_eq!(b.record(false, t0, &s), Transition::None);
        assert!(b.allows(t0));
        assert_eq!(b.record(false, t0, &s), Transition::Opened);
        assert!(!b.allows(t0 + Duration::from_secs(9)));
        assert!(b.allows(t0 + Duration::from_secs(10)));
        // failed probe: open again, no second "opened" log
        assert_eq!(b.record(false, t0 + Duration::from_secs(10), &s), Transition::None);
        assert!(!b.allows(t0 + Duration::from_secs(19)));
        assert_eq!(b.record(true, t0 + Duration::from_secs(20), &s), Transition::Closed);
        assert!(b.allows(t0 + Duration::from_secs(20)));
        assert_eq!(b.record(true, t0 + Duration::from_secs(21), &s), Transition::None);
    }

    #[test]
    fn success_resets_the_count_and_zero_threshold_disables() {
        let s = BreakerSettings { threshold: 2, cool_down: Duration::from_secs(1) };
        let t = Instant::now();
        let mut b = Breaker::default();
        b.record(false, t, &s);
        b.record(true, t, &s);
        assert_eq!(b.record(false, t, &s), Transition::None);
        let off = BreakerSettings { threshold: 0, ..s };
        let mut b = Breaker::default();
        for _ in 0..10 {
            assert_eq!(b.record(false, t, &off), Transition::None);
        }
        assert!(b.allows(t));
    }
}
