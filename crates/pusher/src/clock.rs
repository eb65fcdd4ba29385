//! Small clocks: the client-event token bucket and the sleep detector.

use std::time::{Duration, Instant, SystemTime};

/// pusher-js and the Pusher service allow 10 client events per second per connection.
pub(crate) const CLIENT_EVENTS_PER_SECOND: u32 = 10;

/// A token bucket: `capacity` tokens, refilled at `capacity` per second.
#[derive(Debug)]
pub(crate) struct TokenBucket {
    capacity: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    pub(crate) fn new(per_second: u32, now: Instant) -> Self {
        Self {
            capacity: f64::from(per_second),
            tokens: f64::from(per_second),
            last: now,
        }
    }

    pub(crate) fn try_take(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.capacity).min(self.capacity);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// A suspended process sees the wall clock jump while the monotonic clock (which stops during suspend on
/// Linux and macOS) does not: the gap between the two is the time asleep.
#[derive(Debug)]
pub(crate) struct SleepDetector {
    mono: Instant,
    wall: SystemTime,
    threshold: Duration,
}

/// How often the detector looks at the clocks.
pub(crate) const SLEEP_CHECK_INTERVAL: Duration = Duration::from_secs(2);
/// Gap between the clocks that counts as a sleep; NTP slews are far smaller.
pub(crate) const SLEEP_GAP_THRESHOLD: Duration = Duration::from_secs(4);

impl SleepDetector {
    pub(crate) fn new(mono: Instant, wall: SystemTime) -> Self {
        Self {
            mono,
            wall,
            threshold: SLEEP_GAP_THRESHOLD,
        }
    }

    /// The time asleep since the last look, if the process was suspended.
    pub(crate) fn observe(&mut self, mono: Instant, wall: SystemTime) -> Option<Duration> {
        let mono_elapsed = mono.saturating_duration_since(self.mono);
        let wall_elapsed = wall.duration_since(self.wall).unwrap_or_default();
        self.mono = mono;
        self.wall = wall;
        let gap = wall_elapsed.saturating_sub(mono_elapsed);
        (gap >= self.threshold).then_some(gap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_ten_at_once_then_ten_per_second() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(CLIENT_EVENTS_PER_SECOND, start);
        assert_eq!((0..15).filter(|_| bucket.try_take(start)).count(), 10);
        assert!(!bucket.try_take(start + Duration::from_millis(50)));
        assert!(bucket.try_take(start + Duration::from_millis(150)));
        let later = start + Duration::from_secs(5);
        assert_eq!((0..15).filter(|_| bucket.try_take(later)).count(), 10);
    }

    #[test]
    fn a_wall_clock_jump_without_monotonic_time_is_a_sleep() {
        let mono = Instant::now();
        let wall = SystemTime::now();
        let mut detector = SleepDetector::new(mono, wall);
        let step = Duration::from_secs(2);
        assert_eq!(detector.observe(mono + step, wall + step), None);
        let asleep = Duration::from_secs(600);
        assert_eq!(
            detector.observe(mono + step * 2, wall + step * 2 + asleep),
            Some(asleep)
        );
        // A wall clock set back is not a sleep.
        assert_eq!(detector.observe(mono + step * 3, wall), None);
    }
}
