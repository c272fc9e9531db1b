//! rustc's diagnostics, read from `cargo build --message-format=json`, placed on the lines of the
//! edited snippet file.

use serde_json::Value;

/// At most this many diagnostics are kept from one build (errors first).
pub const MAX_DIAGNOSTICS: usize = 50;
/// A diagnostic's rendered text is cut to this many bytes.
pub const MAX_RENDERED: usize = 4000;

/// One error or warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// `error` or `warning`.
    pub level: String,
    /// `E0308`, when rustc gives a code.
    pub code: Option<String>,
    /// The one-line message: `mismatched types`.
    pub message: String,
    /// Where in the edited file its primary span starts and ends (1-based lines and columns),
    /// when it points into that file.
    pub span: Option<Span>,
    /// rustc's whole text, with the source lines and notes.
    pub rendered: String,
}

/// A range of the edited file, 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// The diagnostics in cargo's JSON `output` (one message a line), with the spans that fall in a
/// file whose path ends with `file` (as `lessons/08-async-await/crawl.rs`), and paths under
/// `root` (the build's copy of the sources) told from it on, as the reader's repository has
/// them. Errors come before warnings; the summary lines ("aborting due to 2 previous errors")
/// are left out.
pub fn read(output: &str, file: &str, root: &str) -> Vec<Diagnostic> {
    let prefix = format!("{}/", root.trim_end_matches('/'));
    let mut found: Vec<Diagnostic> = output
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-message")
        .filter_map(|m| diagnostic(&m["message"], file))
        .map(|mut d| {
            d.rendered = d.rendered.replace(&prefix, "");
            d
        })
        .collect();
    found.dedup();
    found.sort_by_key(|d| d.level != "error");
    found.truncate(MAX_DIAGNOSTICS);
    found
}

fn diagnostic(m: &Value, file: &str) -> Option<Diagnostic> {
    let level = m["level"].as_str()?;
    if !matches!(level, "error" | "warning") {
        return None;
    }
    let spans = m["spans"].as_array()?;
    if spans.is_empty() && m["code"].is_null() {
        return None; // "aborting due to …", "N warnings emitted"
    }
    let primary = spans.iter().find(|s| s["is_primary"] == true);
    let span = primary
        .filter(|s| {
            s["file_name"]
                .as_str()
                .is_some_and(|f| f.replace('\\', "/").ends_with(file))
        })
        .and_then(|s| {
            let n = |k: &str| s[k].as_u64().and_then(|v| u32::try_from(v).ok());
            Some(Span {
                line: n("line_start")?,
                column: n("column_start")?,
                end_line: n("line_end")?,
                end_column: n("column_end")?,
            })
        });
    let mut rendered = m["rendered"].as_str().unwrap_or_default().to_owned();
    if rendered.len() > MAX_RENDERED {
        let mut cut = MAX_RENDERED;
        while !rendered.is_char_boundary(cut) {
            cut -= 1;
        }
        rendered.truncate(cut);
        rendered.push_str("\n…");
    }
    Some(Diagnostic {
        level: level.to_owned(),
        code: m["code"]["code"].as_str().map(str::to_owned),
        message: m["message"].as_str()?.to_owned(),
        span,
        rendered,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(level: &str, code: Option<&str>, text: &str, file: &str, line: u32) -> String {
        serde_json::json!({
            "reason": "compiler-message",
            "message": {
                "level": level,
                "code": code.map(|c| serde_json::json!({ "code": c })),
                "message": text,
                "rendered": format!("{level}: {text}\n --> {file}:{line}:5\n"),
                "spans": [
                    { "file_name": "/x/other.rs", "is_primary": false, "line_start": 1,
                      "column_start": 1, "line_end": 1, "column_end": 2 },
                    { "file_name": file, "is_primary": true, "line_start": line,
                      "column_start": 5, "line_end": line, "column_end": 9 }
                ]
            }
        })
        .to_string()
    }

    #[test]
    fn errors_come_first_with_their_code_and_place_in_the_edited_file() {
        let file = "lessons/08-async-await/crawl.rs";
        let output = [
            r#"{"reason":"compiler-artifact","target":{"name":"executor"}}"#.to_owned(),
            message("warning", Some("unused_variables"), "unused variable: `x`", "/ws/lessons/08-async-await/crawl.rs", 20),
            message("error", Some("E0308"), "mismatched types", "/ws/lessons/08-async-await/crawl.rs", 31),
            message("error", None, "cannot find value `y`", "/ws/crates/runner/src/run.rs", 7),
            r#"{"reason":"compiler-message","message":{"level":"error","code":null,"message":"aborting due to 2 previous errors","rendered":"error: aborting","spans":[]}}"#.to_owned(),
            "not json".to_owned(),
        ]
        .join("\n");
        let found = read(&output, file, "/ws");
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].message, "mismatched types");
        assert_eq!(found[0].code.as_deref(), Some("E0308"));
        assert_eq!(
            found[0].rendered,
            "error: mismatched types\n --> lessons/08-async-await/crawl.rs:31:5\n",
            "the build's copy is not the reader's business"
        );
        assert_eq!(
            found[0].span,
            Some(Span {
                line: 31,
                column: 5,
                end_line: 31,
                end_column: 9
            })
        );
        assert_eq!(
            found[1].span, None,
            "an error in another file has no place in the editor"
        );
        assert_eq!(found[2].level, "warning");
        assert_eq!(found[2].span.map(|s| s.line), Some(20));
    }

    #[test]
    fn many_and_long_diagnostics_are_capped() {
        let file = "lessons/x/y.rs";
        let long = "é".repeat(MAX_RENDERED);
        let output: Vec<String> = (0..MAX_DIAGNOSTICS as u32 + 20)
            .map(|i| {
                message(
                    "error",
                    None,
                    &format!("{long}{i}"),
                    "/ws/lessons/x/y.rs",
                    i + 1,
                )
            })
            .collect();
        let found = read(&output.join("\n"), file, "/ws");
        assert_eq!(found.len(), MAX_DIAGNOSTICS);
        assert!(
            found
                .iter()
                .all(|d| d.rendered.len() <= MAX_RENDERED + "\n…".len())
        );
    }
}
