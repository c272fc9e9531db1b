//! Syntax highlighting at build time, so the page ships HTML and CSS, not a highlighter.
//!
//! syntect parses the code into TextMate scopes; each run of text gets one of a handful of
//! short classes (`k` keyword, `s` string, …) and neighbouring runs of the same class merge,
//! which keeps the HTML small enough to embed every lesson in the page.

use std::sync::OnceLock;

use syntect::easy::ScopeRangeIterator;
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxSet};
use syntect::util::LinesWithEndings;

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Scope prefixes and the class they get, most specific first. The stylesheet styles
/// `.hl-c`, `.hl-s`, `.hl-k`, `.hl-t`, `.hl-n`, `.hl-f`, `.hl-m`.
const CLASSES: &[(&str, &str)] = &[
    ("comment", "c"),
    ("string", "s"),
    ("constant.character.escape", "s"),
    ("constant.numeric", "n"),
    ("constant.language", "n"),
    ("support.macro", "m"),
    ("support.function", "m"),
    ("entity.name.function", "f"),
    ("entity.name.type", "t"),
    ("entity.name.struct", "t"),
    ("entity.name.enum", "t"),
    ("storage.type", "k"),
    ("support.type", "t"),
    ("storage", "k"),
    ("keyword.operator", ""),
    ("keyword", "k"),
];

fn classify(stack: &ScopeStack) -> &'static str {
    // The innermost scope that maps to something decides.
    for scope in stack.as_slice().iter().rev() {
        for (prefix, class) in CLASSES {
            let prefix = Scope::new(prefix).expect("valid scope");
            if prefix.is_prefix_of(*scope) {
                return class;
            }
        }
    }
    ""
}

/// Highlights `source` written in the language with file extension or name `lang` ("rs",
/// "rust", "py", "python", …) as HTML spans with `hl-` classes. Unknown languages are escaped
/// as plain text.
///
/// ```
/// let html = lesson_build::highlight("fn main() { 1 }", "rs");
/// assert!(html.contains(r#"<span class="hl-k">fn</span>"#), "{html}");
/// assert!(html.contains(r#"<span class="hl-n">1</span>"#), "{html}");
/// assert_eq!(lesson_build::highlight("<b>", "nope"), "&lt;b&gt;");
/// ```
pub fn highlight(source: &str, lang: &str) -> String {
    let mut html = highlight_lines(source, lang).join("\n");
    if source.ends_with('\n') {
        html.push('\n');
    }
    html
}

/// Highlights `source` like [`highlight`], one HTML string per line (without its newline). Each
/// line's spans open and close within it, so lines can be wrapped or picked out one by one.
///
/// ```
/// let lines = lesson_build::highlight_lines("/* a\nb */ fn x() {}\n", "rs");
/// assert_eq!(lines[0], r#"<span class="hl-c">/* a</span>"#);
/// assert!(lines[1].starts_with(r#"<span class="hl-c">b */</span>"#), "{}", lines[1]);
/// assert_eq!(lines.len(), 2);
/// ```
pub fn highlight_lines(source: &str, lang: &str) -> Vec<String> {
    let plain = || source.lines().map(escape_text).collect();
    let set = syntaxes();
    let Some(syntax) = set.find_syntax_by_token(lang) else {
        return plain();
    };
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut out = Vec::new();
    for line in LinesWithEndings::from(source) {
        let Ok(ops) = state.parse_line(line, set) else {
            return plain();
        };
        let mut runs: Vec<(&'static str, &str)> = Vec::new();
        let mut start = 0;
        for (range, op) in ScopeRangeIterator::new(&ops, line) {
            if stack.apply(op).is_err() {
                return plain();
            }
            if range.is_empty() {
                continue;
            }
            let text = &line[range.clone()];
            // Whitespace takes the class of its neighbours, so runs merge across it.
            let class = if text.trim().is_empty() {
                runs.last().map_or("", |r| r.0)
            } else {
                classify(&stack)
            };
            match runs.last_mut() {
                Some((c, t)) if *c == class => *t = &line[start..range.end],
                _ => {
                    runs.push((class, text));
                    start = range.start;
                }
            }
        }
        let mut html = String::with_capacity(line.len() * 2);
        for (class, text) in runs {
            // Trailing whitespace (and the newline) stays outside the span.
            let body = text.trim_end();
            if class.is_empty() || body.is_empty() {
                html.push_str(&escape_text(text));
            } else {
                html.push_str(&format!(
                    "<span class=\"hl-{class}\">{}</span>",
                    escape_text(body)
                ));
                html.push_str(&escape_text(&text[body.len()..]));
            }
        }
        let trimmed = html.trim_end_matches(['\n', '\r']).len();
        html.truncate(trimmed);
        out.push(html);
    }
    out
}

/// `text` safe as the text of an element (`<`, `>` and `&` escaped).
pub(crate) fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html_body_text(&mut out, text)
        .expect("writing to a String cannot fail");
    out
}

/// `text` safe as a quoted attribute value (quotes escaped too).
pub(crate) fn escape_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).expect("writing to a String cannot fail");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_strings_and_python_keywords() {
        let html = highlight("# hi\nx = \"a\"\nyield from g\n", "python");
        assert!(html.contains(r#"<span class="hl-c"># hi"#), "{html}");
        assert!(html.contains(r#"<span class="hl-s">"a"</span>"#), "{html}");
        assert!(
            html.contains(r#"<span class="hl-k">yield from</span>"#),
            "{html}"
        );
    }

    #[test]
    fn the_text_survives_unchanged() {
        let src = "let x = a < b && c > d; // \"q\"\n";
        let html = highlight(src, "rs");
        let text = html
            .split('<')
            .map(|p| p.split_once('>').map_or(p, |(_, t)| t))
            .collect::<String>();
        let unescaped = text
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&");
        assert_eq!(unescaped, src);
    }
}
