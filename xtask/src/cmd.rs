//! Child processes: quiet probes, live runs, and live runs whose output is also captured.

use std::io::{self, IsTerminal, Read, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// How long to keep reading a child's pipes after it exited (a grandchild may hold them open).
const DRAIN_GRACE: Duration = Duration::from_secs(10);

/// A shell-like rendering of a command, for headers and error messages.
pub fn describe(cmd: &Command) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (key, value) in cmd.get_envs() {
        if let Some(value) = value {
            parts.push(format!(
                "{}={}",
                key.to_string_lossy(),
                quote(&value.to_string_lossy())
            ));
        }
    }
    parts.push(quote(&cmd.get_program().to_string_lossy()));
    parts.extend(cmd.get_args().map(|a| quote(&a.to_string_lossy())));
    parts.join(" ")
}

fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A process exit code for `status` (128 + signal number when killed by a signal).
pub fn exit_code(status: ExitStatus) -> u8 {
    if let Some(code) = status.code() {
        return u8::try_from(code).unwrap_or(1);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return u8::try_from(128 + signal).unwrap_or(1);
        }
    }
    1
}

/// Runs `program args` quietly; its first output line (stdout, else stderr) if it succeeded.
pub fn probe(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = if out.stdout.iter().any(|b| !b.is_ascii_whitespace()) {
        out.stdout
    } else {
        out.stderr
    };
    let text = String::from_utf8_lossy(&text);
    Some(text.lines().next().unwrap_or("").trim().to_string())
}

/// Runs `cmd` with inherited stdio; an error naming the command unless it exits 0.
pub fn run_live(cmd: &mut Command) -> Result<(), String> {
    let shown = describe(cmd);
    println!("    $ {shown}");
    let _ = io::stdout().flush();
    let status = cmd
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// What a teed run produced.
pub struct Captured {
    pub status: ExitStatus,
    /// stdout, then stderr (lossy UTF-8).
    pub output: String,
}

/// Runs `cmd`, streaming its stdout and stderr live to ours while capturing both.
pub fn run_tee(cmd: &mut Command) -> io::Result<Captured> {
    if io::stdout().is_terminal() && std::env::var_os("CARGO_TERM_COLOR").is_none() {
        // Pipes would turn cargo's colours off; the parsers strip ANSI codes.
        cmd.env("CARGO_TERM_COLOR", "always");
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let (done_tx, done_rx) = mpsc::channel();
    let out_buf = Arc::new(Mutex::new(Vec::new()));
    let err_buf = Arc::new(Mutex::new(Vec::new()));
    if let Some(pipe) = child.stdout.take() {
        pump(pipe, io::stdout(), Arc::clone(&out_buf), done_tx.clone());
    }
    if let Some(pipe) = child.stderr.take() {
        pump(pipe, io::stderr(), Arc::clone(&err_buf), done_tx.clone());
    }
    drop(done_tx);
    let status = child.wait()?;
    // Both pumps end at EOF; don't hang if a leftover grandchild keeps a pipe open.
    let deadline = std::time::Instant::now() + DRAIN_GRACE;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match done_rx.recv_timeout(left) {
            Ok(()) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                eprintln!("xtask: output pipes still open {DRAIN_GRACE:?} after exit; moving on");
                break;
            }
        }
    }
    let mut output = String::from_utf8_lossy(&take(&out_buf)).into_owned();
    if !output.is_empty() && !output.ends_with('\n') {
        output.push('\n');
    }
    output.push_str(&String::from_utf8_lossy(&take(&err_buf)));
    Ok(Captured { status, output })
}

fn take(buf: &Mutex<Vec<u8>>) -> Vec<u8> {
    match buf.lock() {
        Ok(mut guard) => std::mem::take(&mut *guard),
        Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
    }
}

/// Copies `pipe` to `sink` chunk by chunk (so `\r` progress lines stay live) and into `buf`.
fn pump(
    mut pipe: impl Read + Send + 'static,
    mut sink: impl Write + Send + 'static,
    buf: Arc<Mutex<Vec<u8>>>,
    done: mpsc::Sender<()>,
) {
    thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        loop {
            match pipe.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    let _ = sink.write_all(&chunk[..n]);
                    let _ = sink.flush();
                    if let Ok(mut guard) = buf.lock() {
                        guard.extend_from_slice(&chunk[..n]);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
        let _ = done.send(());
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_commands() {
        let mut cmd = Command::new("cargo");
        cmd.args(["test", "-p", "executor"]).env("X", "a b");
        assert_eq!(describe(&cmd), "X='a b' cargo test -p executor");
    }

    #[cfg(unix)]
    #[test]
    fn tee_captures_both_streams() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo out; echo err >&2; exit 3"]);
        let got = run_tee(&mut cmd).expect("sh runs");
        assert_eq!(got.status.code(), Some(3));
        assert_eq!(got.output, "out\nerr\n");
    }

    #[cfg(unix)]
    #[test]
    fn probe_reads_first_line() {
        assert_eq!(
            probe("sh", &["-c", "echo 'tool 1.2.3'; echo more"]).as_deref(),
            Some("tool 1.2.3")
        );
        assert_eq!(probe("sh", &["-c", "exit 1"]), None);
        assert_eq!(probe("/nonexistent/tool", &[]), None);
    }
}
