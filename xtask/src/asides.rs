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

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::cmd::probe;
use crate::slow_web;

/// How long one aside may run before it is killed.
pub const TIME_LIMIT: Duration = Duration::from_secs(60);
/// How much of an aside's stdout or stderr is kept.
const CAPTURE_LIMIT: usize = 4 << 20;
/// The token that matches any one token.
const ANY: &str = "…";

/// A fenced code block of a Markdown file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    /// 1-based line of the opening fence.
    pub line: usize,
    /// The info string, trimmed.
    pub info: String,
    /// The content, each line ending in `\n`.
    pub body: String,
}

/// An opening fence: (fence character, its count, indentation, info string).
fn opening(line: &str) -> Option<(char, usize, usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let ch = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let count = rest.len() - rest.trim_start_matches(ch).len();
    if count < 3 {
        return None;
    }
    let info = rest[count..].trim();
    if ch == '`' && info.contains('`') {
        return None;
    }
    Some((ch, count, indent, info))
}

/// Whether `line` closes a fence of `count` × `ch`.
fn closing(line: &str, ch: char, count: usize) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return false;
    }
    let rest = &line[indent..];
    let run = rest.len() - rest.trim_start_matches(ch).len();
    run >= count && rest[run..].trim().is_empty()
}

/// Every fenced block of a Markdown text (CommonMark fences at the top level: ``` or ~~~,
/// indented at most three spaces; an unclosed fence runs to the end).
pub fn fences(text: &str) -> Vec<Fence> {
    let mut found = Vec::new();
    let mut open: Option<(char, usize, usize, Fence)> = None;
    for (i, line) in text.lines().enumerate() {
        match &mut open {
            None => {
                if let Some((ch, count, indent, info)) = opening(line) {
                    let fence = Fence {
                        line: i + 1,
                        info: info.to_string(),
                        body: String::new(),
                    };
                    open = Some((ch, count, indent, fence));
                }
            }
            Some((ch, count, indent, fence)) => {
                if closing(line, *ch, *count) {
                    found.push(open.take().expect("open").3);
                } else {
                    let strip = line.len() - line.trim_start_matches(' ').len();
                    fence.body.push_str(&line[strip.min(*indent)..]);
                    fence.body.push('\n');
                }
            }
        }
    }
    if let Some((.., fence)) = open {
        found.push(fence);
    }
    found
}

/// What a fenced block is to the asides.
#[derive(Debug, PartialEq, Eq)]
enum Kind {
    Aside,
    Fragment,
    /// An output block: whether its lines may come in any order, or what is wrong with it.
    Output(Result<bool, String>),
    Other,
}

fn kind(info: &str) -> Kind {
    let words: Vec<&str> = info.split_whitespace().collect();
    match words.as_slice() {
        ["python", "fragment"] => Kind::Fragment,
        ["python", ..] => Kind::Aside,
        ["output"] => Kind::Output(Ok(false)),
        ["output", "any-order"] => Kind::Output(Ok(true)),
        ["output", rest @ ..] => Kind::Output(Err(format!(
            "unknown output option `{}` (only `output` and `output any-order` exist)",
            rest.join(" ")
        ))),
        _ => Kind::Other,
    }
}

/// An aside's expected output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// 1-based line of the output block's fence.
    pub line: usize,
    /// `output any-order`: lines compared as sorted lists.
    pub any_order: bool,
    pub text: String,
}

/// One aside of a lesson file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aside {
    /// 1-based line of the aside's fence.
    pub line: usize,
    pub code: String,
    /// Its output block, or what is wrong (a message starting with `file:line:`).
    pub expected: Result<Expected, String>,
}

/// The asides of one lesson file, in order; `file` names it in messages.
pub fn extract(file: &str, text: &str) -> Vec<Aside> {
    struct Open {
        line: usize,
        code: String,
        outputs: Vec<(usize, Result<bool, String>, String)>,
    }
    fn close(file: &str, open: Open) -> Aside {
        let expected = match open.outputs.as_slice() {
            [] => Err(format!(
                "{file}:{}: this aside has no ```output block after it (one is needed before \
                 the next ```python block)",
                open.line
            )),
            [(line, Ok(any_order), text)] => Ok(Expected {
                line: *line,
                any_order: *any_order,
                text: text.clone(),
            }),
            [(line, Err(why), _)] => Err(format!("{file}:{line}: {why}")),
            many => {
                let lines: Vec<String> = many.iter().map(|(l, ..)| l.to_string()).collect();
                Err(format!(
                    "{file}:{}: this aside is followed by {} ```output blocks (lines {}); \
                     exactly one is allowed",
                    open.line,
                    many.len(),
                    lines.join(", ")
                ))
            }
        };
        Aside {
            line: open.line,
            code: open.code,
            expected,
        }
    }

    let mut asides = Vec::new();
    let mut open: Option<Open> = None;
    for fence in fences(text) {
        match kind(&fence.info) {
            Kind::Aside | Kind::Fragment => {
                if let Some(done) = open.take() {
                    asides.push(close(file, done));
                }
                if kind(&fence.info) == Kind::Aside {
                    open = Some(Open {
                        line: fence.line,
                        code: fence.body,
                        outputs: Vec::new(),
                    });
                }
            }
            // Output blocks after a fragment (or before any aside) are display-only.
            Kind::Output(mode) => {
                if let Some(open) = &mut open {
                    open.outputs.push((fence.line, mode, fence.body));
                }
            }
            Kind::Other => {}
        }
    }
    if let Some(done) = open.take() {
        asides.push(close(file, done));
    }
    asides
}

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
    if plain {
        token.parse().ok()
    } else {
        None
    }
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
fn describe_mismatch(m: &Mismatch, expected: &Expected, stdout: &str) -> String {
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

/// Compares the syntax trees of code pairs, docstrings removed. Reads `<k>.en.py` and
/// `<k>.zh.py` for k in 0..count from the folder in argv[1]; prints one line per pair:
/// `k<TAB>SAME`, `k<TAB>DIFF<TAB>en line<TAB>zh line` or `k<TAB>ERROR<TAB>message`.
const SAME_CODE_PY: &str = r#"
import ast, os, sys

def tree(path):
    with open(path, encoding="utf-8") as f:
        source = f.read()
    module = ast.parse(source)
    for node in ast.walk(module):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if (body and isinstance(body[0], ast.Expr)
                    and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                node.body = body[1:] or [ast.Pass()]
    return module

folder, count = sys.argv[1], int(sys.argv[2])
for k in range(count):
    trees = []
    for lang in ("en", "zh"):
        try:
            trees.append(tree(os.path.join(folder, f"{k}.{lang}.py")))
        except SyntaxError as e:
            print(f"{k}\tERROR\t{lang}: line {e.lineno}: {e.msg}")
            break
    if len(trees) < 2:
        continue
    if ast.dump(trees[0]) == ast.dump(trees[1]):
        print(f"{k}\tSAME")
        continue
    en, zh = (ast.unparse(t).splitlines() for t in trees)
    for i in range(max(len(en), len(zh))):
        a = en[i] if i < len(en) else "(end)"
        b = zh[i] if i < len(zh) else "(end)"
        if a != b:
            print(f"{k}\tDIFF\t{a}\t{b}")
            break
    else:
        print(f"{k}\tDIFF\t(same text, different trees)\t")
"#;

/// For each (en, zh) code pair: `None` when they are the same code, else how they differ.
pub fn same_code(pairs: &[(&str, &str)], scratch: &Path) -> Vec<Option<String>> {
    if pairs.is_empty() {
        return Vec::new();
    }
    let failed = |why: String| vec![Some(why); pairs.len()];
    if let Err(e) = std::fs::create_dir_all(scratch) {
        return failed(format!("cannot create {}: {e}", scratch.display()));
    }
    for (k, (en, zh)) in pairs.iter().enumerate() {
        for (lang, code) in [("en", en), ("zh", zh)] {
            if let Err(e) = std::fs::write(scratch.join(format!("{k}.{lang}.py")), code) {
                return failed(format!("cannot write to {}: {e}", scratch.display()));
            }
        }
    }
    let out = Command::new("python3")
        .args(["-c", SAME_CODE_PY])
        .arg(scratch)
        .arg(pairs.len().to_string())
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::null())
        .output();
    let out = match out {
        Ok(out) if out.status.success() => out,
        Ok(out) => {
            return failed(format!(
                "the en/zh comparison failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
        Err(e) => {
            return failed(format!(
                "could not run python3 for the en/zh comparison: {e}"
            ))
        }
    };
    let mut result = failed("the en/zh comparison gave no answer".to_string());
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let parts: Vec<&str> = line.split('\t').collect();
        let Some(k) = parts.first().and_then(|k| k.parse::<usize>().ok()) else {
            continue;
        };
        let Some(slot) = result.get_mut(k) else {
            continue;
        };
        *slot = match parts.get(1..).unwrap_or_default() {
            ["SAME"] => None,
            ["DIFF", en, zh] => Some(format!(
                "the code differs (comments and docstrings aside): en `{en}`, zh `{zh}`"
            )),
            ["ERROR", message] => Some(format!("syntax error in the {message}")),
            _ => Some(format!(
                "unexpected answer from the en/zh comparison: {line}"
            )),
        };
    }
    result
}

/// One check: an aside (en, with its zh twin) or a lone one.
struct Check {
    /// `file:line` of the aside.
    label: String,
    /// What to run, when the aside and its output block are well-formed.
    run: Option<(String, Expected)>,
    problems: Vec<String>,
    /// Index into the en/zh code pairs.
    pair: Option<usize>,
}

/// Passes and failures of a run of every aside.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub passed: u64,
    pub failed: u64,
}

/// The checks of one lesson folder; en/zh code pairs go to `pairs`.
fn lesson_checks(
    lessons: &Path,
    folder: &Path,
    pairs: &mut Vec<(String, String)>,
) -> Result<Vec<Check>, String> {
    let base = lessons
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "lessons".to_string());
    let id = folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let read = |lang: &str| -> Result<Option<(String, Vec<Aside>)>, String> {
        let path = folder.join(format!("lesson.{lang}.md"));
        if !path.is_file() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let label = format!("{base}/{id}/lesson.{lang}.md");
        let asides = extract(&label, &text);
        Ok(Some((label, asides)))
    };
    let Some((en_file, en)) = read("en")? else {
        return Ok(Vec::new());
    };
    let zh = read("zh")?;
    let mut checks = Vec::new();
    for (i, aside) in en.iter().enumerate() {
        let mut check = Check {
            label: format!("{en_file}:{}", aside.line),
            run: None,
            problems: Vec::new(),
            pair: None,
        };
        match &aside.expected {
            Ok(expected) => check.run = Some((aside.code.clone(), expected.clone())),
            Err(why) => check.problems.push(why.clone()),
        }
        if let Some((zh_file, zh)) = &zh {
            match zh.get(i) {
                None => check.problems.push(format!(
                    "{zh_file} has no aside #{} to match this one ({} has {}, {} has {})",
                    i + 1,
                    en_file,
                    en.len(),
                    zh_file,
                    zh.len()
                )),
                Some(twin) => {
                    let place = format!("{zh_file}:{}", twin.line);
                    match (&aside.expected, &twin.expected) {
                        (_, Err(why)) => check.problems.push(why.clone()),
                        (Ok(a), Ok(b)) => {
                            if let Some(why) = same_output(a, b) {
                                check.problems.push(format!(
                                    "{zh_file}:{}: its ```output block differs from \
                                     {en_file}:{}'s: {why}",
                                    b.line, a.line
                                ));
                            }
                        }
                        (Err(_), Ok(_)) => {}
                    }
                    check.pair = Some(pairs.len());
                    pairs.push((aside.code.clone(), twin.code.clone()));
                    check.label = format!("{} (zh {place})", check.label);
                }
            }
        }
        checks.push(check);
    }
    if let Some((zh_file, zh)) = &zh {
        for twin in zh.iter().skip(en.len()) {
            checks.push(Check {
                label: format!("{zh_file}:{}", twin.line),
                run: None,
                problems: vec![format!(
                    "{zh_file}:{}: {en_file} has no aside to match this one ({} has {}, {} \
                     has {})",
                    twin.line,
                    en_file,
                    en.len(),
                    zh_file,
                    zh.len()
                )],
                pair: None,
            });
        }
    }
    Ok(checks)
}

/// `None` when the en and zh output blocks are the same, else the first difference.
fn same_output(en: &Expected, zh: &Expected) -> Option<String> {
    if en.any_order != zh.any_order {
        return Some("one is `output any-order`, the other is not".to_string());
    }
    let (a, b) = (normalize(&en.text), normalize(&zh.text));
    for i in 0..a.len().max(b.len()) {
        if a.get(i) != b.get(i) {
            let show = |l: Option<&String>| l.map_or("(nothing)".to_string(), |l| format!("`{l}`"));
            return Some(format!(
                "line {}: en {}, zh {}",
                i + 1,
                show(a.get(i)),
                show(b.get(i))
            ));
        }
    }
    None
}

/// The lesson folders under `lessons` (sorted), keeping those whose id equals or starts with
/// one of `only` (all when it is empty).
fn lesson_folders(lessons: &Path, only: &[String]) -> Result<Vec<PathBuf>, String> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(lessons)
        .map_err(|e| format!("cannot read {}: {e}", lessons.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    if only.is_empty() {
        return Ok(folders);
    }
    let picked: Vec<PathBuf> = folders
        .into_iter()
        .filter(|p| {
            let id = p.file_name().unwrap_or_default().to_string_lossy();
            only.iter().any(|o| id.starts_with(o.as_str()))
        })
        .collect();
    if picked.is_empty() {
        return Err(format!(
            "no lesson under {} matches {}",
            lessons.display(),
            only.join(", ")
        ));
    }
    Ok(picked)
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
    let _ = writeln!(out,
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

    fn expected(text: &str, any_order: bool) -> Expected {
        Expected {
            line: 1,
            any_order,
            text: text.to_string(),
        }
    }

    #[test]
    fn finds_fences() {
        let text = "intro\n```python\nprint(1)\n```\n\n````markdown\n```python\nx\n```\n````\n  ~~~ output any-order\n  a\n   b\n  ~~~\n```rust\nfn main() {}\n";
        let found = fences(text);
        let infos: Vec<_> = found.iter().map(|f| (f.line, f.info.as_str())).collect();
        assert_eq!(
            infos,
            [
                (2, "python"),
                (6, "markdown"),
                (11, "output any-order"),
                (15, "rust")
            ]
        );
        assert_eq!(found[0].body, "print(1)\n");
        assert_eq!(found[1].body, "```python\nx\n```\n");
        assert_eq!(found[2].body, "a\n b\n");
        assert_eq!(found[3].body, "fn main() {}\n", "unclosed: to the end");
    }

    #[test]
    fn extracts_asides_and_their_outputs() {
        let text = "\
# Lesson

```python
print('a')
```

Some prose.

```output
a
```

```python fragment
await fetch(url)
```

```output
display only
```

```python
print('b')
```

```output any-order
b
```
";
        let asides = extract("l.md", text);
        assert_eq!(asides.len(), 2, "the fragment is skipped");
        assert_eq!(asides[0].line, 3);
        assert_eq!(asides[0].code, "print('a')\n");
        assert_eq!(asides[0].expected, Ok(expected_at(9, "a\n", false)));
        assert_eq!(asides[1].line, 21);
        assert_eq!(asides[1].expected, Ok(expected_at(25, "b\n", true)));
    }

    fn expected_at(line: usize, text: &str, any_order: bool) -> Expected {
        Expected {
            line,
            any_order,
            text: text.to_string(),
        }
    }

    #[test]
    fn a_missing_or_doubled_output_block_is_an_error() {
        let text = "```python\nprint(1)\n```\n\n```python\nprint(2)\n```\n```output\n2\n```\n```output\n2\n```\n```python\nprint(3)\n```\n```output sorted\n3\n```\n";
        let asides = extract("lessons/x/lesson.en.md", text);
        assert_eq!(asides.len(), 3);
        let err = asides[0].expected.clone().unwrap_err();
        assert!(
            err.starts_with("lessons/x/lesson.en.md:1: this aside has no ```output block"),
            "{err}"
        );
        let err = asides[1].expected.clone().unwrap_err();
        assert!(err.contains(":5:") && err.contains("lines 8, 11"), "{err}");
        let err = asides[2].expected.clone().unwrap_err();
        assert!(err.contains(":17: unknown output option `sorted`"), "{err}");
    }

    #[test]
    fn matches_tokens_and_any() {
        assert_eq!(
            line_matches("page 3: 2048 bytes", "page 3:   2048 bytes  "),
            Ok(())
        );
        assert_eq!(line_matches("page … bytes", "page 17 bytes"), Ok(()));
        assert!(line_matches("page … bytes", "page 1 7 bytes").is_err());
        assert!(line_matches("page 3", "page 4")
            .unwrap_err()
            .contains("`4`"));
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

    #[test]
    fn output_blocks_of_en_and_zh_must_agree() {
        let a = expected("x\ny\n", false);
        assert_eq!(same_output(&a, &expected("x \ny\n\n", false)), None);
        assert!(same_output(&a, &expected("x\nz\n", false))
            .unwrap()
            .contains("line 2"));
        assert!(same_output(&a, &expected("x\ny\n", true)).is_some());
    }

    fn have_python() -> bool {
        match python3() {
            Ok(_) => true,
            Err(why) => {
                eprintln!("skipped: {why}");
                false
            }
        }
    }

    #[test]
    fn en_and_zh_code_compared_without_comments_and_docstrings() {
        if !have_python() {
            return;
        }
        let en = "\"\"\"Fetch pages.\"\"\"\nimport time\n\ndef get(n):\n    \"\"\"One page.\"\"\"\n    return n  # the page\n\nprint(get(1))\n";
        let zh_comments = "\"\"\"抓取页面。\"\"\"\nimport time\n\n# 一页\ndef get(n):\n    return n  # 页面\n\nprint(get(1))\n";
        let zh_code = "import time\n\ndef get(n):\n    return n + 1\n\nprint(get(1))\n";
        let zh_string = "import time\n\ndef get(n):\n    return n\n\nprint(get(1), '页')\n";
        let broken = "def (:\n";
        let dir = std::env::temp_dir().join(format!("xtask-same-code-{}", std::process::id()));
        let got = same_code(
            &[
                (en, zh_comments),
                (en, zh_code),
                (en, zh_string),
                (en, broken),
            ],
            &dir,
        );
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(got[0], None, "comments and docstrings may differ");
        let why = got[1].clone().unwrap();
        assert!(
            why.contains("return n") && why.contains("return n + 1"),
            "{why}"
        );
        assert!(got[2].clone().unwrap().contains("页"));
        assert!(got[3].clone().unwrap().contains("syntax error in the zh"));
    }

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
