//! Syntax highlighting at build time, so the page ships HTML and CSS, not a highlighter.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// CSS classes are prefixed so they cannot clash with the page's own (`hl-keyword`, …).
pub const CLASS_PREFIX: &str = "hl-";

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Highlights `source` written in the language with file extension or name `lang` ("rs",
/// "rust", "py", "python", …) as HTML spans with `hl-` classes. Unknown languages are escaped
/// as plain text.
///
/// ```
/// let html = lesson_build::highlight("fn main() {}", "rs");
/// assert!(html.contains("hl-storage"));
/// assert!(lesson_build::highlight("<b>", "nope").contains("&lt;b&gt;"));
/// ```
pub fn highlight(source: &str, lang: &str) -> String {
    let set = syntaxes();
    let syntax = set
        .find_syntax_by_token(lang)
        .unwrap_or_else(|| set.find_syntax_plain_text());
    let mut html = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        set,
        ClassStyle::SpacedPrefixed {
            prefix: CLASS_PREFIX,
        },
    );
    for line in LinesWithEndings::from(source) {
        if html
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return escape(source);
        }
    }
    html.finalize()
}

pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}
