//! Running python3: the version check, and one aside run with its time limit and captured output.

use std::io::{self, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::cmd::probe;

/// How much of an aside's stdout or stderr is kept.
const CAPTURE_LIMIT: usize = 4 << 20;

/// How a run of `python3` ended.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`None`: killed by a signal, or by us at the time limit).
    pub code: Option<i32>,
    pub timed_out: bool,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

fn read_capped(mut pipe: impl Read + Send + 'static) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            match pipe.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    let room = CAPTURE_LIMIT.saturating_sub(kept.len());
                    kept.extend_from_slice(&chunk[..n.min(room)]);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
        let _ = tx.send(kept);
    });
    rx
}

/// Runs `code` as `aside.py` in `dir` with python3 (cwd `dir`, `SLOW_WEB_PORT=port`,
/// unbuffered), killing it (and what it started) after `limit`.
pub fn run_python(code: &str, dir: &Path, port: u16, limit: Duration) -> io::Result<Run> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("aside.py"), code)?;
    let mut command = Command::new("python3");
    command
        .arg("aside.py")
        .current_dir(dir)
        .env("SLOW_WEB_PORT", port.to_string())
        .env("PYTHONUNBUFFERED", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        // Its own process group, so the time limit also ends processes it started.
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let started = Instant::now();
    let mut child = command.spawn()?;
    let out = read_capped(child.stdout.take().expect("piped"));
    let err = read_capped(child.stderr.take().expect("piped"));
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() >= limit {
            timed_out = true;
            // The child is alive, so its process group (id = its pid) is ours to end.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .stderr(Stdio::null())
                .status();
            let _ = child.kill();
            break child.wait()?;
        }
        thread::sleep(Duration::from_millis(10));
    };
    let took = started.elapsed();
    // A process it left behind may hold the pipes open: do not wait for it long.
    let grace = Duration::from_secs(if timed_out { 1 } else { 5 });
    let text = |rx: mpsc::Receiver<Vec<u8>>| {
        String::from_utf8_lossy(&rx.recv_timeout(grace).unwrap_or_default()).into_owned()
    };
    Ok(Run {
        code: status.code(),
        timed_out,
        stdout: text(out),
        stderr: text(err),
        took,
    })
}

/// `python3 --version` when it is 3.9 or later (the en/zh check needs `ast.unparse`); else what
/// to install.
pub fn python3() -> Result<String, String> {
    let install = "install Debian's `python3` package (sudo apt-get install -y python3); \
                   the asides need its standard library only";
    let version = probe("python3", &["--version"])
        .ok_or_else(|| format!("`python3` not found on PATH: {install}"))?;
    let minor = version
        .strip_prefix("Python 3.")
        .and_then(|rest| rest.split('.').next())
        .and_then(|m| m.parse::<u32>().ok());
    match minor {
        Some(minor) if minor >= 9 => Ok(version),
        _ => Err(format!(
            "`python3 --version` says `{version}`; 3.9 or later is needed: {install}"
        )),
    }
}

/// Whether a usable python3 is here; tests that need it skip (saying why) when not.
#[cfg(test)]
pub(super) fn have_python() -> bool {
    match python3() {
        Ok(_) => true,
        Err(why) => {
            eprintln!("skipped: {why}");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_past_the_time_limit_is_killed() {
        if !have_python() {
            return;
        }
        let dir = std::env::temp_dir().join(format!("xtask-aside-limit-{}", std::process::id()));
        let run = run_python(
            "import time\nprint('start', flush=True)\ntime.sleep(60)\n",
            &dir,
            1,
            Duration::from_secs(2),
        )
        .unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(run.timed_out);
        assert_eq!(run.code, None, "killed");
        // Python prints at once; only a very slow start would miss the line.
        assert!(
            run.stdout == "start\n" || run.stdout.is_empty(),
            "{}",
            run.stdout
        );
        assert!(run.took < Duration::from_secs(20), "{:?}", run.took);
    }
}
