//! Finding the asides in a lesson's Markdown: fenced blocks, `python` asides and the ```output block after each.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
