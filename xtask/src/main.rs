//! `cargo xtask`: tool set-up, `serve`, every check of the workspace and the slow web of the Python asides (std, plus `executor::slow_web`).

mod asides;
mod bench;
mod cmd;
mod compile;
mod editor;
mod install;
mod minify;
#[cfg(test)]
mod paths;
mod site;
mod size;
mod slow_web;
mod steps;
mod summary;

use std::env;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

fn usage() -> String {
    let mut steps = String::new();
    for step in steps::STEPS {
        steps.push_str(&format!("  {:<11} {}\n", step.name, step.about));
    }
    format!(
        "\
usage: cargo xtask <command> [options]

commands:
  serve [--port N] [--release] [--dist DIR] [--no-install]
        install the tools, then `trunk serve --address 127.0.0.1 --port N` (default 8080) into
        dist/ (or DIR), with the compile service for edited snippets behind trunk's proxy at
        /compile/ (see compile)
  test [--no-install] [STEP ...]
        install the tools, then run every step (or only the named ones, in the order below),
        print a per-step table and a last line `N passed, N failed`; exit 1 if anything failed
  bench [--smoke] [--no-install]
        build crates/bench for wasm32, assemble target/bench-site and run the benchmarks in
        headless Chromium (tests/bench/run.mjs): one table, ours against wasm-bindgen-futures
        and gloo-timers; --smoke uses tiny sizes. Then, without --smoke, big runs: the course
        built for release into target/bench-big-site, its heaviest cards run at their maximum
        knobs (tests/bench/big-runs.mjs): longest frame gap, renderer memory, timeline DOM
        nodes, scrubber latency. Missed targets are reported, not failures
  slow-web [--port N]
        the slow web of the site's service worker as a native HTTP server on 127.0.0.1:N
        (default {slow_port}), for the lessons' Python asides: `/api/page/<n>?delay=…` after
        the real delay; Ctrl-C stops it
  asides [LESSON ...]
        run the lessons' Python asides against an in-process slow web and check what they
        print (the `python` step); LESSON picks lessons by id prefix (`03`, `08-async-await`)
  finish-site [DIR] [--dev]
        finish a trunk build in DIR (default: trunk's TRUNK_STAGING_DIR; Trunk.toml runs this
        after every build): write the lessons' content files and the code editor's bundle,
        name the build by its content, write embed.html and the service worker's precache list,
        and (release) minify the site's own scripts, the wasm-bindgen glue and the stylesheet
        (index.html's integrity hashes follow). --dev (or TRUNK_PROFILE=debug): the worker
        prefers the network
  compile LESSON SNIPPET FILE
        build the runner with FILE laid over the snippet's file in lessons/, as the compile service
        of `serve` does for an edit (in a copy under target/compile-service, offline, a fast
        profile): prints the module's folder, or rustc's diagnostics
  size [DIR] [--check]
        what a first visit downloads before a run can start, from a built site (default
        dist/, which the `build` step of `test` makes): each file's size and gzip size, and the
        total against the target of 250 KB gzip (issue 17, not met yet). --check: fail above
        the ceiling that keeps the first visit from growing meanwhile (the `build` step runs it)
  install
        only the tool set-up of `test` (every item is checked, missing ones installed)
  help, --help, -h
        print this help

steps:
{steps}
--no-install skips the tool set-up (wasm32 target, trunk {trunk}, the wasm-bindgen CLI matching
Cargo.lock, the npm packages of editor/, and for `test` also Chromium, chromedriver and the npm
packages of tests/e2e).
`$HOME/.cargo/bin` is put first on PATH for every command run from here.
XTASK_ROOT=<dir> overrides the repository root (default: the parent of xtask/).
",
        trunk = install::TRUNK_VERSION,
        slow_port = slow_web::DEFAULT_PORT,
    )
}

/// Options of `cargo xtask test`.
struct TestOpts {
    install: bool,
    steps: Vec<String>,
}

/// Options of `cargo xtask bench`.
struct BenchOpts {
    install: bool,
    smoke: bool,
}

/// Options of `cargo xtask serve`.
struct ServeOpts {
    install: bool,
    port: u16,
    release: bool,
    /// Where trunk writes the site (default dist/).
    dist: Option<PathBuf>,
}

enum Cli {
    Help,
    Install,
    Serve(ServeOpts),
    Test(TestOpts),
    Bench(BenchOpts),
    FinishSite(PathBuf, bool),
    Size(PathBuf, bool),
    /// `compile LESSON SNIPPET FILE`: the compile service once, from the command line.
    Compile(String, String, PathBuf),
    SlowWeb(u16),
    Asides(Vec<String>),
}

fn parse_args(args: &[String]) -> Result<Cli, String> {
    let Some((command, rest)) = args.split_first() else {
        return Ok(Cli::Help);
    };
    if rest.iter().any(|a| a == "--help" || a == "-h") {
        return Ok(Cli::Help);
    }
    match command.as_str() {
        "help" | "--help" | "-h" => Ok(Cli::Help),
        "install" => match rest.first() {
            None => Ok(Cli::Install),
            Some(arg) => Err(format!("install: unknown argument `{arg}`")),
        },
        "serve" => {
            let mut opts = ServeOpts {
                install: true,
                port: 8080,
                release: false,
                dist: None,
            };
            let mut it = rest.iter();
            while let Some(arg) = it.next() {
                let port = match arg.as_str() {
                    "--release" => {
                        opts.release = true;
                        continue;
                    }
                    "--dist" => {
                        let dir = it.next().ok_or("--dist needs a folder")?;
                        opts.dist = Some(PathBuf::from(dir));
                        continue;
                    }
                    "--no-install" => {
                        opts.install = false;
                        continue;
                    }
                    "--port" | "-p" => it.next().ok_or("--port needs a value")?.as_str(),
                    other => match other.strip_prefix("--port=") {
                        Some(value) => value,
                        None => return Err(format!("serve: unknown argument `{other}`")),
                    },
                };
                opts.port = port
                    .parse()
                    .map_err(|_| format!("serve: `{port}` is not a port number"))?;
            }
            Ok(Cli::Serve(opts))
        }
        "test" => {
            let mut opts = TestOpts {
                install: true,
                steps: Vec::new(),
            };
            for arg in rest {
                if arg == "--no-install" {
                    opts.install = false;
                } else if arg.starts_with('-') {
                    return Err(format!("test: unknown option `{arg}`"));
                } else if steps::STEPS.iter().any(|s| s.name == arg) {
                    opts.steps.push(arg.clone());
                } else {
                    let names: Vec<&str> = steps::STEPS.iter().map(|s| s.name).collect();
                    return Err(format!(
                        "test: unknown step `{arg}` (steps: {})",
                        names.join(", ")
                    ));
                }
            }
            Ok(Cli::Test(opts))
        }
        "bench" => {
            let mut opts = BenchOpts {
                install: true,
                smoke: false,
            };
            for arg in rest {
                match arg.as_str() {
                    "--no-install" => opts.install = false,
                    "--smoke" => opts.smoke = true,
                    other => return Err(format!("bench: unknown argument `{other}`")),
                }
            }
            Ok(Cli::Bench(opts))
        }
        "slow-web" => {
            let mut port = slow_web::DEFAULT_PORT;
            let mut it = rest.iter();
            while let Some(arg) = it.next() {
                let value = match arg.as_str() {
                    "--port" | "-p" => it.next().ok_or("--port needs a value")?.as_str(),
                    other => match other.strip_prefix("--port=") {
                        Some(value) => value,
                        None => return Err(format!("slow-web: unknown argument `{other}`")),
                    },
                };
                port = value
                    .parse()
                    .map_err(|_| format!("slow-web: `{value}` is not a port number"))?;
            }
            Ok(Cli::SlowWeb(port))
        }
        "asides" => match rest.iter().find(|a| a.starts_with('-')) {
            Some(arg) => Err(format!("asides: unknown option `{arg}`")),
            None => Ok(Cli::Asides(rest.to_vec())),
        },
        "finish-site" => {
            let (dir, dev) = site::target(rest)?;
            Ok(Cli::FinishSite(dir, dev))
        }
        "compile" => match rest {
            [lesson, snippet, file] if !file.starts_with('-') => Ok(Cli::Compile(
                lesson.clone(),
                snippet.clone(),
                PathBuf::from(file),
            )),
            _ => Err(
                "compile: give LESSON SNIPPET FILE (e.g. 08-async-await crawl edited.rs)".into(),
            ),
        },
        "size" => {
            let check = rest.iter().any(|a| a == "--check");
            let others: Vec<&String> = rest.iter().filter(|a| *a != "--check").collect();
            match others.as_slice() {
                [] => Ok(Cli::Size(repo_root().join("dist"), check)),
                [dir] if !dir.starts_with('-') => Ok(Cli::Size(PathBuf::from(dir), check)),
                _ => Err(format!("size: unexpected arguments `{}`", rest.join(" "))),
            }
        }
        other => Err(format!("unknown command `{other}`")),
    }
}

/// The repository root: `XTASK_ROOT`, else the parent of this crate's directory.
fn repo_root() -> PathBuf {
    if let Some(root) = env::var_os("XTASK_ROOT").filter(|r| !r.is_empty()) {
        let root = PathBuf::from(root);
        return std::fs::canonicalize(&root).unwrap_or(root);
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// Puts `$CARGO_HOME/bin` and `$HOME/.cargo/bin` first on PATH, for us and every child.
fn prepend_cargo_bin() {
    let mut first: Vec<PathBuf> = Vec::new();
    if let Some(cargo_home) = env::var_os("CARGO_HOME").filter(|h| !h.is_empty()) {
        first.push(PathBuf::from(cargo_home).join("bin"));
    }
    if let Some(home) = env::var_os("HOME").filter(|h| !h.is_empty()) {
        first.push(PathBuf::from(home).join(".cargo").join("bin"));
    }
    let old = env::var_os("PATH").unwrap_or_default();
    let mut parts = first.clone();
    for part in env::split_paths(&old) {
        if !first.contains(&part) {
            parts.push(part);
        }
    }
    if let Ok(path) = env::join_paths(parts) {
        #[allow(
            unsafe_code,
            reason = "setting PATH once for every child this tool runs, before any thread starts"
        )]
        // SAFETY: `main` calls this first, while the process has one thread, so nothing reads
        // or writes the environment at the same time.
        unsafe {
            env::set_var("PATH", path);
        }
    }
}

fn serve(root: &std::path::Path, opts: &ServeOpts) -> ExitCode {
    if opts.install
        && let Err(err) = install::run(root, install::Purpose::Serve)
    {
        eprintln!("xtask: tool set-up failed:\n{err}");
        return ExitCode::FAILURE;
    }
    let port = opts.port.to_string();
    let mut trunk = Command::new("trunk");
    trunk
        .args(["serve", "--address", "127.0.0.1", "--port", &port])
        .current_dir(root);
    if opts.release {
        trunk.arg("--release");
    }
    let dist = opts.dist.clone().unwrap_or_else(|| root.join("dist"));
    if opts.dist.is_some() {
        trunk.arg("--dist").arg(&dist);
    }
    // The compile service for edited snippets, behind trunk's proxy at /compile/ (same origin
    // as the page), with a token only the served page gets (finish-site writes it in).
    let service = std::sync::Arc::new(compile::Service::new(
        root,
        &root.join("target").join("compile-service"),
    ));
    let access = compile::http::Access::for_site_port(opts.port);
    let mut token = None;
    match compile::http::start(service.clone(), access.clone(), 0) {
        Ok(compile_port) => {
            trunk
                .arg("--proxy-backend")
                .arg(format!("http://127.0.0.1:{compile_port}/compile/"))
                .args(["--proxy-rewrite", "/compile/"]);
            token = Some(access.token.clone());
            println!("==> compile service on 127.0.0.1:{compile_port}, proxied at /compile/");
            // Warm its target directory, so the reader's first edit is not the slowest: once
            // trunk's first build is out (its page carries this token), not alongside it.
            let (page, token) = (dist.join("index.html"), access.token.clone());
            std::thread::spawn(move || {
                for _ in 0..600 {
                    let built = std::fs::read_to_string(&page).is_ok_and(|p| p.contains(&token));
                    if built {
                        break;
                    }
                    std::thread::sleep(std::time::Duration::from_secs(1));
                }
                let original =
                    std::fs::read_to_string(service.repo().join("lessons/08-async-await/crawl.rs"));
                if let Ok(source) = original {
                    let started = std::time::Instant::now();
                    let warmed = service.compile("08-async-await", "crawl", &source);
                    match warmed {
                        Ok(_) => println!(
                            "==> compile service warmed in {:.0} s: edits now build in seconds",
                            started.elapsed().as_secs_f64()
                        ),
                        Err(compile::Failure::Superseded) => {} // a reader's edit came first
                        Err(e) => eprintln!("xtask: warming the compile service failed: {e:?}"),
                    }
                }
            });
        }
        Err(e) => eprintln!(
            "xtask: the compile service could not start ({e}); edited snippets will not run"
        ),
    }
    println!("==> {}  (http://127.0.0.1:{port}/)", cmd::describe(&trunk));
    let _ = std::io::stdout().flush();
    // Set after the command is shown: the token is for the served page, not the terminal.
    if let Some(token) = token {
        trunk.env(site::COMPILE_TOKEN_ENV, token);
    }
    match trunk.status() {
        Ok(status) => ExitCode::from(cmd::exit_code(status)),
        Err(err) => {
            eprintln!("xtask: could not start trunk: {err}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask compile`: builds the runner with `file` as the snippet, as the compile service
/// does for an edit, and prints where the module is or rustc's diagnostics.
fn compile_once(
    root: &std::path::Path,
    lesson: &str,
    snippet: &str,
    file: &std::path::Path,
) -> ExitCode {
    let source = match std::fs::read_to_string(file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("xtask compile: {}: {e}", file.display());
            return ExitCode::FAILURE;
        }
    };
    let service = compile::Service::new(root, &root.join("target").join("compile-service"));
    match service.compile(lesson, snippet, &source) {
        Ok(built) => {
            for w in &built.warnings {
                eprintln!("{}", w.rendered);
            }
            println!(
                "build {} compiled in {:.1} s: {}",
                built.id,
                built.elapsed.as_secs_f64(),
                built.dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(compile::Failure::Errors(found)) => {
            for d in &found {
                eprintln!("{}", d.rendered);
            }
            eprintln!(
                "xtask compile: {} error(s) in {lesson}/{snippet}",
                found.iter().filter(|d| d.level == "error").count()
            );
            ExitCode::FAILURE
        }
        Err(other) => {
            eprintln!("xtask compile: {other:?}");
            ExitCode::FAILURE
        }
    }
}

fn test(root: &std::path::Path, opts: &TestOpts) -> ExitCode {
    if opts.install
        && let Err(err) = install::run(root, install::Purpose::Test)
    {
        eprintln!("xtask: tool set-up failed:\n{err}");
        println!("{}", summary::final_line(0, 1));
        return ExitCode::FAILURE;
    }
    let results = steps::run_all(root, &opts.steps);
    println!();
    print!("{}", summary::table(&results));
    let (passed, failed) = summary::totals(&results);
    println!("{}", summary::final_line(passed, failed));
    let _ = std::io::stdout().flush();
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn bench(root: &std::path::Path, opts: &BenchOpts) -> ExitCode {
    if opts.install
        && let Err(err) = install::run(root, install::Purpose::Test)
    {
        eprintln!("xtask: tool set-up failed:\n{err}");
        return ExitCode::FAILURE;
    }
    match bench::run(root, opts.smoke) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: bench failed: {err}");
            ExitCode::FAILURE
        }
    }
}

fn slow_web(port: u16) -> ExitCode {
    let server = match slow_web::Server::bind(port) {
        Ok(server) => server.log(true),
        Err(err) => {
            eprintln!("xtask slow-web: {err}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "slow web on http://127.0.0.1:{} — run the Python asides now",
        server.port()
    );
    server.run();
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    prepend_cargo_bin();
    let args: Vec<String> = env::args().skip(1).collect();
    let cli = match parse_args(&args) {
        Ok(cli) => cli,
        Err(err) => {
            eprintln!("xtask: {err} (see `cargo xtask --help`)");
            return ExitCode::from(2);
        }
    };
    let root = repo_root();
    match cli {
        Cli::Help => {
            print!("{}", usage());
            ExitCode::SUCCESS
        }
        Cli::Install => match install::run(&root, install::Purpose::Test) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("xtask: tool set-up failed:\n{err}");
                ExitCode::FAILURE
            }
        },
        Cli::Serve(opts) => serve(&root, &opts),
        Cli::Test(opts) => test(&root, &opts),
        Cli::Bench(opts) => bench(&root, &opts),
        Cli::SlowWeb(port) => slow_web(port),
        Cli::Compile(lesson, snippet, file) => compile_once(&root, &lesson, &snippet, &file),
        Cli::Asides(only) => {
            match asides::run(&root.join("lessons"), &only, &mut std::io::stdout()) {
                Ok(report) if report.failed == 0 => ExitCode::SUCCESS,
                Ok(_) => ExitCode::FAILURE,
                Err(err) => {
                    eprintln!("xtask asides: {err}");
                    ExitCode::FAILURE
                }
            }
        }
        Cli::FinishSite(dir, dev) => {
            let root = repo_root();
            let finished = site::write_lessons(&dir, &root)
                // Release builds only (as the scripts below): trunk's glue and stylesheet.
                .and_then(|_| match dev {
                    true => Ok(()),
                    false => minify::trunk_output(&root, &dir),
                })
                .and_then(|_| editor::bundle(&root, &dir))
                .and_then(|editor| site::finish(&dir, dev, Some(&editor)))
                // Release builds only: a dev build keeps its scripts readable.
                .and_then(|done| match dev {
                    true => Ok(done),
                    false => minify::scripts(&root, &dir).map(|()| done),
                });
            match finished {
                Ok(done) => {
                    println!(
                        "finish-site: build {} ({}), {} files, {:.1} MB precached",
                        done.build,
                        if dev { "dev" } else { "release" },
                        done.files.len(),
                        done.bytes as f64 / 1e6
                    );
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("xtask finish-site: {err}");
                    ExitCode::FAILURE
                }
            }
        }
        Cli::Size(dist, check) => match size::first_visit(&dist) {
            Ok(loaded) => {
                print!("{}", size::table(&loaded));
                match size::check(&loaded) {
                    Err(err) if check => {
                        eprintln!("xtask size: {err}");
                        ExitCode::FAILURE
                    }
                    _ => ExitCode::SUCCESS,
                }
            }
            Err(err) => {
                eprintln!("xtask size: {err}");
                ExitCode::FAILURE
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_serve() {
        let Ok(Cli::Serve(o)) = parse_args(&args(&["serve", "--port", "9000", "--release"])) else {
            panic!("not serve");
        };
        assert_eq!((o.port, o.release, o.install), (9000, true, true));
        let Ok(Cli::Serve(o)) = parse_args(&args(&["serve", "--port=81", "--no-install"])) else {
            panic!("not serve");
        };
        assert_eq!((o.port, o.release, o.install), (81, false, false));
        assert!(parse_args(&args(&["serve", "--port", "x"])).is_err());
        assert!(parse_args(&args(&["serve", "--port"])).is_err());
    }

    #[test]
    fn parses_test() {
        let Ok(Cli::Test(o)) = parse_args(&args(&["test", "--no-install", "fmt", "e2e"])) else {
            panic!("not test");
        };
        assert!(!o.install);
        assert_eq!(o.steps, ["fmt", "e2e"]);
        assert!(parse_args(&args(&["test", "nope"])).is_err());
        assert!(parse_args(&args(&["test", "--bogus"])).is_err());
        assert!(matches!(parse_args(&args(&[])), Ok(Cli::Help)));
        assert!(matches!(parse_args(&args(&["install"])), Ok(Cli::Install)));
        assert!(parse_args(&args(&["install", "x"])).is_err());
        assert!(matches!(parse_args(&args(&["test", "-h"])), Ok(Cli::Help)));
    }

    #[test]
    fn parses_size() {
        let Ok(Cli::Size(dir, false)) = parse_args(&args(&["size", "/tmp/site"])) else {
            panic!("size with a folder");
        };
        assert_eq!(dir, PathBuf::from("/tmp/site"));
        let Ok(Cli::Size(dir, false)) = parse_args(&args(&["size"])) else {
            panic!("size alone");
        };
        assert!(dir.ends_with("dist"));
        let Ok(Cli::Size(dir, true)) = parse_args(&args(&["size", "/tmp/site", "--check"])) else {
            panic!("size with a folder and --check");
        };
        assert_eq!(dir, PathBuf::from("/tmp/site"));
        assert!(parse_args(&args(&["size", "--release"])).is_err());
    }

    #[test]
    fn parses_slow_web_and_asides() {
        let port = |list: &[&str]| match parse_args(&args(list)) {
            Ok(Cli::SlowWeb(port)) => Ok(port),
            Ok(_) => panic!("not slow-web"),
            Err(err) => Err(err),
        };
        assert_eq!(port(&["slow-web"]), Ok(8000));
        assert_eq!(port(&["slow-web", "--port", "9001"]), Ok(9001));
        assert_eq!(port(&["slow-web", "--port=0"]), Ok(0));
        assert!(port(&["slow-web", "--port", "70000"]).is_err());
        assert!(port(&["slow-web", "--port"]).is_err());
        assert!(port(&["slow-web", "8000"]).is_err());
        let Ok(Cli::Asides(only)) = parse_args(&args(&["asides", "03", "08-async-await"])) else {
            panic!("not asides");
        };
        assert_eq!(only, ["03", "08-async-await"]);
        assert!(parse_args(&args(&["asides", "--fast"])).is_err());
    }

    #[test]
    fn parses_bench() {
        let Ok(Cli::Bench(o)) = parse_args(&args(&["bench"])) else {
            panic!("not bench");
        };
        assert_eq!((o.install, o.smoke), (true, false));
        let Ok(Cli::Bench(o)) = parse_args(&args(&["bench", "--smoke", "--no-install"])) else {
            panic!("not bench");
        };
        assert_eq!((o.install, o.smoke), (false, true));
        assert!(parse_args(&args(&["bench", "--fast"])).is_err());
    }
}
