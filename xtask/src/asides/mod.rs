//! The lessons' "In Python" asides: found in the prose, en and zh compared, run against the slow web, output checked.

// The format (documented for lesson writers in lessons/README.md, "Python asides"):
//
//   - every fenced block of `lessons/*/lesson.{en,zh}.md` whose info string's first word is
//     `python` is an aside, except one whose info string is exactly `python fragment`
//     (display-only);
//   - an aside is followed, before the next `python` block, by exactly one fenced block whose
//     info string's first word is `output` (`output` or `output any-order`): what it prints;
//   - lesson.en.md and lesson.zh.md hold the same asides in the same order: equal Python
//     syntax trees once docstrings are removed (comments are not in the tree), and equal
//     output blocks;
//   - the English aside is run with python3 against an in-process slow web and its stdout is
//     compared with the output block by `compare`.

mod checks;
mod compare;
mod extract;
mod python;
mod same_code;

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::slow_web;

use checks::{lesson_checks, lesson_folders};
use compare::{compare, describe_mismatch};
pub use python::python3;
use python::run_python;
use same_code::same_code;

/// How long one aside may run before it is killed.
pub const TIME_LIMIT: Duration = Duration::from_secs(60);

/// Passes and failures of a run of every aside.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub passed: u64,
    pub failed: u64,
}

/// Indents every line of `text` by `by`; `(nothing)` when it is empty.
fn indent(text: &str, by: &str) -> String {
    if text.trim().is_empty() {
        return format!("{by}(nothing)\n");
    }
    text.lines().map(|l| format!("{by}{l}\n")).collect()
}

/// Runs every aside under `lessons` (or of the lessons named in `only`) against a slow web
/// started here, printing one line per aside, the details of each failure, and a last line in
/// libtest's format (`test result: …`) that `cargo xtask test` counts.
pub fn run(lessons: &Path, only: &[String], out: &mut dyn Write) -> Result<Report, String> {
    let started = Instant::now();
    let version = python3()?;
    let mut pairs = Vec::new();
    let mut checks = Vec::new();
    for folder in lesson_folders(lessons, only)? {
        checks.extend(lesson_checks(lessons, &folder, &mut pairs)?);
    }
    let scratch = std::env::temp_dir().join(format!("xtask-asides-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let differences = same_code(&borrowed, &scratch.join("en-zh"));

    let server = slow_web::Server::bind(0)?.spawn();
    let _ = writeln!(
        out,
        "{version}; slow web on http://127.0.0.1:{} (in-process); {} aside{}; each may take up to {} s",
        server.port(),
        checks.len(),
        if checks.len() == 1 { "" } else { "s" },
        TIME_LIMIT.as_secs()
    );
    let mut report = Report::default();
    let mut failures = Vec::new();
    for (k, check) in checks.iter().enumerate() {
        let mut problems = check.problems.clone();
        if let Some(Some(why)) = check.pair.and_then(|p| differences.get(p)) {
            problems.push(format!("en and zh asides are not the same code: {why}"));
        }
        let mut took = String::new();
        if let Some((code, expected)) = &check.run {
            let dir = scratch.join(format!("aside-{k}"));
            match run_python(code, &dir, server.port(), TIME_LIMIT) {
                Err(e) => problems.push(format!("could not run python3: {e}")),
                Ok(run) => {
                    took = format!(" ({:.1} s)", run.took.as_secs_f64());
                    let stderr = if run.stderr.trim().is_empty() {
                        String::new()
                    } else {
                        format!("stderr:\n{}", indent(run.stderr.trim_end(), "  | "))
                    };
                    if run.timed_out {
                        problems.push(format!(
                            "killed after the time limit of {} s\nstdout so far:\n{}{stderr}",
                            TIME_LIMIT.as_secs(),
                            indent(run.stdout.trim_end(), "  | ")
                        ));
                    } else if run.code != Some(0) {
                        let how = run.code.map_or("was killed by a signal".to_string(), |c| {
                            format!("exited with {c}")
                        });
                        problems.push(format!(
                            "python3 {how}\nstdout:\n{}{stderr}",
                            indent(run.stdout.trim_end(), "  | ")
                        ));
                    } else if let Err(m) = compare(expected, &run.stdout) {
                        problems.push(format!(
                            "output does not match the ```output block at line {}: {}{stderr}",
                            expected.line,
                            describe_mismatch(&m, expected, &run.stdout)
                        ));
                    }
                }
            }
            let _ = std::fs::remove_dir_all(&dir);
        }
        if problems.is_empty() {
            report.passed += 1;
            let _ = writeln!(out, "aside {} ... ok{took}", check.label);
        } else {
            report.failed += 1;
            let _ = writeln!(out, "aside {} ... FAILED{took}", check.label);
            for problem in &problems {
                let _ = write!(out, "{}", indent(problem, "    "));
            }
            failures.push(check.label.clone());
        }
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&scratch);
    if !failures.is_empty() {
        let _ = writeln!(out, "\nfailures:");
        for label in &failures {
            let _ = writeln!(out, "    {label}");
        }
    }
    let _ = writeln!(
        out,
        "\ntest result: {}. {} passed; {} failed; 0 ignored; 0 measured; 0 filtered out; \
         finished in {:.2}s",
        if report.failed == 0 { "ok" } else { "FAILED" },
        report.passed,
        report.failed,
        started.elapsed().as_secs_f64()
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use python::have_python;
    use std::io;

    #[test]
    fn runs_a_throwaway_lesson_end_to_end() {
        if !have_python() {
            return;
        }
        let root = std::env::temp_dir().join(format!("xtask-asides-e2e-{}", std::process::id()));
        let lessons = root.join("lessons");
        let folder = lessons.join("01-demo");
        std::fs::create_dir_all(&folder).unwrap();
        let fetch = "\
import os, time, urllib.request
PORT = int(os.environ.get(\"SLOW_WEB_PORT\", \"8000\"))
start = time.perf_counter()
body = urllib.request.urlopen(f\"http://127.0.0.1:{PORT}/api/page/1?delay=300\").read()
print(\"page 1:\", len(body), \"bytes in\", f\"{time.perf_counter() - start:.2f}\", \"s\")
";
        let en = format!(
            "# Demo\n\nIn Python:\n\n```python\n# fetch one page\n{fetch}```\n\n```output\npage 1: 2048 bytes in 0.3 s\n```\n\n\
             ```python fragment\nawait nothing\n```\n\n\
             ```python\nfor n in (3, 1, 2):\n    print('page', n)\n```\n\n```output any-order\npage 1\npage 2\npage 3\n```\n\n\
             ```python\nprint('one')\n```\n\n```output\ntwo\n```\n\n\
             ```python\nimport sys\nsys.exit(3)\n```\n\n```output\n```\n"
        );
        let zh = en
            .replace("# fetch one page", "# 抓取一页")
            .replace("# Demo", "# 演示")
            .replace("print('one')", "print('uno')");
        std::fs::write(folder.join("lesson.en.md"), &en).unwrap();
        std::fs::write(folder.join("lesson.zh.md"), &zh).unwrap();
        let mut out = Vec::new();
        let report = run(&lessons, &[], &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        // Passes: the fetch (comments differ only) and the any-order one. Fails: `one` ≠ `two`
        // (and zh's code differs), and the exit status 3.
        assert_eq!(
            report,
            Report {
                passed: 2,
                failed: 2
            }
        );
        assert!(
            out.contains("\naside lessons/01-demo/lesson.en.md:5 (zh lessons/01-demo/lesson.zh.md:5) ... ok ("),
            "{out}"
        );
        assert!(
            out.contains("en `print('one')`, zh `print('uno')`"),
            "{out}"
        );
        assert!(
            out.contains("      expected `two`\n      actual   `one`\n"),
            "{out}"
        );
        assert!(out.contains("python3 exited with 3"), "{out}");
        assert!(
            out.ends_with("s\n") && out.contains("\ntest result: FAILED. 2 passed; 2 failed;"),
            "{out}"
        );
        assert!(run(&lessons, &["02".to_string()], &mut io::sink()).is_err());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
