//! Warnings a server's frames cause, kept to a few lines a minute: a server can send thousands of
//! junk frames a second, and a line for each grew a desk's log 21 MB a minute (issue 63.6). Each
//! kind is written [`FRAME_WARNINGS_WRITTEN`] times within [`FRAME_WARNING_WINDOW`]; the rest
//! are counted, and the count said in one line when the window is over or the connection ends.
//! What the frames mean for listeners (e.g. [`crate::FRAME_DROPPED`], told for every one) is
//! not changed: only the log is.

use std::time::Duration;

use tokio::time::Instant;

/// How many warnings of one kind are written within [`FRAME_WARNING_WINDOW`].
pub(crate) const FRAME_WARNINGS_WRITTEN: u32 = 3;
/// How long the warnings of one kind are counted before the count is said.
pub(crate) const FRAME_WARNING_WINDOW: Duration = Duration::from_secs(60);

/// `tracing::warn!` with the rest of the arguments, unless warnings of `kind` were written
/// [`FRAME_WARNINGS_WRITTEN`] times lately in `warnings` (then it is only counted).
macro_rules! frame_warn {
    ($warnings:expr, $kind:expr, $($arg:tt)+) => {
        if $warnings.admit($kind) {
            tracing::warn!($($arg)+);
        }
    };
}
pub(crate) use frame_warn;

/// A kind of warning a server's frame causes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FrameWarning {
    /// A text frame that is not a Pusher message.
    NotPusher,
    /// A binary frame (Pusher sends text only).
    Binary,
    /// A `pusher:error` frame.
    ServerError,
    /// A subscription the server refused.
    SubscriptionFailed,
    /// An encrypted event that could not be read (no key, or still not after a new one).
    Undecryptable,
    /// A sign-in answer without a user.
    SigninWithoutUser,
}

impl FrameWarning {
    /// The kind in the count's words.
    fn what(self) -> &'static str {
        match self {
            Self::NotPusher => "frames that are not Pusher messages dropped",
            Self::Binary => "binary frames ignored",
            Self::ServerError => "pusher errors from the server",
            Self::SubscriptionFailed => "subscriptions refused",
            Self::Undecryptable => "encrypted events dropped",
            Self::SigninWithoutUser => "sign-in answers without a user ignored",
        }
    }
}

/// One kind's window.
#[derive(Debug)]
struct Window {
    kind: FrameWarning,
    since: Instant,
    written: u32,
    unwritten: u64,
}

/// The connection's frame warnings (one per connection task).
#[derive(Debug, Default)]
pub(crate) struct FrameWarnings {
    windows: Vec<Window>,
}

impl FrameWarnings {
    /// Whether a warning of `kind` is written now; if not, it is counted.
    pub(crate) fn admit(&mut self, kind: FrameWarning) -> bool {
        let now = Instant::now();
        self.windows.retain(|window| {
            let open = now.saturating_duration_since(window.since) < FRAME_WARNING_WINDOW;
            if !open {
                say(window);
            }
            open
        });
        match self.windows.iter_mut().find(|window| window.kind == kind) {
            Some(window) if window.written < FRAME_WARNINGS_WRITTEN => {
                window.written += 1;
                true
            }
            Some(window) => {
                window.unwritten += 1;
                false
            }
            None => {
                self.windows.push(Window {
                    kind,
                    since: now,
                    written: 1,
                    unwritten: 0,
                });
                true
            }
        }
    }

    /// Says every count still unsaid (the connection ended).
    pub(crate) fn say_all(&mut self) {
        for window in self.windows.drain(..) {
            say(&window);
        }
    }
}

fn say(window: &Window) {
    if window.unwritten > 0 {
        tracing::warn!(
            count = window.unwritten,
            seconds = window.since.elapsed().as_secs(),
            "{} and not logged one by one",
            window.kind.what()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_kind_is_written_a_few_times_a_window_and_each_kind_apart() {
        let mut warnings = FrameWarnings::default();
        let written = (0..1000)
            .filter(|_| warnings.admit(FrameWarning::NotPusher))
            .count();
        assert_eq!(written, FRAME_WARNINGS_WRITTEN as usize);
        assert!(
            warnings.admit(FrameWarning::Binary),
            "another kind has its own"
        );
        tokio::time::advance(FRAME_WARNING_WINDOW).await;
        assert!(warnings.admit(FrameWarning::NotPusher), "a new window");
        assert_eq!(
            warnings.windows.len(),
            1,
            "the old windows were said and closed"
        );
    }
}
