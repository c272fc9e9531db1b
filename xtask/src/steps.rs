//! The `cargo xtask test` steps: one table entry each, run in order, output teed and counted.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::cmd;
use crate::install::{CHROMEDRIVER, CHROMIUM, WASM_TARGET};
use crate::summary::{self, Outcome, Parse, StepResult, Tally};

/// A step of `cargo xtask test`: adding one is adding an entry to [`STEPS`].
pub struct Step {
    pub name: &'static str,
    /// One line for `--help`.
    pub about: &'static str,
    /// The commands to run, or why the step is skipped (which counts as one failure).
    pub plan: fn(&Ctx) -> Result<Vec<Invocation>, String>,
}

/// Every step, in running order.
pub const STEPS: &[Step] = &[
    Step {
        name: "fmt",
        about: "cargo fmt --all -- --check",
        plan: fmt,
    },
    Step {
        name: "clippy",
        about: "cargo clippy, native (all targets) and wasm32 (app, runner, executor/browser, bench)",
        plan: clippy,
    },
    Step {
        name: "native",
        about: "cargo test --workspace",
        plan: native,
    },
    Step {
        name: "python",
        about: "xtask asides: every Python aside of the lessons run against the slow web, \
                its output checked; en and zh the same code",
        plan: python,
    },
    Step {
        name: "browser",
        about: "wasm-bindgen tests in headless Chromium (cargo test --target wasm32-unknown-unknown)",
        plan: browser,
    },
    Step {
        name: "build",
        about: "trunk build --release into dist/ and its first visit's size checked (xtask size \
                --check), then again with --public-url /async-tutor/ into target/dist-subpath/ \
                (the sub-path e2e test serves it there)",
        plan: build,
    },
    Step {
        name: "e2e",
        about: "node --test tests/e2e (Playwright + Chromium against dist/); needs build",
        plan: e2e,
    },
    Step {
        name: "edit",
        about: "node --test tests/edit: edited snippets built by `cargo xtask serve --release` (its \
                compile service) and run in Chromium; after build, the site reuses its target dir",
        plan: edit,
    },
    Step {
        name: "bench-smoke",
        about: "cargo xtask bench --smoke: the benchmarks at tiny sizes, no timing assertions",
        plan: bench_smoke,
    },
];

/// Browser test runs: (label, arguments after `cargo test`); `--target wasm32` is added.
/// The executor's unit tests run in the browser too; its other integration tests are native
/// (they catch panics, which wasm32 cannot).
pub const BROWSER_TESTS: &[(&str, &[&str])] = &[(
    "executor",
    &[
        "-p",
        "executor",
        "--features",
        "browser",
        "--lib",
        "--test",
        "browser",
    ],
)];

/// What steps can see of the run so far.
pub struct Ctx {
    pub root: PathBuf,
    /// Steps that already failed in this run.
    pub failed: Vec<&'static str>,
}

/// One command of a step.
#[derive(Debug)]
pub struct Invocation {
    /// Shown in the header: `==> clippy (wasm32)`.
    pub label: String,
    pub program: String,
    pub args: Vec<String>,
    pub env: Vec<(&'static str, String)>,
    pub dir: PathBuf,
    pub parse: Parse,
}

impl Invocation {
    fn new(label: &str, program: &str, args: &[&str], ctx: &Ctx, parse: Parse) -> Self {
        Invocation {
            label: label.to_string(),
            program: program.to_string(),
            args: args.iter().map(|a| a.to_string()).collect(),
            env: Vec::new(),
            dir: ctx.root.clone(),
            parse,
        }
    }

    fn env(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.env.push((key, value.into()));
        self
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args).current_dir(&self.dir);
        for (key, value) in &self.env {
            cmd.env(key, value);
        }
        cmd
    }
}

/// The snippet files of every lesson (`lessons/*/*.rs`), relative to `root`, sorted. Cargo
/// does not see them as modules of any crate, so `cargo fmt` does not reach them.
pub fn lesson_sources(root: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root.join("lessons"))
        .into_iter()
        .flatten()
        .flatten()
        .flat_map(|lesson| {
            std::fs::read_dir(lesson.path())
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| {
            p.strip_prefix(root)
                .unwrap_or(&p)
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    files
}

fn fmt(ctx: &Ctx) -> Result<Vec<Invocation>, String> {
    let lessons = lesson_sources(&ctx.root);
    let mut args = vec!["--edition", "2021", "--check"];
    args.extend(lessons.iter().map(String::as_str));
    Ok(vec![
        Invocation::new(
            "fmt",
            "cargo",
            &["fmt", "--all", "--", "--check"],
            ctx,
            Parse::Check,
        ),
        Invocation::new("fmt (lessons)", "rustfmt", &args, ctx, Parse::Check),
    ])
}

fn clippy(ctx: &Ctx) -> Result<Vec<Invocation>, String> {
    Ok(vec![
        Invocation::new(
            "clippy (native)",
            "cargo",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
            ctx,
            Parse::Check,
        ),
        Invocation::new(
            "clippy (wasm32)",
            "cargo",
            &[
                "clippy",
                "--target",
                WASM_TARGET,
                "-p",
                "async-tutor",
                "-p",
                "runner",
                "-p",
                "executor",
                "-p",
                "slow-web",
                "-p",
                "bench",
                "--features",
                "executor/browser",
                "--",
                "-D",
                "warnings",
            ],
            ctx,
            Parse::Check,
        ),
    ])
}

fn native(ctx: &Ctx) -> Result<Vec<Invocation>, String> {
    Ok(vec![Invocation::new(
        "native",
        "cargo",
        &["test", "--workspace"],
        ctx,
        Parse::Cargo,
    )])
}

/// The lessons' Python asides (one check each): this program's `asides` command, whose last
/// line is in libtest's format. Needs python3.
fn python(ctx: &Ctx) -> Result<Vec<Invocation>, String> {
    crate::asides::python3()?;
    let me = std::env::current_exe()
        .map_err(|e| format!("cannot find this program to run `xtask asides`: {e}"))?;
    Ok(vec![
        Invocation::new(
            "python",
            &me.to_string_lossy(),
            &["asides"],
            ctx,
            Parse::Cargo,
        )
        .env("XTASK_ROOT", ctx.root.to_string_lossy()),
    ])
}

fn browser(ctx: &Ctx) -> Result<Vec<Invocation>, String> {
    Ok(BROWSER_TESTS
        .iter()
        .map(|(label, args)| {
            let mut all = vec!["test"];
            all.extend_from_slice(args);
            all.extend_from_slice(&["--target", WASM_TARGET]);
            Invocation::new(
                &format!("browser ({label})"),
                "cargo",
                &all,
                ctx,
                Parse::Cargo,
            )
            .env("CHROMEDRIVER", CHROMEDRIVER)
        })
        .collect())
}

/// Where the build step puts the site built for `SUBPATH`.
pub const SUBPATH_DIST: &str = "target/dist-subpath";
/// The sub-path that build is made for.
pub const SUBPATH: &str = "/async-tutor/";

fn build(ctx: &Ctx) -> Result<Vec<Invocation>, String> {
    let me = std::env::current_exe()
        .map_err(|e| format!("cannot find this program to run `xtask size`: {e}"))?;
    Ok(vec![
        Invocation::new("build", "trunk", &["build", "--release"], ctx, Parse::Check),
        // The first visit's bytes, against the ceiling that keeps them from growing.
        Invocation::new(
            "first-visit size",
            &me.to_string_lossy(),
            &["size", "dist", "--check"],
            ctx,
            Parse::Check,
        )
        .env("XTASK_ROOT", ctx.root.to_string_lossy()),
        // Same cargo artifacts: only wasm-bindgen, the HTML and the finishing hook run again.
        Invocation::new(
            "build under a sub-path",
            "trunk",
            &[
                "build",
                "--release",
                "--public-url",
                SUBPATH,
                "--dist",
                SUBPATH_DIST,
            ],
            ctx,
            Parse::Check,
        ),
    ])
}

/// The `*.test.{mjs,js,cjs}` files directly in `dir`, sorted, relative to `root`.
///
/// They are passed to `node --test` by name: Node 20 would search a directory argument
/// itself, but later Node versions read arguments as glob patterns only.
pub fn e2e_files(root: &Path, dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            [".test.mjs", ".test.js", ".test.cjs"]
                .iter()
                .any(|ext| name.ends_with(ext))
                .then(|| {
                    let path = e.path();
                    path.strip_prefix(root)
                        .unwrap_or(&path)
                        .to_string_lossy()
                        .into_owned()
                })
        })
        .collect();
    files.sort();
    files
}

fn e2e(ctx: &Ctx) -> Result<Vec<Invocation>, String> {
    if ctx.failed.contains(&"build") {
        return Err("the build step failed in this run, so there is no fresh dist/".into());
    }
    let dist = ctx.root.join("dist");
    if !dist.join("index.html").is_file() {
        return Err(format!(
            "{} has no index.html: run `cargo xtask test build e2e`",
            dist.display()
        ));
    }
    Ok(vec![
        node_tests(ctx, "e2e")?
            .env("DIST_DIR", dist.to_string_lossy())
            .env(
                "SUBPATH_DIST_DIR",
                ctx.root.join(SUBPATH_DIST).to_string_lossy(),
            )
            .env("SUBPATH", SUBPATH)
            .env("CHROMIUM", CHROMIUM),
    ])
}

/// Edit and run against `cargo xtask serve`, which the test file starts and stops itself.
fn edit(ctx: &Ctx) -> Result<Vec<Invocation>, String> {
    Ok(vec![node_tests(ctx, "edit")?.env("CHROMIUM", CHROMIUM)])
}

/// `node --test`, one file at a time, over `tests/<folder>/*.test.mjs`, labelled `folder`.
fn node_tests(ctx: &Ctx, folder: &'static str) -> Result<Invocation, String> {
    let files = e2e_files(&ctx.root, &ctx.root.join("tests").join(folder));
    if files.is_empty() {
        return Err(format!("no tests/{folder}/*.test.mjs files"));
    }
    let mut args = vec!["--test", "--test-concurrency=1"];
    args.extend(files.iter().map(String::as_str));
    Ok(Invocation::new(folder, "node", &args, ctx, Parse::Node))
}

/// The benchmarks at tiny sizes through `cargo xtask bench --smoke` (one check: it passes if
/// everything built and every benchmark ran; missed targets are only reported).
fn bench_smoke(ctx: &Ctx) -> Result<Vec<Invocation>, String> {
    Ok(vec![Invocation::new(
        "bench-smoke",
        "cargo",
        &["xtask", "bench", "--smoke", "--no-install"],
        ctx,
        Parse::Check,
    )])
}

/// Runs one invocation with a header, its output live, and a closing line.
fn run_invocation(inv: &Invocation) -> (bool, Tally) {
    let mut command = inv.command();
    println!("\n==> {}", inv.label);
    println!("    $ {}", cmd::describe(&command));
    let _ = std::io::stdout().flush();
    let started = Instant::now();
    let (success, tally) = match cmd::run_tee(&mut command) {
        Ok(got) => {
            let success = got.status.success();
            let tally = summary::count(inv.parse, success, &got.output);
            (success && tally.failed == 0, tally)
        }
        Err(err) => {
            eprintln!("xtask: could not start `{}`: {err}", inv.program);
            (
                false,
                Tally {
                    passed: 0,
                    failed: 1,
                },
            )
        }
    };
    println!(
        "<== {}: {} ({} passed, {} failed) in {:.1}s",
        inv.label,
        if success { "ok" } else { "FAILED" },
        tally.passed,
        tally.failed,
        started.elapsed().as_secs_f64()
    );
    (success, tally)
}

/// Runs one step: every invocation, even after one failed.
fn run_step(step: &Step, ctx: &Ctx) -> StepResult {
    let started = Instant::now();
    let mut result = StepResult {
        name: step.name,
        outcome: Outcome::Ok,
        tally: Tally::default(),
        seconds: 0.0,
    };
    match (step.plan)(ctx) {
        Err(reason) => {
            println!(
                "\n==> {}\n<== {}: skipped, counted as failed: {reason}",
                step.name, step.name
            );
            result.outcome = Outcome::Skipped;
            result.tally.failed = 1;
        }
        Ok(invocations) => {
            for inv in &invocations {
                let (success, tally) = run_invocation(inv);
                result.tally.passed += tally.passed;
                result.tally.failed += tally.failed;
                if !success {
                    result.outcome = Outcome::Failed;
                }
            }
        }
    }
    result.seconds = started.elapsed().as_secs_f64();
    result
}

/// Runs the named steps (all when `only` is empty) in table order.
pub fn run_all(root: &Path, only: &[String]) -> Vec<StepResult> {
    let mut ctx = Ctx {
        root: root.to_path_buf(),
        failed: Vec::new(),
    };
    let mut results = Vec::new();
    for step in STEPS {
        if !only.is_empty() && !only.iter().any(|n| n == step.name) {
            continue;
        }
        let result = run_step(step, &ctx);
        if result.outcome != Outcome::Ok {
            ctx.failed.push(step.name);
        }
        results.push(result);
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(root: &Path) -> Ctx {
        Ctx {
            root: root.to_path_buf(),
            failed: Vec::new(),
        }
    }

    #[test]
    fn lesson_snippets_are_formatted_too() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let files = lesson_sources(root);
        assert!(
            files.contains(&"lessons/08-async-await/crawl.rs".to_string()),
            "{files:?}"
        );
        let fmt = fmt(&ctx(root)).unwrap();
        assert_eq!(fmt.len(), 2);
        assert!(
            fmt[1]
                .args
                .contains(&"lessons/08-async-await/crawl.rs".to_string())
        );
    }

    #[test]
    fn names_are_unique() {
        for (i, a) in STEPS.iter().enumerate() {
            assert!(STEPS[i + 1..].iter().all(|b| b.name != a.name));
        }
    }

    #[test]
    fn python_runs_the_asides_after_native() {
        let at = |name: &str| STEPS.iter().position(|s| s.name == name).unwrap();
        assert_eq!(at("python"), at("native") + 1);
        match python(&ctx(Path::new("/r"))) {
            Ok(plan) => {
                assert_eq!(plan[0].args, ["asides"]);
                assert!(plan[0].env.contains(&("XTASK_ROOT", "/r".to_string())));
                assert_eq!(plan[0].parse, Parse::Cargo);
            }
            Err(why) => assert!(why.contains("python3"), "{why}"),
        }
    }

    #[test]
    fn clippy_has_two_checks() {
        let plan = clippy(&ctx(Path::new("/r"))).unwrap();
        let labels: Vec<_> = plan.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, ["clippy (native)", "clippy (wasm32)"]);
        assert!(
            plan[1]
                .args
                .windows(2)
                .any(|w| w == ["--target", WASM_TARGET])
        );
    }

    #[test]
    fn browser_runs_in_chromium() {
        let plan = browser(&ctx(Path::new("/r"))).unwrap();
        assert_eq!(plan.len(), BROWSER_TESTS.len());
        assert_eq!(
            cmd::describe(&plan[0].command()),
            "CHROMEDRIVER=/usr/bin/chromedriver cargo test -p executor --features browser \
             --lib --test browser --target wasm32-unknown-unknown"
        );
    }

    #[test]
    fn e2e_needs_build_and_dist() {
        let dir = std::env::temp_dir().join(format!("xtask-e2e-{}", std::process::id()));
        let e2e_dir = dir.join("tests").join("e2e");
        std::fs::create_dir_all(&e2e_dir).unwrap();
        let mut c = ctx(&dir);
        assert!(e2e(&c).unwrap_err().contains("index.html"));
        std::fs::create_dir_all(dir.join("dist")).unwrap();
        std::fs::write(dir.join("dist").join("index.html"), "<html>").unwrap();
        assert!(e2e(&c).unwrap_err().contains("no tests/e2e"));
        for f in ["b.test.mjs", "a.test.mjs", "helper.mjs", "package.json"] {
            std::fs::write(e2e_dir.join(f), "").unwrap();
        }
        let plan = e2e(&c).unwrap();
        assert_eq!(
            plan[0].args,
            [
                "--test",
                "--test-concurrency=1",
                "tests/e2e/a.test.mjs",
                "tests/e2e/b.test.mjs"
            ]
        );
        assert!(plan[0].env.contains(&("CHROMIUM", CHROMIUM.to_string())));
        assert!(
            plan[0]
                .env
                .contains(&("DIST_DIR", dir.join("dist").to_string_lossy().into_owned()))
        );
        c.failed.push("build");
        assert!(e2e(&c).unwrap_err().contains("build step failed"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
