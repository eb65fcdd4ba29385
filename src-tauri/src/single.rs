//! One desk per data folder: a second launch hands its arguments to the running desk (which
//! shows its window, or the reception display for `--display`) and ends. Two desks on one
//! computer (`HOTELMATE_DATA_DIR`) each keep their own. A Unix socket in the data folder; a
//! stale one (the desk was killed) is replaced.
//!
//! The running desk answers each hand-over ("ok"). Without the answer, a launch in the moment
//! a desk was ending (killed, crashed) handed its arguments to a socket the kernel still held
//! open for the dying process, and ended too: the person's double-click opened nothing. Now a
//! hand-over whose connection is reset (the desk went before reading it) is tried again; once
//! nothing listens any more, this launch is the desk.

use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

/// What the start-up should do.
pub enum Instance {
    /// This is the desk: listen for later launches.
    First(Option<std::os::unix::net::UnixListener>),
    /// A desk is already running and has the arguments: end.
    Handed,
}

const SOCKET_NAME: &str = "desk.sock";
/// The running desk's answer to a hand-over.
const TAKEN: &[u8] = b"ok\n";
/// How long a running desk may take to answer a hand-over. One that is alive but does not
/// answer in time (busy, or an older desk that does not answer) is left to show itself, as
/// before the answer existed: two desks on one data folder would be worse.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(3);
/// A dying desk's socket is closed within moments; this is how often, and how many times, a
/// hand-over that met the end of one is tried again before this launch takes over anyway.
const RETRY_EVERY: Duration = Duration::from_millis(50);
const RETRIES: usize = 40;

/// How one attempt to hand the arguments over went.
#[derive(Debug, PartialEq)]
enum Handover {
    /// The running desk has them.
    Taken,
    /// Nothing listens: no desk runs here.
    NoDesk,
    /// The connection was reset: the socket's desk ended before it read the arguments (the
    /// kernel had queued the connection for a listener that is gone).
    Ending,
    /// A desk holds the socket and did not answer in time.
    Silent,
}

pub fn claim(data_dir: &Path, args: &[String]) -> Instance {
    let path = data_dir.join(SOCKET_NAME);
    for _ in 0..RETRIES {
        match hand_over(&path, args) {
            Handover::Taken => return Instance::Handed,
            Handover::Silent => {
                tracing::warn!("the running desk did not answer; leaving it to show itself");
                return Instance::Handed;
            }
            Handover::NoDesk => break,
            Handover::Ending => std::thread::sleep(RETRY_EVERY),
        }
    }
    // Nobody answers: the file (if any) was left by a desk that was killed.
    let _ = std::fs::remove_file(&path);
    match std::os::unix::net::UnixListener::bind(&path) {
        Ok(listener) => Instance::First(Some(listener)),
        Err(error) => {
            tracing::warn!(%error, "a second launch will open a second window");
            Instance::First(None)
        }
    }
}

/// Gives the running desk (if any) the arguments and waits for its answer.
fn hand_over(path: &Path, args: &[String]) -> Handover {
    let Ok(mut running) = std::os::unix::net::UnixStream::connect(path) else {
        return Handover::NoDesk;
    };
    let sent = running
        .write_all(args.join("\n").as_bytes())
        .and_then(|()| running.shutdown(std::net::Shutdown::Write))
        .and_then(|()| running.set_read_timeout(Some(ANSWER_TIMEOUT)));
    if sent.is_err() {
        return Handover::Ending;
    }
    let mut answer = Vec::new();
    match running.take(TAKEN.len() as u64).read_to_end(&mut answer) {
        Ok(_) if answer == TAKEN => Handover::Taken,
        // Read to the end and closed without a word: a desk from before the answer existed
        // (the package was updated while it ran). It shows itself, as it always did; taking
        // its place would make two desks of one data folder.
        Ok(_) => Handover::Taken,
        Err(error)
            if matches!(
                error.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            Handover::Silent
        }
        Err(_) => Handover::Ending,
    }
}

/// The desk is quitting: later launches start a desk of their own instead of handing over to
/// this one (which would not show anything any more).
pub fn release(data_dir: &Path) {
    let _ = std::fs::remove_file(data_dir.join(SOCKET_NAME));
}

/// Serves later launches: each shows the window its arguments ask for.
pub fn listen(listener: std::os::unix::net::UnixListener, app: tauri::AppHandle) {
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut args = String::new();
            if stream.read_to_string(&mut args).is_err() {
                continue;
            }
            // Said before the window is shown (which takes a moment): the launch may end now.
            let _ = stream.write_all(TAKEN);
            drop(stream);
            let wants_display = args.lines().any(|a| a == "--display");
            tracing::info!(wants_display, "another launch asked for this desk");
            if wants_display {
                if let Err(error) = crate::kiosk::open(&app) {
                    tracing::warn!(%error, "the reception display cannot open");
                }
            } else {
                crate::kiosk::show_desk(&app);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixListener;

    fn args() -> Vec<String> {
        vec!["hotelmate-desk".into(), "--display".into()]
    }

    /// A running desk at `dir`'s socket that reads one launch's arguments, answers with
    /// `answer` (nothing: a desk from before the answer), and gives back what it read.
    fn running_desk(dir: &Path, answer: &'static [u8]) -> std::thread::JoinHandle<String> {
        let listener = UnixListener::bind(dir.join(SOCKET_NAME)).unwrap();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut got = String::new();
            stream.read_to_string(&mut got).unwrap();
            stream.write_all(answer).unwrap();
            got
        })
    }

    /// A running desk takes the arguments and answers: the launch ends, the desk has them.
    #[test]
    fn a_launch_hands_its_arguments_to_the_running_desk() {
        let dir = tempfile::tempdir().unwrap();
        let desk = running_desk(dir.path(), TAKEN);
        assert!(matches!(claim(dir.path(), &args()), Instance::Handed));
        assert_eq!(desk.join().unwrap(), "hotelmate-desk\n--display");
    }

    /// The race seen in a test run: the desk was killed, the kernel still held its socket open
    /// for a moment and queued the launch's connection, and the launch ended with nothing
    /// opened. Here the "dying desk" takes the connection and ends without reading it (the
    /// launch's connection is reset, as when a listener goes with connections queued); the
    /// launch becomes the desk.
    #[test]
    fn a_launch_in_the_moment_a_desk_ends_becomes_the_desk() {
        let dir = tempfile::tempdir().unwrap();
        let listener = UnixListener::bind(dir.path().join(SOCKET_NAME)).unwrap();
        let dying = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            drop(stream);
            drop(listener);
        });
        let instance = claim(dir.path(), &args());
        dying.join().unwrap();
        assert!(
            matches!(instance, Instance::First(Some(_))),
            "the launch listens as the desk now"
        );
    }

    /// A desk from before the answer (still running while the package was updated) reads the
    /// arguments and closes without a word: it has them, and the launch ends as it always did.
    #[test]
    fn a_desk_that_reads_and_says_nothing_keeps_the_data_folder() {
        let dir = tempfile::tempdir().unwrap();
        let older = running_desk(dir.path(), b"");
        assert!(matches!(claim(dir.path(), &args()), Instance::Handed));
        assert_eq!(older.join().unwrap(), "hotelmate-desk\n--display");
    }

    /// A socket file left by a desk killed earlier: nothing listens, the launch is the desk.
    #[test]
    fn a_socket_left_by_a_killed_desk_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        drop(UnixListener::bind(dir.path().join(SOCKET_NAME)).unwrap());
        assert!(dir.path().join(SOCKET_NAME).exists());
        assert!(matches!(
            claim(dir.path(), &args()),
            Instance::First(Some(_))
        ));
    }
}
