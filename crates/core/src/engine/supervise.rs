//! Background tasks under watch: a task that panics (a bug) is logged with its panic, told to
//! the UI (the status bar says which part of the desk stopped and that it was restarted) and
//! started again after a short pause that grows if it keeps failing; nothing it owned is lost,
//! since every task keeps its state in the store and in the shared handles it is given. A task
//! that ends by itself is done; stopping the desk aborts the watcher and with it the task.

use std::future::Future;
use std::time::Duration;

use tokio::sync::broadcast;
use tokio::task::JoinHandle;

use crate::events::DeskEvent;

const FIRST_PAUSE: Duration = Duration::from_millis(200);
const LONGEST_PAUSE: Duration = Duration::from_secs(30);

/// Aborts the task it holds when dropped (the watcher's own abort reaches the task).
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs `start()` as a task, and again each time it panics. `what` names it for people
/// ("sending replies to guests").
pub(crate) fn supervised<F, Fut>(
    what: &'static str,
    events: broadcast::Sender<DeskEvent>,
    start: F,
) -> JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        let mut restarts = 0u32;
        loop {
            let mut task = AbortOnDrop(tokio::spawn(start()));
            match (&mut task.0).await {
                Ok(()) => return,
                Err(err) if err.is_panic() => {
                    restarts += 1;
                    let panic = panic_text(err.into_panic());
                    tracing::error!(task = what, restarts, %panic, "a background task stopped unexpectedly; restarting it");
                    // No window listening is fine: the log has it.
                    let _ = events.send(DeskEvent::TaskRestarted {
                        task: what.to_owned(),
                        restarts,
                    });
                    let pause = FIRST_PAUSE
                        .saturating_mul(1 << restarts.min(8))
                        .min(LONGEST_PAUSE);
                    tokio::time::sleep(pause).await;
                }
                // Cancelled: the desk is stopping.
                Err(_) => return,
            }
        }
    })
}

fn panic_text(panic: Box<dyn std::any::Any + Send>) -> String {
    match panic.downcast::<String>() {
        Ok(text) => *text,
        Err(panic) => match panic.downcast::<&'static str>() {
            Ok(text) => (*text).to_owned(),
            Err(_) => "a panic without a message".to_owned(),
        },
    }
}

/// Fault hooks for tests (feature `test-support`): a task made to panic on cue, at a point it
/// passes in every turn of its loop.
pub mod faults {
    #[cfg(feature = "test-support")]
    static ARMED: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());

    /// Makes the task named `task` ("chat_sender", "sync") panic the next time it passes its
    /// fault point.
    #[cfg(feature = "test-support")]
    pub fn panic_next(task: &'static str) {
        ARMED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(task);
    }

    /// The fault point of `task`: panics when a test armed it; nothing in the app's build.
    #[inline]
    pub(crate) fn point(task: &'static str) {
        #[cfg(feature = "test-support")]
        {
            let armed = {
                let mut armed = ARMED
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let position = armed.iter().position(|t| *t == task);
                position.map(|i| armed.remove(i))
            };
            if let Some(task) = armed {
                panic!("a fault injected into {task} by a test");
            }
        }
        #[cfg(not(feature = "test-support"))]
        let _ = task;
    }
}
