//! A computer of its own for each app installation the tests start ([`crate::AppProfile`]): its
//! own X display (Xvfb), its own session bus, an unlocked GNOME Keyring on it, the `dunst`
//! notification daemon and a `dbus-monitor` writing that computer's toasts to its own log.
//!
//! Two window tests then share nothing but the processor: a toast one desk shows is in its own
//! computer's log only, a stand-in for the screensaver service owns its name on one bus, and
//! so the window tests can run side by side (`.config/nextest.toml`). A test with two desks has
//! two computers, as a hotel has, and asks each which toasts it showed.
//!
//! Started inside the private desktop session of `cargo xtask test`, which puts the programs
//! on the path (`cargo xtask setup` installs them: xvfb, dbus, gnome-keyring, dunst).

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the computer's daemons may take to come up before the test fails.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// The screen: the test session's own size (a 4K screen either way round).
const SCREEN: &str = "3840x3840x24";
const KEYRING_PASSWORD: &str = "hotelmate-test-machine";

/// One test computer's display, bus and daemons; all stopped when it is dropped.
pub struct Machine {
    /// Its runtime and data folders (the keyring's file among them).
    _home: tempfile::TempDir,
    /// What a program started on this computer needs in its environment.
    env: Vec<(String, String)>,
    bus: String,
    notifications: PathBuf,
    /// Stopped in reverse: the monitor and the notification daemon, then the bus, then the display.
    daemons: Vec<Child>,
    keyring_pid: Option<String>,
    /// The process group of every daemon and of what the bus starts for the app (the
    /// accessibility bus, say): the display's process id.
    group: u32,
}

impl Machine {
    /// Starts the display, the bus and the daemons on it, and waits until each answers.
    pub fn start() -> Self {
        let home = tempfile::Builder::new()
            .prefix("hotelmate-machine-")
            .tempdir()
            .unwrap();
        let runtime = home.path().join("runtime");
        let data = home.path().join("data");
        for dir in [&runtime, &data] {
            std::fs::create_dir_all(dir).unwrap();
        }
        private(&runtime);

        let mut daemons = Vec::new();
        // Every daemon in one process group of its own, led by the display. What the bus
        // starts on the app's behalf (the accessibility bus and its registry) is in it too and
        // is ended with it: left in the test's group, those outlived the test for a moment and
        // nextest called the test leaky.
        let (display, line) = first_line(
            Command::new("Xvfb")
                .args([
                    "-displayfd",
                    "1",
                    "-nolisten",
                    "tcp",
                    "-screen",
                    "0",
                    SCREEN,
                ])
                .process_group(0),
            "Xvfb (the computer's display)",
        );
        let group = display.id();
        let in_group = i32::try_from(group).unwrap();
        daemons.push(display);
        let display = format!(":{}", line.trim());
        let (bus_daemon, bus) = first_line(
            Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--print-address=1"])
                .process_group(in_group),
            "dbus-daemon (the computer's session bus)",
        );
        daemons.push(bus_daemon);
        let bus = bus.trim().to_owned();
        let mut env = vec![
            ("DISPLAY".to_owned(), display),
            ("DBUS_SESSION_BUS_ADDRESS".to_owned(), bus.clone()),
            ("XDG_RUNTIME_DIR".to_owned(), runtime.display().to_string()),
            ("XDG_DATA_HOME".to_owned(), data.display().to_string()),
        ];
        let keyring = start_keyring(&env, in_group);
        let keyring_pid = keyring
            .iter()
            .find(|(key, _)| key == "GNOME_KEYRING_PID")
            .map(|(_, pid)| pid.clone());
        env.extend(keyring);

        let notifications = home.path().join("notifications.log");
        daemons.push(
            Command::new("dbus-monitor")
                .args([
                    "--address",
                    &bus,
                    "interface='org.freedesktop.Notifications'",
                ])
                .process_group(in_group)
                .stdin(Stdio::null())
                .stdout(std::fs::File::create(&notifications).unwrap())
                .stderr(Stdio::null())
                .spawn()
                .expect("dbus-monitor starts (run inside `cargo xtask test`)"),
        );
        daemons.push(
            Command::new("dunst")
                .envs(env.iter().map(|(k, v)| (k, v)))
                .process_group(in_group)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("dunst starts (run inside `cargo xtask test`)"),
        );
        let machine = Self {
            _home: home,
            env,
            bus,
            notifications,
            daemons,
            keyring_pid,
            group,
        };
        // The monitor says it is listening before anything else it logs; the notification
        // daemon owns its name on the bus. A toast sent before either would be lost or unseen.
        machine.until_ready("dbus-monitor logs the bus", || {
            std::fs::metadata(&machine.notifications).is_ok_and(|m| m.len() > 0)
        });
        machine.until_ready("dunst owns the notifications service", || {
            machine.name_has_owner("org.freedesktop.Notifications")
        });
        machine.until_ready("the keyring owns the secrets service", || {
            machine.name_has_owner("org.freedesktop.secrets")
        });
        machine
    }

    /// Stops this computer's keyring (its Secret Service), as when GNOME Keyring crashes or is
    /// restarted: the daemon that owns the service on the bus is killed. (The bus may start a
    /// new one, locked, at the next request, as a desktop's bus does: `org.freedesktop.secrets`
    /// is D-Bus activated.)
    pub fn stop_keyring(&mut self) {
        let Some(pid) = self.owner_pid("org.freedesktop.secrets") else {
            return;
        };
        let _ = Command::new("kill").args(["-KILL", &pid]).status();
        let proc = PathBuf::from(format!("/proc/{pid}"));
        self.until_ready("the keyring is stopped", || {
            std::fs::read_to_string(proc.join("stat")).map_or(true, |stat| {
                stat.rsplit_once(')')
                    .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
            })
        });
    }

    /// Starts this computer's keyring again on the same keyring file, unlocked as at the start
    /// (a person's login keyring, opened again by their session). It returns once the daemon
    /// says it has started, which may be before it owns its name on the bus (or, while a
    /// stand-in holds the name, waits for it in the bus's queue): see
    /// [`Machine::until_keyring_owns_its_name`].
    pub fn start_keyring_daemon(&mut self) {
        let base: Vec<(String, String)> = self
            .env
            .iter()
            .filter(|(key, _)| !key.starts_with("GNOME_KEYRING") && key != "SSH_AUTH_SOCK")
            .cloned()
            .collect();
        let group = i32::try_from(self.group).unwrap();
        start_keyring_with(&base, group, &["--replace"]);
    }

    /// Waits until a keyring daemon, not a stand-in of this test process, owns the Secret
    /// Service's name.
    pub fn until_keyring_owns_its_name(&self) {
        let me = std::process::id().to_string();
        self.until_ready("the keyring owns the secrets service again", || {
            self.owner_pid("org.freedesktop.secrets")
                .is_some_and(|owner| owner != me)
        });
    }

    /// The process id of the owner of `name` on this computer's bus, if any.
    fn owner_pid(&self, name: &str) -> Option<String> {
        let out = Command::new("dbus-send")
            .args([
                &format!("--bus={}", self.bus),
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.GetConnectionUnixProcessID",
                &format!("string:{name}"),
            ])
            .stderr(Stdio::null())
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .skip_while(|word| *word != "uint32")
            .nth(1)
            .map(str::to_owned)
    }

    /// The variables a program started on this computer needs (display, bus, keyring).
    pub fn env(&self) -> &[(String, String)] {
        &self.env
    }

    /// `program`, to be run on this computer (its display and bus): `dunstctl`, say.
    pub fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        command
    }

    /// This computer's session bus, for a test's own service on it.
    pub fn bus_address(&self) -> &str {
        &self.bus
    }

    /// What this computer's `dbus-monitor` logged of the Notifications interface: every toast
    /// shown on this computer and no other.
    pub fn notifications(&self) -> String {
        std::fs::read_to_string(&self.notifications).unwrap_or_default()
    }

    fn name_has_owner(&self, name: &str) -> bool {
        Command::new("dbus-send")
            .args([
                &format!("--bus={}", self.bus),
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                &format!("string:{name}"),
            ])
            .stderr(Stdio::null())
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("boolean true"))
    }

    fn until_ready(&self, what: &str, ready: impl Fn() -> bool) {
        let deadline = Instant::now() + START_TIMEOUT;
        while !ready() {
            assert!(
                Instant::now() < deadline,
                "the test computer: {what}, not within {START_TIMEOUT:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Machine {
    /// Ends every process of this computer's group and waits until none is left.
    fn drop(&mut self) {
        if let Some(pid) = &self.keyring_pid {
            let _ = Command::new("kill").args(["-KILL", pid]).status();
        }
        let group = format!("-{}", self.group);
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &group])
                .stderr(Stdio::null())
                .status();
            for daemon in &mut self.daemons {
                let _ = daemon.try_wait();
            }
            let left = in_group(self.group);
            if left.is_empty() {
                break;
            }
            if Instant::now() > deadline {
                eprintln!("the test computer's processes {left:?} did not end");
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        for daemon in &mut self.daemons {
            let _ = daemon.wait();
        }
    }
}

/// The live processes of process group `group` (a zombie, its files closed, is not counted).
fn in_group(group: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let pid = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
            let live = fields.first() != Some(&"Z");
            (live && fields.get(2)?.parse::<u32>().ok()? == group).then_some(pid)
        })
        .collect()
}

/// Starts `command` with its output piped and returns it with the first line it prints, the
/// sign both daemons give when they are ready (the display's number, the bus's address).
fn first_line(command: &mut Command, what: &str) -> (Child, String) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{what} does not start ({e}); run inside `cargo xtask test`"));
    let stdout: ChildStdout = child.stdout.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let mut reader = BufReader::new(stdout);
        let _ = reader.read_line(&mut line);
        let _ = sender.send(line);
        // Keep the pipe open and drained for as long as the daemon lives.
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    match receiver.recv_timeout(START_TIMEOUT) {
        Ok(line) if !line.trim().is_empty() => (child, line),
        outcome => {
            let _ = child.kill();
            panic!("{what} said nothing within {START_TIMEOUT:?} ({outcome:?})")
        }
    }
}

/// `gnome-keyring-daemon --unlock` reads the password on its input and prints the variables
/// its clients need; a fresh data folder gets an unlocked "login" collection, the default.
fn start_keyring(env: &[(String, String)], group: i32) -> Vec<(String, String)> {
    start_keyring_with(env, group, &[])
}

/// [`start_keyring`] with more of the daemon's options (`--replace`).
fn start_keyring_with(
    env: &[(String, String)],
    group: i32,
    more: &[&str],
) -> Vec<(String, String)> {
    let mut child = Command::new("gnome-keyring-daemon")
        .args(["--unlock", "--components=secrets", "--daemonize"])
        .args(more)
        .process_group(group)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("gnome-keyring-daemon starts (run inside `cargo xtask test`)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(KEYRING_PASSWORD.as_bytes())
        .unwrap();
    let mut printed = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut printed)
        .unwrap();
    child.wait().unwrap();
    printed
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect()
}

fn private(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();
}
