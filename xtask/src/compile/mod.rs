//! The compile service of `cargo xtask serve`: an edited snippet, built into a runner module.
//!
//! It keeps its own copy of the sources (`workspace.rs`), lays the edited snippet over its
//! original there, builds only the `runner` crate for wasm32 with a fast profile in its own
//! target directory, offline, runs `wasm-bindgen`, and hands back the module's folder or rustc's
//! diagnostics on the snippet's lines (`diagnostics.rs`). One build runs at a time: a newer
//! request stops the one running, and a build past the time limit is stopped. Another process
//! using the same state folder (a second `serve`, a test) waits for the build to end.

pub mod diagnostics;
pub mod guard;
pub mod http;
pub mod workspace;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use self::diagnostics::Diagnostic;
use self::workspace::{SnippetPath, Workspace};
use crate::install::WASM_TARGET;

/// The profile edited snippets build with: the dev profile at `opt-level = 1` (the executor
/// would crawl at 0), no debug info, incremental. About 2 s for a one-file change on 2 cores.
const PROFILE: [&str; 8] = [
    "--config",
    "profile.edit.inherits=\"dev\"",
    "--config",
    "profile.edit.opt-level=1",
    "--config",
    "profile.edit.debug=0",
    "--config",
    "profile.edit.package.\"*\".opt-level=1",
];

/// A build that takes longer than this is stopped (a cold first build takes about 2 minutes).
pub const TIME_LIMIT: Duration = Duration::from_secs(300);

/// The environment a build keeps (the rest is cleared).
const KEPT_ENV: [&str; 9] = [
    "PATH",
    "HOME",
    "CARGO_HOME",
    "RUSTUP_HOME",
    "RUSTUP_TOOLCHAIN",
    "RUSTC_WRAPPER",
    "TMPDIR",
    "LANG",
    "LC_ALL",
];

/// The modules kept: a page may still boot workers from an earlier build (another card's, or
/// a card's last build it runs again), so the latest few stay.
const MODULES_KEPT: usize = 8;

/// A finished build: the module's folder and the warnings.
#[derive(Debug)]
pub struct Built {
    /// Counts up with every request, from the service's start time in milliseconds, so a page
    /// open across a restart never mistakes a new build for one it had.
    pub id: u64,
    /// Holds `runner.js` and `runner_bg.wasm`.
    pub dir: PathBuf,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
}

/// Why there is no module.
#[derive(Debug, PartialEq)]
pub enum Failure {
    /// The snippet does not compile: rustc's errors (and warnings).
    Errors(Vec<Diagnostic>),
    /// A newer request came; this one's build was stopped.
    Superseded,
    /// The build ran past [`TIME_LIMIT`].
    TimedOut,
    /// The edit does something an edit may not (`guard.rs`): why.
    Refused(String),
    /// The request names no snippet, or a tool failed (its words).
    Other(String),
}

/// The service: one copy, one target directory, one build at a time.
pub struct Service {
    workspace: Mutex<Workspace>,
    /// Held while a build uses the copy and the target directory, across processes.
    lock_file: PathBuf,
    target: PathBuf,
    out: PathBuf,
    limit: Duration,
    /// The cargo to run (another program in tests).
    cargo: PathBuf,
    /// The newest request's id, and the cargo it runs.
    running: Mutex<(u64, Option<Child>)>,
}

impl Service {
    /// A service for the repository at `repo`, keeping its copy, target directory and modules
    /// under `state` (`target/compile-service` in `cargo xtask serve`).
    pub fn new(repo: &Path, state: &Path) -> Service {
        let start_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        Service {
            workspace: Mutex::new(Workspace::new(repo, &state.join("workspace"))),
            lock_file: state.join("lock"),
            target: state.join("target"),
            out: state.join("out"),
            limit: TIME_LIMIT,
            cargo: PathBuf::from("cargo"),
            running: Mutex::new((start_ms, None)),
        }
    }

    /// The same with another program in cargo's place (tests).
    #[cfg(test)]
    pub fn with_cargo(mut self, cargo: &Path) -> Service {
        self.cargo = cargo.to_owned();
        self
    }

    /// The repository it builds from.
    pub fn repo(&self) -> PathBuf {
        lock(&self.workspace).source().to_owned()
    }

    /// Where the module of build `id` is.
    pub fn module_dir(&self, id: u64) -> PathBuf {
        self.out.join(id.to_string())
    }

    /// Builds the runner with `source` as `lessons/<lesson>/<snippet>.rs`.
    pub fn compile(&self, lesson: &str, snippet: &str, source: &str) -> Result<Built, Failure> {
        let started = Instant::now();
        let id = {
            let mut running = lock(&self.running);
            running.0 += 1;
            if let Some(child) = running.1.as_mut() {
                stop(child); // the older request sees it was superseded
            }
            running.0
        };
        let mut workspace = lock(&self.workspace);
        if lock(&self.running).0 != id {
            return Err(Failure::Superseded);
        }
        let _held = self.hold_state()?;
        if lock(&self.running).0 != id {
            return Err(Failure::Superseded);
        }
        let repo_snippet =
            SnippetPath::new(workspace.source(), lesson, snippet).map_err(Failure::Other)?;
        guard::check(source).map_err(Failure::Refused)?;
        workspace.sync().map_err(Failure::Other)?;
        workspace
            .overlay(&repo_snippet, source)
            .map_err(Failure::Other)?;
        let output = self.cargo(&workspace, id, started)?;
        let file = repo_snippet.relative().to_string_lossy().replace('\\', "/");
        let root = workspace.root().to_string_lossy().replace('\\', "/");
        let found = diagnostics::read(&output.stdout, &file, &root);
        if !output.success {
            let errors = found.iter().any(|d| d.level == "error");
            return Err(if errors {
                Failure::Errors(found)
            } else {
                Failure::Other(format!("cargo failed:\n{}", tail(&output.stderr, 20)))
            });
        }
        let dir = self.bindgen(id)?;
        Ok(Built {
            id,
            dir,
            warnings: found,
            elapsed: started.elapsed(),
        })
    }

    /// Locks the state folder against other processes (released when the file is dropped).
    fn hold_state(&self) -> Result<std::fs::File, Failure> {
        let failed =
            |e: std::io::Error| Failure::Other(format!("{}: {e}", self.lock_file.display()));
        if let Some(dir) = self.lock_file.parent() {
            std::fs::create_dir_all(dir).map_err(failed)?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&self.lock_file)
            .map_err(failed)?;
        file.lock().map_err(failed)?;
        Ok(file)
    }

    /// Runs cargo for request `id`, stopping it when a newer request comes or time runs out.
    fn cargo(&self, workspace: &Workspace, id: u64, started: Instant) -> Result<Output, Failure> {
        let mut cmd = Command::new(&self.cargo);
        // Only what cargo and rustup need of the environment: `env!` in an edit finds nothing
        // of the reader's.
        cmd.env_clear();
        for name in KEPT_ENV {
            if let Some(value) = std::env::var_os(name) {
                cmd.env(name, value);
            }
        }
        cmd.current_dir(workspace.root())
            .args(["build", "--offline", "--message-format=json"])
            .args(["--target", WASM_TARGET, "-p", "runner", "--bin", "runner"])
            .args(["--profile", "edit"])
            .args(PROFILE)
            .env("CARGO_TARGET_DIR", &self.target)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Its own process group, so stopping it stops the rustc processes it started too.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd
            .spawn()
            .map_err(|e| Failure::Other(format!("could not start cargo: {e}")))?;
        let stdout = read_all(child.stdout.take());
        let stderr = read_all(child.stderr.take());
        {
            let mut running = lock(&self.running);
            if running.0 != id {
                stop(&mut child);
                return Err(Failure::Superseded);
            }
            running.1 = Some(child);
        }
        let status = loop {
            std::thread::sleep(Duration::from_millis(20));
            let mut running = lock(&self.running);
            let superseded = running.0 != id;
            let Some(child) = running.1.as_mut() else {
                return Err(Failure::Superseded);
            };
            if superseded || started.elapsed() > self.limit {
                stop(child);
                running.1 = None;
                return Err(if superseded {
                    Failure::Superseded
                } else {
                    Failure::TimedOut
                });
            }
            if let Ok(Some(status)) = child.try_wait() {
                running.1 = None;
                break status;
            }
        };
        Ok(Output {
            success: status.success(),
            stdout: stdout.join().unwrap_or_default(),
            stderr: stderr.join().unwrap_or_default(),
        })
    }

    /// `wasm-bindgen` over build `id`'s wasm into its own folder; all but the latest
    /// [`MODULES_KEPT`] folders go.
    fn bindgen(&self, id: u64) -> Result<PathBuf, Failure> {
        let wasm = self
            .target
            .join(WASM_TARGET)
            .join("edit")
            .join("runner.wasm");
        let dir = self.module_dir(id);
        let mut kept: Vec<(u64, PathBuf)> = std::fs::read_dir(&self.out)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path())))
            .collect();
        kept.sort();
        let gone = kept.len().saturating_sub(MODULES_KEPT - 1);
        for (_, old) in &kept[..gone] {
            let _ = std::fs::remove_dir_all(old);
        }
        let output = Command::new("wasm-bindgen")
            .args(["--target", "web", "--out-name", "runner", "--out-dir"])
            .arg(&dir)
            .arg(&wasm)
            .output()
            .map_err(|e| Failure::Other(format!("could not start wasm-bindgen: {e}")))?;
        if !output.status.success() {
            return Err(Failure::Other(format!(
                "wasm-bindgen failed: {}",
                String::from_utf8_lossy(&output.stderr)
            )));
        }
        Ok(dir)
    }
}

struct Output {
    success: bool,
    stdout: String,
    stderr: String,
}

fn read_all(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

/// Stops a build: its whole process group (cargo and the rustc processes it started; on other
/// systems cargo alone), then reaps it.
fn stop(child: &mut Child) {
    #[cfg(unix)]
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::sync::Arc;

    /// A repository with one snippet, and a service over it whose "cargo" is `script`.
    fn service(name: &str, script: &str, limit: Duration) -> (Arc<Service>, PathBuf) {
        let dir = std::env::temp_dir().join(format!("xtask-compile-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let repo = dir.join("repo");
        fs::create_dir_all(repo.join("lessons/08-async-await")).unwrap();
        fs::write(repo.join("Cargo.toml"), "[workspace]\n").unwrap();
        fs::write(
            repo.join("lessons/08-async-await/crawl.rs"),
            "fn main() {}\n",
        )
        .unwrap();
        let fake = dir.join("fake-cargo");
        fs::write(&fake, format!("#!/bin/sh\n{script}\n")).unwrap();
        Command::new("chmod").arg("+x").arg(&fake).status().unwrap();
        let mut service = Service::new(&repo, &dir.join("state")).with_cargo(&fake);
        service.limit = limit;
        (Arc::new(service), dir)
    }

    #[test]
    fn a_newer_request_stops_the_build_of_an_older_one() {
        let (service, dir) = service("newer", "sleep 30", TIME_LIMIT);
        let older = {
            let service = service.clone();
            std::thread::spawn(move || service.compile("08-async-await", "crawl", "// one"))
        };
        std::thread::sleep(Duration::from_millis(300));
        let started = Instant::now();
        let newer = {
            let service = service.clone();
            std::thread::spawn(move || service.compile("08-async-await", "crawl", "// two"))
        };
        assert_eq!(older.join().unwrap().unwrap_err(), Failure::Superseded);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the old build was stopped"
        );
        // The newer one runs its own (sleeping) build until this test's end: stop it too.
        std::thread::sleep(Duration::from_millis(300));
        let _ = service.compile("08-async-await", "nothing", "");
        assert_eq!(newer.join().unwrap().unwrap_err(), Failure::Superseded);
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn a_build_past_the_limit_is_stopped() {
        let (service, dir) = service("limit", "sleep 30", Duration::from_millis(400));
        let started = Instant::now();
        assert_eq!(
            service.compile("08-async-await", "crawl", "").unwrap_err(),
            Failure::TimedOut
        );
        assert!(started.elapsed() < Duration::from_secs(10));
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn rustc_errors_come_back_on_the_snippets_lines_and_the_request_names_a_real_snippet() {
        let message = serde_json::json!({
            "reason": "compiler-message",
            "message": {
                "level": "error", "code": { "code": "E0308" }, "message": "mismatched types",
                "rendered": "error[E0308]: mismatched types",
                "spans": [{ "file_name": "lessons/08-async-await/crawl.rs", "is_primary": true,
                            "line_start": 3, "column_start": 8, "line_end": 3, "column_end": 12 }]
            }
        });
        let script = format!("echo '{message}'\nexit 101");
        let (service, dir) = service("errors", &script, TIME_LIMIT);
        let Err(Failure::Errors(found)) = service.compile("08-async-await", "crawl", "x") else {
            panic!("a compile error");
        };
        assert_eq!(found[0].code.as_deref(), Some("E0308"));
        assert_eq!(found[0].span.map(|s| (s.line, s.column)), Some((3, 8)));
        assert_eq!(
            service
                .compile("08-async-await", "../../etc", "x")
                .unwrap_err(),
            Failure::Other("no snippet is called 08-async-await/../../etc".into())
        );
        let _ = fs::remove_dir_all(dir);
    }

    /// A real build, in `target/compile-service` as `cargo xtask serve` keeps it (about 2.5
    /// minutes the first time on 2 cores, seconds after; the `edit` step then finds it warm).
    #[test]
    fn a_real_edit_builds_a_module_with_the_new_code_and_a_type_error_names_its_line() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let service = Service::new(repo, &repo.join("target").join("compile-service"));
        let file = repo.join("lessons/08-async-await/crawl.rs");
        let original = fs::read_to_string(&file).unwrap();
        let edited = original.replace(
            "println!(\"{} pages, {total} bytes\"",
            "println!(\"{} pages, {total} bytes, said the edit\"",
        );
        assert_ne!(edited, original);
        let built = service
            .compile("08-async-await", "crawl", &edited)
            .expect("the edit builds");
        let wasm = fs::read(built.dir.join("runner_bg.wasm")).unwrap();
        let needle = b"bytes, said the edit";
        assert!(
            wasm.windows(needle.len()).any(|w| w == needle),
            "the module carries the edited text"
        );
        assert!(built.dir.join("runner.js").is_file());

        let broken = original.replace("Ok(page.body.len())", "Ok(\"not a number\")");
        let Err(Failure::Errors(found)) = service.compile("08-async-await", "crawl", &broken)
        else {
            panic!("a type error");
        };
        let error = found.iter().find(|d| d.level == "error").unwrap();
        assert_eq!(error.code.as_deref(), Some("E0308"));
        assert_eq!(error.span.map(|s| (s.line, s.column)), Some((24, 8)));
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            original,
            "lessons/ is never written"
        );
    }
}
