//! `{{#check …}}` lines: figures the prose states, written so a native test can run the card and check them.
//!
//! A claim names a snippet, optional knob values (the rest keep their defaults), and a
//! comparison between expressions over the run's measurements and its knobs:
//!
//! ```text
//! {{#check crawl pages=10 latency_ms=1000: elapsed ≈ latency_ms}}
//! {{#check 01-blocking/crawl pages=5: elapsed ≈ pages * latency_ms}}
//! {{#check leaf pages=1: polls("page 1") = 3}}
//! {{#check steps: error contains "page 2"}}
//! ```
//!
//! The page never shows these lines; `crates/runner/tests/claims.rs` runs every one on the
//! virtual host. Measurements: `elapsed` (ms), `requests`, `tasks`, `polls`, `wakes`,
//! `polls("task")`, `lines("text")` (output lines containing the text), `printed("text")` (the
//! first number after the text in the first output line that has it), `marks("label")`,
//! `output` and `error` (text, for `contains`; `error = none` for a run that succeeds).
//! Operators: `=`, `≈` (within 5 %, or 1 ms), `<`, `<=`, `>`, `>=`, `contains`, `lacks`.

use std::fmt;

/// One `{{#check …}}` line.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    /// The lesson named before a `/` (empty for this lesson) and the snippet id.
    pub snippet: (String, String),
    /// Knob values for the run; knobs not named keep their defaults.
    pub knobs: Vec<(String, u32)>,
    /// The side left of the operator: what is measured.
    pub lhs: Expr,
    /// How the two sides compare.
    pub op: Op,
    /// The side right of the operator: what is expected.
    pub rhs: Expr,
    /// The claim as written, for messages.
    pub text: String,
}

/// An expression over numbers, knobs and measurements.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A number: `3`, `0.5`, `1_000`.
    Num(f64),
    /// A quoted text, without its quotes.
    Str(String),
    /// A knob, a measurement without an argument, or `none`.
    Name(String),
    /// A measurement with an argument: `polls("page 1")`.
    Call(String, String),
    /// Two numbers joined by `+`, `-`, `*` or `/`.
    Bin(Box<Expr>, char, Box<Expr>),
}

/// How the two sides compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `=`: equal numbers, texts, or both `none`.
    Eq,
    /// `≈`: within 5 % of the right side, or within 1.
    About,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `contains`: the left text has the right one in it.
    Contains,
    /// `lacks`: the left text does not have the right one in it (`none` lacks everything).
    Lacks,
}

/// What a name or measurement is worth in one run.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A number: a count, milliseconds, or a knob's value.
    Num(f64),
    /// A text: the output, or an error's message.
    Text(String),
    /// `none`, or an `error` of a run that succeeded.
    None,
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Num(n) => write!(f, "{n}"),
            Value::Text(t) => write!(f, "{t:?}"),
            Value::None => f.write_str("none"),
        }
    }
}

/// Gives the value of a name, or of a measurement with its argument (`Some("page 1")`).
pub type Lookup<'a> = dyn Fn(&str, Option<&str>) -> Result<Value, String> + 'a;

/// Measurements without an argument.
pub const MEASUREMENTS: &[&str] = &[
    "elapsed",
    "requests",
    "tasks",
    "polls",
    "wakes",
    "turns",
    "peak_in_flight",
    "output",
    "error",
];
/// Measurements with a quoted argument.
pub const CALLS: &[&str] = &["polls", "lines", "printed", "marks"];

/// Parses the inside of `{{#check …}}` (after `check `).
pub fn parse(text: &str) -> Result<Claim, String> {
    let (head, comparison) = text
        .split_once(':')
        .ok_or("a check reads `{{#check snippet knob=value: measure op expression}}`")?;
    let mut words = head.split_whitespace();
    let snippet = words.next().ok_or("a check names a snippet first")?;
    let snippet = match snippet.split_once('/') {
        Some((lesson, id)) => (lesson.to_owned(), id.to_owned()),
        None => (String::new(), snippet.to_owned()),
    };
    let mut knobs = Vec::new();
    for word in words {
        let (name, value) = word
            .split_once('=')
            .ok_or_else(|| format!("`{word}`: knob values are written `name=value`"))?;
        let value = value
            .parse()
            .map_err(|_| format!("`{word}`: a knob value is a whole number"))?;
        knobs.push((name.to_owned(), value));
    }
    let mut p = Parser {
        chars: comparison.chars().collect(),
        at: 0,
    };
    let lhs = p.sum()?;
    let op = p.op()?;
    let rhs = p.sum()?;
    p.skip_space();
    if p.at < p.chars.len() {
        let rest: String = p.chars[p.at..].iter().collect();
        return Err(format!("unexpected `{rest}` at the end of the check"));
    }
    let claim = Claim {
        snippet,
        knobs,
        lhs,
        op,
        rhs,
        text: text.trim().to_owned(),
    };
    for side in [&claim.lhs, &claim.rhs] {
        side.check_names()?;
    }
    Ok(claim)
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn skip_space(&mut self) {
        while self.chars.get(self.at).is_some_and(|c| c.is_whitespace()) {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_space();
        self.chars.get(self.at).copied()
    }

    fn eat(&mut self, s: &str) -> bool {
        self.skip_space();
        let n = s.chars().count();
        if self.chars.len() >= self.at + n
            && self.chars[self.at..self.at + n]
                .iter()
                .copied()
                .eq(s.chars())
        {
            self.at += n;
            true
        } else {
            false
        }
    }

    fn op(&mut self) -> Result<Op, String> {
        for (s, op) in [
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("=", Op::Eq),
            ("≈", Op::About),
            ("<", Op::Lt),
            (">", Op::Gt),
            ("contains", Op::Contains),
            ("lacks", Op::Lacks),
        ] {
            if self.eat(s) {
                return Ok(op);
            }
        }
        Err("expected one of = ≈ < <= > >= contains lacks".into())
    }

    fn sum(&mut self) -> Result<Expr, String> {
        let mut left = self.product()?;
        while let Some(c @ ('+' | '-')) = self.peek() {
            self.at += 1;
            left = Expr::Bin(Box::new(left), c, Box::new(self.product()?));
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Expr, String> {
        let mut left = self.atom()?;
        while let Some(c @ ('*' | '/')) = self.peek() {
            self.at += 1;
            left = Expr::Bin(Box::new(left), c, Box::new(self.atom()?));
        }
        Ok(left)
    }

    fn string(&mut self) -> Result<String, String> {
        let start = self.at;
        while let Some(&c) = self.chars.get(self.at) {
            self.at += 1;
            if c == '"' {
                return Ok(self.chars[start..self.at - 1].iter().collect());
            }
        }
        Err("a quoted text is not closed".into())
    }

    fn atom(&mut self) -> Result<Expr, String> {
        match self.peek() {
            Some('(') => {
                self.at += 1;
                let inner = self.sum()?;
                if !self.eat(")") {
                    return Err("a `(` is not closed".into());
                }
                Ok(inner)
            }
            Some('"') => {
                self.at += 1;
                Ok(Expr::Str(self.string()?))
            }
            Some(c) if c.is_ascii_digit() => {
                let start = self.at;
                while self
                    .chars
                    .get(self.at)
                    .is_some_and(|c| c.is_ascii_digit() || *c == '.' || *c == '_')
                {
                    self.at += 1;
                }
                let digits: String = self.chars[start..self.at]
                    .iter()
                    .filter(|c| **c != '_')
                    .collect();
                digits
                    .parse()
                    .map(Expr::Num)
                    .map_err(|_| format!("`{digits}` is not a number"))
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let start = self.at;
                while self
                    .chars
                    .get(self.at)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                {
                    self.at += 1;
                }
                let name: String = self.chars[start..self.at].iter().collect();
                if self.chars.get(self.at) == Some(&'(') {
                    self.at += 1;
                    if !self.eat("\"") {
                        return Err(format!("`{name}(…)` takes a quoted text"));
                    }
                    let arg = self.string()?;
                    if !self.eat(")") {
                        return Err(format!("`{name}(\"{arg}\"` is not closed"));
                    }
                    return Ok(Expr::Call(name, arg));
                }
                Ok(Expr::Name(name))
            }
            other => Err(format!(
                "expected a number, a name or a quoted text, found {}",
                other.map_or("the end".into(), |c| format!("`{c}`"))
            )),
        }
    }
}

impl Expr {
    fn check_names(&self) -> Result<(), String> {
        match self {
            Expr::Call(name, _) if !CALLS.contains(&name.as_str()) => Err(format!(
                "`{name}(…)` is not a measurement (there are: {})",
                CALLS.join(", ")
            )),
            Expr::Bin(a, _, b) => a.check_names().and(b.check_names()),
            _ => Ok(()),
        }
    }

    /// Every bare name in the expression (knobs, measurements, `none`).
    pub fn names(&self) -> Vec<&str> {
        match self {
            Expr::Name(n) => vec![n],
            Expr::Bin(a, _, b) => [a.names(), b.names()].concat(),
            _ => Vec::new(),
        }
    }

    /// The expression's value; `lookup` gives names (`Some(arg)` for calls).
    pub fn eval(&self, lookup: &Lookup<'_>) -> Result<Value, String> {
        Ok(match self {
            Expr::Num(n) => Value::Num(*n),
            Expr::Str(s) => Value::Text(s.clone()),
            Expr::Name(n) if n == "none" => Value::None,
            Expr::Name(n) => lookup(n, None)?,
            Expr::Call(n, arg) => lookup(n, Some(arg))?,
            Expr::Bin(a, op, b) => {
                let (Value::Num(a), Value::Num(b)) = (a.eval(lookup)?, b.eval(lookup)?) else {
                    return Err(format!("`{op}` works on numbers only"));
                };
                Value::Num(match op {
                    '+' => a + b,
                    '-' => a - b,
                    '*' => a * b,
                    _ => a / b,
                })
            }
        })
    }
}

impl Claim {
    /// Checks the claim against one run; the error says what was measured.
    pub fn verify(&self, lookup: &Lookup<'_>) -> Result<(), String> {
        let lhs = self.lhs.eval(lookup)?;
        let rhs = self.rhs.eval(lookup)?;
        let holds = match (&lhs, self.op, &rhs) {
            (Value::Num(a), op, Value::Num(b)) => match op {
                Op::Eq => a == b,
                Op::About => (a - b).abs() <= (0.05 * b.abs()).max(1.0),
                Op::Lt => a < b,
                Op::Le => a <= b,
                Op::Gt => a > b,
                Op::Ge => a >= b,
                Op::Contains | Op::Lacks => {
                    return Err("`contains` compares texts".into());
                }
            },
            (Value::Text(a), Op::Contains, Value::Text(b)) => a.contains(b.as_str()),
            (Value::Text(a), Op::Lacks, Value::Text(b)) => !a.contains(b.as_str()),
            (Value::None, Op::Contains, _) => false,
            (Value::None, Op::Lacks, _) => true,
            (a, Op::Eq, b) => a == b,
            (a, op, b) => return Err(format!("cannot compare {a} {op:?} {b}")),
        };
        if holds {
            Ok(())
        } else {
            Err(format!("measured {lhs}, expected {:?} {rhs}", self.op))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(name: &str, arg: Option<&str>) -> Result<Value, String> {
        match (name, arg) {
            ("elapsed", None) => Ok(Value::Num(1003.0)),
            ("latency_ms", None) => Ok(Value::Num(1000.0)),
            ("parts", None) => Ok(Value::Num(3.0)),
            ("polls", Some("page 1")) => Ok(Value::Num(3.0)),
            ("error", None) => Ok(Value::Text("page 2, following its link: 500".into())),
            _ => Err(format!("unknown `{name}`")),
        }
    }

    #[test]
    fn a_check_parses_and_holds() {
        let claim = parse("crawl pages=10 latency_ms=1000: elapsed ≈ latency_ms").unwrap();
        assert_eq!(claim.snippet, (String::new(), "crawl".into()));
        assert_eq!(
            claim.knobs,
            [("pages".into(), 10), ("latency_ms".into(), 1000)]
        );
        assert_eq!(claim.verify(&lookup), Ok(()));
        let claim = parse("01-blocking/crawl: elapsed >= (parts + 1) * latency_ms").unwrap();
        assert_eq!(claim.snippet.0, "01-blocking");
        assert!(claim.verify(&lookup).unwrap_err().contains("measured 1003"));
    }

    #[test]
    fn calls_texts_and_none() {
        assert_eq!(
            parse("x: polls(\"page 1\") = 3").unwrap().verify(&lookup),
            Ok(())
        );
        let contains = parse("x: error contains \"page 2, following\"").unwrap();
        assert_eq!(contains.verify(&lookup), Ok(()));
        let none = parse("x: error = none").unwrap();
        assert!(none.verify(&lookup).is_err());
    }

    #[test]
    fn mistakes_are_named() {
        assert!(
            parse("crawl elapsed = 3")
                .unwrap_err()
                .contains("snippet knob=value")
        );
        assert!(
            parse("crawl pages: elapsed = 3")
                .unwrap_err()
                .contains("name=value")
        );
        assert!(
            parse("crawl: elapsed == 3")
                .unwrap_err()
                .contains("expected a number")
        );
        assert!(
            parse("crawl: pols(\"a\") = 3")
                .unwrap_err()
                .contains("not a measurement")
        );
        assert!(
            parse("crawl: elapsed = (3")
                .unwrap_err()
                .contains("not closed")
        );
        assert!(
            parse("crawl: elapsed = 3 4")
                .unwrap_err()
                .contains("at the end")
        );
    }
}
