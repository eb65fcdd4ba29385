//! A message said again and again: the same target, level and words (whatever its fields, which
//! a storm varies: a byte count, a position in a frame) written [`REPEATS_WRITTEN`] times within
//! [`REPEAT_WINDOW`] is then only counted, and the count said once, in one line, when the window
//! is over. A reconnect storm or a flood of junk frames is a handful of lines a minute, not
//! 21 MB (issue 63.6); the first few keep what differed between them.

use std::collections::hash_map::{DefaultHasher, Entry};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, Layer};

/// How long a message's repeats are counted before the count is said.
pub const REPEAT_WINDOW: Duration = Duration::from_secs(60);
/// How many times a message is written in full within [`REPEAT_WINDOW`]: a few, so that a test
/// or a person waiting for the next one of an occasional line still sees it, and what differed
/// between the first few is kept.
pub const REPEATS_WRITTEN: u32 = 5;
/// How many different messages are followed at once; past this (a storm of messages that all
/// differ) new ones are written untracked, and the files' own ceiling holds.
const FOLLOWED_MESSAGES: usize = 1024;
/// How much of a message's words its count line repeats.
const WORDS_KEPT: usize = 200;

/// A [`Layer`] that turns repeats off for every other layer once a message was written
/// [`REPEATS_WRITTEN`] times in [`REPEAT_WINDOW`], and writes their count to `W` when the window
/// is over (with the next line logged, whatever it is). Its clock is `C` (tests drive one).
pub struct Repeats<W, C = fn() -> Instant> {
    writer: W,
    now: C,
    followed: Mutex<HashMap<u64, Followed>>,
}

/// One message within its window.
struct Followed {
    since: Instant,
    written: u32,
    unwritten: u64,
    level: Level,
    target: &'static str,
    words: String,
}

impl<W> Repeats<W> {
    /// Counts repeats on the computer's clock, writing the counts to `writer`.
    pub fn new(writer: W) -> Self {
        Self::with_clock(writer, Instant::now)
    }
}

impl<W, C: Fn() -> Instant> Repeats<W, C> {
    /// Counts repeats on the clock `now`, writing the counts to `writer`.
    pub fn with_clock(writer: W, now: C) -> Self {
        Self {
            writer,
            now,
            followed: Mutex::new(HashMap::new()),
        }
    }
}

impl<W, C> Repeats<W, C>
where
    W: for<'w> MakeWriter<'w>,
{
    /// The messages whose window is over leave, their uncounted repeats said.
    fn close_windows(&self, followed: &mut HashMap<u64, Followed>, now: Instant) {
        followed.retain(|_, message| {
            let open = now.saturating_duration_since(message.since) < REPEAT_WINDOW;
            if !open && message.unwritten > 0 {
                let line = format!(
                    "{} {:>5} {}: {} [said {} more times in the last {} s]\n",
                    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.6fZ"),
                    message.level,
                    message.target,
                    message.words,
                    message.unwritten,
                    REPEAT_WINDOW.as_secs()
                );
                let _ = self.writer.make_writer().write_all(line.as_bytes());
            }
            open
        });
    }
}

impl<S, W, C> Layer<S> for Repeats<W, C>
where
    S: Subscriber,
    W: for<'w> MakeWriter<'w> + 'static,
    C: Fn() -> Instant + Send + Sync + 'static,
{
    fn event_enabled(&self, event: &Event<'_>, _: Context<'_, S>) -> bool {
        let now = (self.now)();
        let mut words = Words::default();
        event.record(&mut words);
        let meta = event.metadata();
        let mut hasher = DefaultHasher::new();
        (meta.target(), meta.level().as_str(), &words.0).hash(&mut hasher);
        // A panic while counting leaves a count at worst one off: go on counting.
        let mut followed = self.followed.lock().unwrap_or_else(|e| e.into_inner());
        self.close_windows(&mut followed, now);
        let full = followed.len() >= FOLLOWED_MESSAGES;
        match followed.entry(hasher.finish()) {
            Entry::Occupied(mut seen) => {
                let seen = seen.get_mut();
                if seen.written < REPEATS_WRITTEN {
                    seen.written += 1;
                    true
                } else {
                    seen.unwritten += 1;
                    false
                }
            }
            Entry::Vacant(_) if full => true,
            Entry::Vacant(new) => {
                let mut words = words.0;
                if let Some((cut, _)) = words.char_indices().nth(WORDS_KEPT) {
                    words.truncate(cut);
                }
                new.insert(Followed {
                    since: now,
                    written: 1,
                    unwritten: 0,
                    level: *meta.level(),
                    target: meta.target(),
                    words,
                });
                true
            }
        }
    }
}

/// An event's words: its `message` field.
#[derive(Default)]
struct Words(String);

impl Visit for Words {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0.push_str(value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logging::LogFiles;
    use std::sync::Arc;
    use tracing_subscriber::layer::SubscriberExt;

    /// Issue 63.6: a message said 10,000 times in a minute, with fields that differ each time,
    /// is written five times and counted once when the minute is over; other lines meanwhile
    /// are written as ever, and after the count the message is written again.
    #[test]
    fn a_message_said_again_and_again_is_written_a_few_times_then_counted() {
        let dir = tempfile::tempdir().unwrap();
        let log = LogFiles::new(dir.path(), 10 * 1024 * 1024, 2);
        let start = Instant::now();
        let clock = Arc::new(Mutex::new(start));
        let now = {
            let clock = clock.clone();
            move || *clock.lock().unwrap()
        };
        let subscriber = tracing_subscriber::registry()
            .with(Repeats::with_clock(log.clone(), now))
            .with(super::super::fmt_layer(log));
        tracing::subscriber::with_default(subscriber, || {
            for n in 0..10_000 {
                tracing::warn!(n, "a frame that is not a Pusher message was dropped");
                if n == 5_000 {
                    tracing::info!("a colleague's offer was saved");
                }
            }
            *clock.lock().unwrap() = start + REPEAT_WINDOW + Duration::from_secs(1);
            tracing::info!("the connection is back");
            tracing::warn!(
                n = 10_000,
                "a frame that is not a Pusher message was dropped"
            );
        });
        let text = std::fs::read_to_string(dir.path().join("desk.log")).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let dropped = |line: &&&str| line.contains("a frame that is not a Pusher message");
        assert_eq!(lines.iter().filter(dropped).count(), 5 + 1 + 1, "{text}");
        assert!(lines[..5].iter().all(|line| dropped(&line)));
        assert!(
            lines[0].contains("n=0") && lines[4].contains("n=4"),
            "{text}"
        );
        assert!(lines[5].contains("a colleague's offer was saved"), "{text}");
        assert!(
            lines[6].contains("WARN")
                && lines[6].ends_with("[said 9995 more times in the last 60 s]"),
            "{text}"
        );
        assert!(lines[7].contains("the connection is back"), "{text}");
        assert!(lines[8].contains("n=10000"), "{text}");
        assert_eq!(lines.len(), 9, "{text}");
    }
}
