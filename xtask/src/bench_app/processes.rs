//! The processes a run measures: a program's whole tree, its memory, and stopping it.

use super::*;

/// `root` and every process below it (WebKit's web and network processes are the desk's
/// children), read from /proc.
pub(super) fn tree(root: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.filter_map(Result::ok) {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
                continue;
            };
            if let Some(ppid) = parent_of(pid) {
                parents.push((pid, ppid));
            }
        }
    }
    let mut found = vec![root];
    let mut at = 0;
    while at < found.len() {
        let parent = found[at];
        found.extend(
            parents
                .iter()
                .filter(|(_, p)| *p == parent)
                .map(|(c, _)| *c),
        );
        at += 1;
    }
    found
}

/// The parent in /proc/<pid>/stat: the second field after the command name, which is in
/// parentheses and may hold spaces.
pub(super) fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(1)?.parse().ok()
}

pub(super) fn process_memory(pid: u32) -> Option<Process> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss_kib = kib_field(&status, "VmRSS:")?;
    let pss_kib = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|rollup| kib_field(&rollup, "Pss:"));
    // The program's file name (WebKitWebProcess), not its 15-letter `comm`.
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let program = cmdline.split(|b| *b == 0).next().unwrap_or_default();
    let program = String::from_utf8_lossy(program);
    let name = program.rsplit('/').next().unwrap_or_default().to_owned();
    Some(Process {
        pid,
        name,
        rss_kib,
        pss_kib,
    })
}

/// `Field:   1234 kB` in a /proc file.
pub(super) fn kib_field(text: &str, field: &str) -> Option<u64> {
    text.lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// Stops the app and every process below it: SIGTERM, then SIGKILL for what is left after
/// [`STOP_GRACE`]. The desk keeps nothing unsaved (its store writes as it goes; a killed desk's
/// socket is replaced at the next start).
pub(super) fn stop_tree(mut child: Child) {
    let pids = tree(child.id());
    signal(&pids, "-TERM");
    let deadline = Instant::now() + STOP_GRACE;
    while Instant::now() < deadline && pids.iter().any(|pid| alive(*pid)) {
        let _ = child.try_wait();
        std::thread::sleep(Duration::from_millis(50));
    }
    let left: Vec<u32> = pids.into_iter().filter(|pid| alive(*pid)).collect();
    if !left.is_empty() {
        signal(&left, "-KILL");
    }
    let _ = child.wait();
}

pub(super) fn signal(pids: &[u32], which: &str) {
    let _ = Command::new("kill")
        .arg(which)
        .args(pids.iter().map(u32::to_string))
        .stderr(Stdio::null())
        .status();
}

/// Running (a zombie waiting for its parent counts as gone).
pub(super) fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        let state = stat
            .rfind(')')
            .and_then(|end| stat[end + 1..].split_whitespace().next());
        state.is_some_and(|s| s != "Z" && s != "X")
    })
}
