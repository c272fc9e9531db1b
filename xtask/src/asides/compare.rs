//! The output-matching rules: an aside's stdout against its ```output block, line by line, `…` and durations within bounds.

use super::extract::Expected;

/// The token that matches any one token.
const ANY: &str = "…";

/// Lines of an output: trailing whitespace and trailing blank lines dropped.
pub fn normalize(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(|l| l.trim_end().to_string()).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

/// Digits, a point, digits: how an expected duration is written.
fn is_decimal(token: &str) -> bool {
    match token.split_once('.') {
        Some((whole, frac)) => {
            !whole.is_empty()
                && !frac.is_empty()
                && whole.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// Digits with an optional point and digits: an actual duration.
fn number(token: &str) -> Option<f64> {
    let plain = match token.split_once('.') {
        Some((whole, frac)) => {
            !whole.is_empty()
                && !frac.is_empty()
                && whole.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        None => !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()),
    };
    if plain { token.parse().ok() } else { None }
}

/// The accepted range for an expected duration of `e` seconds.
pub fn duration_bounds(e: f64) -> (f64, f64) {
    (0.9 * e - 0.05, 1.5 * e + 0.5)
}

/// Whether one actual line matches one expected line; else why not.
pub fn line_matches(expected: &str, actual: &str) -> Result<(), String> {
    let e: Vec<&str> = expected.split_whitespace().collect();
    let a: Vec<&str> = actual.split_whitespace().collect();
    for (i, want) in e.iter().enumerate() {
        let Some(got) = a.get(i) else {
            return Err(format!("the line ends where `{want}` was expected"));
        };
        if *want == ANY {
            continue;
        }
        // A duration: `0.6 s` (two tokens) or `0.6s` (one).
        let duration = if is_decimal(want) && e.get(i + 1) == Some(&"s") {
            Some((want.to_string(), got.to_string(), " s"))
        } else {
            match (want.strip_suffix('s'), got.strip_suffix('s')) {
                (Some(w), Some(g)) if is_decimal(w) => Some((w.to_string(), g.to_string(), "s")),
                (Some(w), None) if is_decimal(w) => {
                    return Err(format!("`{got}` is not a duration like `{want}`"));
                }
                _ => None,
            }
        };
        match duration {
            Some((want_number, got_number, unit)) => {
                let e_value: f64 = want_number.parse().expect("a decimal");
                let (lo, hi) = duration_bounds(e_value);
                match number(&got_number) {
                    Some(value) if value >= lo - 1e-9 && value <= hi + 1e-9 => {}
                    Some(_) => {
                        return Err(format!(
                            "`{got_number}{unit}` is outside {lo:.2}..={hi:.2} (expected \
                             {want_number}{unit}, allowed 0.9×e−0.05 ..= 1.5×e+0.5)"
                        ));
                    }
                    None => {
                        return Err(format!(
                            "`{got}` is not a number (expected a duration like `{want_number}`)"
                        ));
                    }
                }
            }
            None if want != got => return Err(format!("`{got}` where `{want}` was expected")),
            None => {}
        }
    }
    if a.len() > e.len() {
        return Err(format!(
            "unexpected `{}` after the end",
            a[e.len()..].join(" ")
        ));
    }
    Ok(())
}

/// The first difference between an output and its expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// 1-based index of the line (in sorted order for `any-order`).
    pub index: usize,
    pub expected: Option<String>,
    pub actual: Option<String>,
    pub why: String,
}

/// Compares an aside's stdout with its expected output, line by line (sorted for
/// `any-order`), by [`line_matches`].
pub fn compare(expected: &Expected, actual: &str) -> Result<(), Mismatch> {
    let mut want = normalize(&expected.text);
    let mut got = normalize(actual);
    if expected.any_order {
        want.sort();
        got.sort();
    }
    for i in 0..want.len().max(got.len()) {
        let (w, g) = (want.get(i), got.get(i));
        let why = match (w, g) {
            (Some(w), Some(g)) => match line_matches(w, g) {
                Ok(()) => continue,
                Err(why) => why,
            },
            (Some(_), None) => "the output ends before this line".to_string(),
            (None, _) => "more output than expected".to_string(),
        };
        return Err(Mismatch {
            index: i + 1,
            expected: w.cloned(),
            actual: g.cloned(),
            why,
        });
    }
    Ok(())
}

/// The report of a mismatch: the first differing line, then both outputs in full.
pub(super) fn describe_mismatch(m: &Mismatch, expected: &Expected, stdout: &str) -> String {
    let show = |line: &Option<String>| match line {
        Some(l) => format!("`{l}`"),
        None => "(nothing)".to_string(),
    };
    let order = if expected.any_order {
        " of the sorted lines"
    } else {
        ""
    };
    let mut text = format!(
        "first mismatch at line {}{order}: {}\n  expected {}\n  actual   {}\n",
        m.index,
        m.why,
        show(&m.expected),
        show(&m.actual)
    );
    text.push_str("expected output:\n");
    for line in normalize(&expected.text) {
        text.push_str(&format!("  | {line}\n"));
    }
    text.push_str("actual stdout:\n");
    for line in normalize(stdout) {
        text.push_str(&format!("  | {line}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected(text: &str, any_order: bool) -> Expected {
        Expected {
            line: 1,
            any_order,
            text: text.to_string(),
        }
    }

    #[test]
    fn matches_tokens_and_any() {
        assert_eq!(
            line_matches("page 3: 2048 bytes", "page 3:   2048 bytes  "),
            Ok(())
        );
        assert_eq!(line_matches("page … bytes", "page 17 bytes"), Ok(()));
        assert!(line_matches("page … bytes", "page 1 7 bytes").is_err());
        assert!(
            line_matches("page 3", "page 4")
                .unwrap_err()
                .contains("`4`")
        );
        assert!(line_matches("page 3", "page 3 extra").is_err());
        assert!(line_matches("page 3 extra", "page 3").is_err());
        // A number without a point is not a duration: compared as text.
        assert!(line_matches("took 1 s", "took 2 s").is_err());
    }

    #[test]
    fn durations_within_bounds() {
        // 1.0 s allows 0.85 ..= 2.0.
        for ok in ["1.0 s", "0.85 s", "0.9 s", "1.999 s", "2.0 s", "2 s"] {
            assert_eq!(
                line_matches("done in 1.0 s", &format!("done in {ok}")),
                Ok(()),
                "{ok}"
            );
        }
        for bad in ["0.84 s", "2.01 s", "3 s", "fast s", "1.0 ms"] {
            assert!(
                line_matches("done in 1.0 s", &format!("done in {bad}")).is_err(),
                "{bad}"
            );
        }
        // The suffix form: `1.25s` allows 1.075 ..= 2.375.
        assert_eq!(line_matches("total 1.25s", "total 1.1s"), Ok(()));
        assert_eq!(line_matches("total 1.25s", "total 2.3s"), Ok(()));
        assert!(line_matches("total 1.25s", "total 2.4s").is_err());
        assert!(line_matches("total 1.25s", "total 1.25").is_err());
        // 0.0 s allows up to 0.5 s.
        assert_eq!(line_matches("in 0.0 s", "in 0.003 s"), Ok(()));
        assert!(line_matches("in 0.0 s", "in 0.51 s").is_err());
        let why = line_matches("in 0.6 s", "in 5.0 s").unwrap_err();
        assert!(why.contains("outside 0.49..=1.40"), "{why}");
    }

    #[test]
    fn compares_whole_outputs() {
        let want = expected("a 1.0 s\nb …\n\n", false);
        assert_eq!(compare(&want, "a 1.1 s\nb x  \n\n\n"), Ok(()));
        let m = compare(&want, "b x\na 1.0 s\n").unwrap_err();
        assert_eq!(m.index, 1);
        let m = compare(&want, "a 1.0 s\n").unwrap_err();
        assert_eq!((m.index, m.actual), (2, None));
        let m = compare(&want, "a 1.0 s\nb x\nc\n").unwrap_err();
        assert_eq!((m.index, m.expected), (3, None));

        let any = expected("page 1 done\npage 2 done\npage 3 done\n", true);
        assert_eq!(
            compare(&any, "page 3 done\npage 1 done\npage 2 done\n"),
            Ok(())
        );
        assert!(compare(&any, "page 3 done\npage 1 done\n").is_err());
        assert!(
            compare(&want, "b x\na 1.0 s\n").is_err(),
            "order matters without any-order"
        );
    }
}
