//! Counting passes and failures in step output, and the closing table and totals line.

/// How an invocation's output is turned into pass/fail counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parse {
    /// No test counts: one pass or one failure by exit status (fmt, clippy, build).
    Check,
    /// Sum of every libtest / wasm-bindgen-test `test result:` line.
    Cargo,
    /// The totals of `node --test` (`# pass N` / `ℹ pass N`).
    Node,
}

/// Passes and failures of one invocation or step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: u64,
    pub failed: u64,
}

/// How a step ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Failed,
    /// Not run (counted as one failure).
    Skipped,
}

/// One row of the closing table.
#[derive(Clone, Debug)]
pub struct StepResult {
    pub name: &'static str,
    pub outcome: Outcome,
    pub tally: Tally,
    pub seconds: f64,
}

/// Removes ANSI escape sequences (CSI `ESC [ … final` and two-byte `ESC x`).
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                // OSC: up to BEL or ESC '\'.
                while let Some(c) = chars.next() {
                    if c == '\u{7}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The first unsigned integer in `s` after optional spaces, with the rest of `s`.
fn leading_number(s: &str) -> Option<(u64, &str)> {
    let s = s.trim_start();
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let n = s[..end].parse().ok()?;
    Some((n, &s[end..]))
}

/// Sums `test result: ok. N passed; M failed; …` lines; `None` if there are none.
pub fn parse_cargo(output: &str) -> Option<Tally> {
    let mut found = false;
    let mut tally = Tally::default();
    for line in strip_ansi(output).lines() {
        let Some(pos) = line.find("test result: ") else {
            continue;
        };
        let rest = &line[pos + "test result: ".len()..];
        let Some(dot) = rest.find(". ") else {
            continue;
        };
        let counts = &rest[dot + 2..];
        let Some((passed, after)) = leading_number(counts) else {
            continue;
        };
        let Some(after) = after.trim_start().strip_prefix("passed;") else {
            continue;
        };
        let Some((failed, after)) = leading_number(after) else {
            continue;
        };
        if !after.trim_start().starts_with("failed") {
            continue;
        }
        found = true;
        tally.passed += passed;
        tally.failed += failed;
    }
    found.then_some(tally)
}

/// The last `# pass N` / `# fail N` (TAP) or `ℹ pass N` / `ℹ fail N` (spec) totals of
/// `node --test`; `cancelled` tests count as failures. `None` without a `pass` total.
pub fn parse_node(output: &str) -> Option<Tally> {
    let mut passed = None;
    let mut failed = 0;
    let mut cancelled = 0;
    for line in strip_ansi(output).lines() {
        // Only top-level totals: nested ones (and console output) are indented by node.
        let Some(rest) = line.strip_prefix("# ").or_else(|| line.strip_prefix("ℹ ")) else {
            continue;
        };
        let Some((key, value)) = rest.split_once(' ') else {
            continue;
        };
        let Ok(value) = value.trim().parse::<u64>() else {
            continue;
        };
        match key {
            "pass" => passed = Some(value),
            "fail" => failed = value,
            "cancelled" => cancelled = value,
            _ => {}
        }
    }
    passed.map(|passed| Tally {
        passed,
        failed: failed + cancelled,
    })
}

/// The counts for one invocation, given how to parse it and whether it exited 0.
///
/// Nothing parsable: one pass or one failure by exit status. A non-zero exit with no
/// parsed failure (a compile error after some crates passed, a crash): one extra failure.
pub fn count(parse: Parse, success: bool, output: &str) -> Tally {
    let parsed = match parse {
        Parse::Check => None,
        Parse::Cargo => parse_cargo(output),
        Parse::Node => parse_node(output),
    };
    match parsed {
        None if success => Tally {
            passed: 1,
            failed: 0,
        },
        None => Tally {
            passed: 0,
            failed: 1,
        },
        Some(mut tally) => {
            if !success && tally.failed == 0 {
                tally.failed += 1;
            }
            tally
        }
    }
}

/// Sum of passes and failures over all steps.
pub fn totals(results: &[StepResult]) -> (u64, u64) {
    results
        .iter()
        .fold((0, 0), |(p, f), r| (p + r.tally.passed, f + r.tally.failed))
}

/// The closing per-step table (step, result, passed, failed, seconds).
pub fn table(results: &[StepResult]) -> String {
    let width = results
        .iter()
        .map(|r| r.name.len())
        .chain(["step".len()])
        .max()
        .unwrap_or(4);
    let mut out = format!(
        "{:<width$}  {:<7}  {:>6}  {:>6}  {:>8}\n",
        "step", "result", "passed", "failed", "seconds"
    );
    for r in results {
        let outcome = match r.outcome {
            Outcome::Ok => "ok",
            Outcome::Failed => "FAILED",
            Outcome::Skipped => "skipped",
        };
        out.push_str(&format!(
            "{:<width$}  {:<7}  {:>6}  {:>6}  {:>8.1}\n",
            r.name, outcome, r.tally.passed, r.tally.failed, r.seconds
        ));
    }
    out
}

/// The very last line of `cargo xtask test`.
pub fn final_line(passed: u64, failed: u64) -> String {
    format!("{passed} passed, {failed} failed")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CARGO_OK: &str = "\
   Compiling executor v0.1.0 (/work/main/crates/executor)
    Finished `test` profile [unoptimized + debuginfo] target(s) in 3.21s
     Running unittests src/lib.rs (target/debug/deps/executor-0123)

running 12 tests
test timer::tests::wakes ... ok
test result: ok. 12 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s

     Running tests/sleep.rs (target/debug/deps/sleep-4567)

running 0 tests

test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

   Doc-tests executor

running 3 tests
test src/lib.rs - spawn (line 10) ... ok
test result: ok. 2 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.40s
";

    const CARGO_FAILED: &str = "\
running 4 tests
test a ... ok
test b ... FAILED
failures:
    b
test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.02s

error: test failed, to rerun pass `-p protocol --lib`
";

    // wasm-bindgen-test-runner in headless Chromium, coloured by a TTY.
    const WASM_OK: &str = "\
Running headless tests in Chrome on `http://127.0.0.1:38211/`
Try find `webdriver.json` for configure browser's capabilities:
Not found
running 5 tests
test executor::browser::yields ... \u{1b}[32mok\u{1b}[0m

test result: \u{1b}[32mok\u{1b}[0m. 5 passed; 0 failed; 0 ignored; 0 filtered out; finished in 0.31s
";

    const NODE_TAP: &str = "\
TAP version 13
# pass 99
# Subtest: one
ok 1 - one
# Subtest: group
    # Subtest: sub
    ok 1 - sub
    # pass 7
ok 3 - group
1..4
# tests 5
# suites 0
# pass 3
# fail 2
# cancelled 0
# skipped 0
# todo 0
# duration_ms 223.44185
";

    const NODE_SPEC: &str = "\
✔ loads the home page (812.5ms)
✖ runs the blocking lesson (3011.2ms)
ℹ tests 6
ℹ suites 1
ℹ pass 4
ℹ fail 1
ℹ cancelled 1
ℹ skipped 0
ℹ todo 0
ℹ duration_ms 9120.4
";

    #[test]
    fn sums_cargo_results() {
        assert_eq!(
            parse_cargo(CARGO_OK),
            Some(Tally {
                passed: 14,
                failed: 0
            })
        );
        assert_eq!(
            parse_cargo(CARGO_FAILED),
            Some(Tally {
                passed: 3,
                failed: 1
            })
        );
        assert_eq!(
            parse_cargo(WASM_OK),
            Some(Tally {
                passed: 5,
                failed: 0
            })
        );
        let both = format!("{CARGO_OK}{CARGO_FAILED}");
        assert_eq!(
            parse_cargo(&both),
            Some(Tally {
                passed: 17,
                failed: 1
            })
        );
        assert_eq!(parse_cargo("error[E0425]: cannot find value `x`\n"), None);
    }

    #[test]
    fn reads_node_totals() {
        assert_eq!(
            parse_node(NODE_TAP),
            Some(Tally {
                passed: 3,
                failed: 2
            })
        );
        assert_eq!(
            parse_node(NODE_SPEC),
            Some(Tally {
                passed: 4,
                failed: 2
            })
        );
        assert_eq!(parse_node("Error: Cannot find module 'x'\n"), None);
    }

    #[test]
    fn counts_by_the_rules() {
        let t = |passed, failed| Tally { passed, failed };
        assert_eq!(count(Parse::Check, true, "whatever"), t(1, 0));
        assert_eq!(count(Parse::Check, false, "error: x"), t(0, 1));
        assert_eq!(count(Parse::Cargo, true, CARGO_OK), t(14, 0));
        assert_eq!(count(Parse::Cargo, false, CARGO_FAILED), t(3, 1));
        // Some crates passed, then another failed to compile: one extra failure.
        assert_eq!(count(Parse::Cargo, false, CARGO_OK), t(14, 1));
        assert_eq!(
            count(Parse::Cargo, false, "error: could not compile"),
            t(0, 1)
        );
        assert_eq!(count(Parse::Cargo, true, "no tests here"), t(1, 0));
        assert_eq!(count(Parse::Node, false, NODE_TAP), t(3, 2));
        assert_eq!(count(Parse::Node, false, "# pass 2\n# fail 0\n"), t(2, 1));
    }

    #[test]
    fn strips_ansi() {
        assert_eq!(strip_ansi("\u{1b}[1m\u{1b}[32mok\u{1b}[0m."), "ok.");
        assert_eq!(strip_ansi("a\u{1b}]8;;http://x\u{7}b"), "ab");
    }

    #[test]
    fn renders_table_and_totals() {
        let results = [
            StepResult {
                name: "fmt",
                outcome: Outcome::Ok,
                tally: Tally {
                    passed: 1,
                    failed: 0,
                },
                seconds: 0.42,
            },
            StepResult {
                name: "e2e",
                outcome: Outcome::Skipped,
                tally: Tally {
                    passed: 0,
                    failed: 1,
                },
                seconds: 0.0,
            },
        ];
        let text = table(&results);
        assert_eq!(
            text,
            "\
step  result   passed  failed   seconds
fmt   ok            1       0       0.4
e2e   skipped       0       1       0.0
"
        );
        let (p, f) = totals(&results);
        assert_eq!(final_line(p, f), "1 passed, 1 failed");
    }
}
