//! Lesson prose: Markdown to HTML segments, with snippet cards where the text names them.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd, html};

use crate::claims::{self, Claim};
use crate::highlight::{escape_attribute, escape_text, highlight};

/// A piece of a lesson page: prose (rendered HTML); a `{{#snippet id}}` or
/// `{{#snippet id "Card title"}}` line; or a `{{#compare a b}}` line, two snippets run side by
/// side on the same knobs, each `snippet` (this lesson) or `lesson-id/snippet`, with an optional
/// quoted title and two more naming the sides (`{{#compare a b "title" "title of a" "title of
/// b"}}`). The content files' type: here a comparison's empty lesson id means this lesson,
/// which [`crate::lesson_content`] fills in.
pub use protocol::content::Segment;

/// A directive line: which kind, its words, and its optional quoted title.
struct Directive {
    kind: &'static str,
    words: Vec<String>,
    title: Option<String>,
    /// A comparison's side titles.
    sides: Option<(String, String)>,
}

/// A lesson's prose, rendered.
#[derive(Clone, Debug, PartialEq)]
pub struct Rendered {
    /// The `# ` heading on the first line.
    pub title: String,
    /// The first paragraph, as plain text.
    pub summary: String,
    /// The body after the title.
    pub segments: Vec<Segment>,
    /// The `{{#check …}}` lines, in order (not shown on the page).
    pub claims: Vec<Claim>,
}

/// Renders a lesson's Markdown. `snippets` are the ids that exist in the lesson's folder; a
/// directive naming another id is an error.
///
/// ```
/// let md = "# Blocking\n\nOne page at a time.\n\n{{#snippet crawl}}\n\nThat was slow.\n";
/// let page = lesson_build::render(md, &["crawl"]).unwrap();
/// assert_eq!(page.title, "Blocking");
/// assert_eq!(page.summary, "One page at a time.");
/// assert_eq!(page.segments.len(), 3);
/// assert!(lesson_build::render(md, &["other"]).is_err());
/// ```
pub fn render(source: &str, snippets: &[&str]) -> Result<Rendered, String> {
    let mut lines = source.lines();
    let title = lines
        .by_ref()
        .find(|l| !l.trim().is_empty())
        .and_then(|l| l.strip_prefix("# "))
        .map(|t| t.trim().to_owned())
        .ok_or("the first line must be the lesson's `# Title`")?;
    let mut segments = Vec::new();
    let mut claims = Vec::new();
    let mut chunk = String::new();
    for (number, line) in lines.enumerate() {
        if let Some(check) = line
            .trim()
            .strip_prefix("{{#check ")
            .and_then(|l| l.strip_suffix("}}"))
        {
            let claim =
                claims::parse(check).map_err(|why| format!("line {}: {why}", number + 2))?;
            if claim.snippet.0.is_empty() && !snippets.contains(&claim.snippet.1.as_str()) {
                return Err(format!(
                    "line {}: no snippet file `{}.rs` in this lesson",
                    number + 2,
                    claim.snippet.1
                ));
            }
            claims.push(claim);
            continue;
        }
        match parse_directive(line) {
            None => {
                chunk.push_str(line);
                chunk.push('\n');
            }
            Some(Err(why)) => return Err(format!("line {}: {why}", number + 2)),
            Some(Ok(Directive {
                kind,
                mut words,
                title,
                sides,
            })) => {
                let fail = |why: String| format!("line {}: {why}", number + 2);
                let local = |id: &str| {
                    if snippets.contains(&id) {
                        Ok(())
                    } else {
                        Err(fail(format!(
                            "no snippet file `{id}.rs` in this lesson (there are: {})",
                            snippets.join(", ")
                        )))
                    }
                };
                flush(&mut chunk, &mut segments);
                if kind == "snippet" && sides.is_some() {
                    return Err(fail("a card has one title".into()));
                }
                match (kind, words.len()) {
                    ("snippet", 1) => {
                        let id = words.remove(0);
                        local(&id)?;
                        segments.push(Segment::Snippet { id, title });
                    }
                    ("compare", 2) => {
                        // Snippets of other lessons are checked once every lesson is loaded.
                        let mut refs = words.into_iter().map(|w| match w.split_once('/') {
                            Some((lesson, id)) => (lesson.to_owned(), id.to_owned()),
                            None => (String::new(), w),
                        });
                        let (a, b) = (refs.next().unwrap(), refs.next().unwrap());
                        for (lesson, id) in [&a, &b] {
                            if lesson.is_empty() {
                                local(id)?;
                            }
                        }
                        segments.push(Segment::Compare { a, b, title, sides });
                    }
                    ("snippet", _) => {
                        return Err(fail("`{{#snippet}}` names one snippet id".into()));
                    }
                    _ => return Err(fail(
                        "`{{#compare}}` names two snippets: `{{#compare 01-blocking/crawl crawl}}`"
                            .into(),
                    )),
                }
            }
        }
    }
    flush(&mut chunk, &mut segments);
    let summary = first_paragraph(source);
    Ok(Rendered {
        title,
        summary,
        segments,
        claims,
    })
}

/// A title as plain text: Markdown's code marks dropped (a title is shown as text: headings,
/// labels, the timeline's group names), `an \`async fn\`` as `an async fn`.
pub fn plain_title(title: &str) -> String {
    title.replace('`', "").trim().to_owned()
}

/// `{{#snippet id "title"}}` or `{{#compare a b "title"}}` alone on a line (title optional).
fn parse_directive(line: &str) -> Option<Result<Directive, String>> {
    let trimmed = line.trim();
    if trimmed.starts_with("{#snippet")
        || trimmed.starts_with("{#compare")
        || trimmed.starts_with("{#check")
    {
        return Some(Err(
            "a directive has two braces on each side: `{{#snippet id}}`".into(),
        ));
    }
    let inner = trimmed.strip_prefix("{{#")?.strip_suffix("}}")?;
    let (kind, rest) = inner.split_once(' ').unwrap_or((inner, ""));
    let kind = match kind {
        "snippet" => "snippet",
        "compare" => "compare",
        _ => return None,
    };
    let (words, mut titles) = match rest.split_once('"') {
        None => (rest, Vec::new()),
        Some((words, quoted)) => {
            // `"a" "b" "c"`: quoted titles with spaces between them.
            let Some(inner) = quoted.strip_suffix('"') else {
                return Some(Err("a card title goes in double quotes".into()));
            };
            let parts: Vec<&str> = inner.split('"').collect();
            let titles: Vec<String> = parts.iter().step_by(2).map(|t| plain_title(t)).collect();
            let between_ok = parts.iter().skip(1).step_by(2).all(|g| g.trim().is_empty());
            if !between_ok || titles.iter().any(|t| t.trim().is_empty()) {
                return Some(Err("a card title goes in double quotes".into()));
            }
            (words, titles)
        }
    };
    let words: Vec<String> = words.split_whitespace().map(str::to_owned).collect();
    if words.is_empty() {
        return Some(Err(format!("`{{{{#{kind}}}}}` needs a snippet id")));
    }
    let sides = match titles.len() {
        0 | 1 => None,
        3 => Some((titles.remove(1), titles.remove(1))),
        _ => {
            return Some(Err(
                "a comparison takes one title, or three: its own and its two sides'".into(),
            ));
        }
    };
    let title = titles.pop();
    Some(Ok(Directive {
        kind,
        words,
        title,
        sides,
    }))
}

fn flush(chunk: &mut String, segments: &mut Vec<Segment>) {
    if !chunk.trim().is_empty() {
        segments.push(Segment::Html(to_html(chunk)));
    }
    chunk.clear();
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES
}

/// Markdown to HTML: fenced code is highlighted, headings get ids for deep links.
fn to_html(markdown: &str) -> String {
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, options()).collect();
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or(""),
                    CodeBlockKind::Indented => "",
                }
                .to_owned();
                let mut code = String::new();
                i += 1;
                while !matches!(events.get(i), Some(Event::End(TagEnd::CodeBlock)) | None) {
                    if let Event::Text(t) = &events[i] {
                        code.push_str(t);
                    }
                    i += 1;
                }
                let body = if lang.is_empty() {
                    escape_text(&code)
                } else {
                    highlight(&code, &lang)
                };
                let class = if lang.is_empty() {
                    "text".into()
                } else {
                    escape_attribute(&lang)
                };
                // Focusable: on a narrow screen a long line scrolls sideways, also by keyboard.
                out.push(Event::Html(CowStr::from(format!(
                    "<pre class=\"code\" data-lang=\"{class}\" tabindex=\"0\"><code>{body}</code></pre>\n"
                ))));
            }
            Event::Start(Tag::Heading {
                level,
                id: None,
                classes,
                attrs,
            }) => {
                let mut text = String::new();
                for e in &events[i + 1..] {
                    match e {
                        Event::End(TagEnd::Heading(_)) => break,
                        Event::Text(t) | Event::Code(t) => text.push_str(t),
                        _ => {}
                    }
                }
                out.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(slug(&text))),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            e => out.push(e.clone()),
        }
        i += 1;
    }
    let mut html_out = String::new();
    html::push_html(&mut html_out, out.into_iter());
    html_out
}

/// A heading's id: lower-case ASCII words joined by '-', other scripts kept as they are.
fn slug(text: &str) -> String {
    let mut s = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    s.trim_end_matches('-').to_owned()
}

fn first_paragraph(markdown: &str) -> String {
    let mut in_paragraph = false;
    let mut text = String::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Paragraph) => in_paragraph = true,
            Event::End(TagEnd::Paragraph) if in_paragraph => break,
            Event::Text(t) | Event::Code(t) if in_paragraph => text.push_str(&t),
            Event::SoftBreak if in_paragraph => text.push(' '),
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_is_highlighted_and_headings_get_ids() {
        let page = render("# T\n\n## In Python\n\n```python\nyield from x\n```\n", &[]).unwrap();
        let Segment::Html(html) = &page.segments[0] else {
            panic!()
        };
        assert!(html.contains("<h2 id=\"in-python\">"), "{html}");
        assert!(html.contains("hl-k"), "{html}");
        assert!(html.contains("data-lang=\"python\""), "{html}");
        // A code block that scrolls sideways can be reached by keyboard (axe:
        // scrollable-region-focusable).
        assert!(html.contains("tabindex=\"0\""), "{html}");
    }

    #[test]
    fn titles_are_plain_text() {
        assert_eq!(
            plain_title(" The state machine an `async fn` becomes "),
            "The state machine an async fn becomes"
        );
        let page = render(
            "# T\n\n{{#snippet crawl \"`.await` 放错了\"}}\n",
            &["crawl"],
        )
        .unwrap();
        assert_eq!(
            page.segments,
            [Segment::Snippet {
                id: "crawl".into(),
                title: Some(".await 放错了".into())
            }]
        );
    }

    #[test]
    fn a_card_can_be_retitled_per_language() {
        let page = render("# T\n\n{{#snippet crawl \"逐个下载\"}}\n", &["crawl"]).unwrap();
        assert_eq!(
            page.segments,
            [Segment::Snippet {
                id: "crawl".into(),
                title: Some("逐个下载".into())
            }]
        );
    }

    #[test]
    fn a_comparison_names_two_snippets() {
        let md = "# T\n\nS.\n\n{{#compare 01-blocking/crawl crawl \"Blocking or not\"}}\n";
        let page = render(md, &["crawl"]).unwrap();
        assert_eq!(
            page.segments[1],
            Segment::Compare {
                a: ("01-blocking".into(), "crawl".into()),
                b: (String::new(), "crawl".into()),
                title: Some("Blocking or not".into()),
                sides: None,
            }
        );
        // With the sides' titles, for snippets that have no card of their own in a language.
        let md = "# T\n\n{{#compare a b \"对比\" \"一个线程\"  \"两个线程\"}}\n";
        let page = render(md, &["a", "b"]).unwrap();
        assert_eq!(
            page.segments[0],
            Segment::Compare {
                a: (String::new(), "a".into()),
                b: (String::new(), "b".into()),
                title: Some("对比".into()),
                sides: Some(("一个线程".into(), "两个线程".into())),
            }
        );
        for bad in [
            "{{#compare a b \"x\" \"y\"}}",
            "{{#compare a b \"x\" y \"z\" \"w\"}}",
            "{{#compare a b \"x\" \"\" \"w\"}}",
            "{{#snippet a \"x\" \"y\" \"z\"}}",
        ] {
            assert!(
                render(&format!("# T\n\n{bad}\n"), &["a", "b"]).is_err(),
                "{bad}"
            );
        }
        let err = render("# T\n\n{#snippet crawl}\n", &["crawl"]).unwrap_err();
        assert!(err.contains("two braces"), "{err}");
        let err = render("# T\n\n{{#compare crawl}}\n", &["crawl"]).unwrap_err();
        assert!(err.contains("names two snippets"), "{err}");
        let err = render("# T\n\n{{#compare crawl nope}}\n", &["crawl"]).unwrap_err();
        assert!(err.contains("no snippet file `nope.rs`"), "{err}");
    }

    #[test]
    fn checks_are_kept_apart_from_the_page() {
        let md = "# T\n\nOne latency.\n{{#check crawl pages=3: elapsed ≈ latency_ms}}\n";
        let page = render(md, &["crawl"]).unwrap();
        assert_eq!(page.claims.len(), 1);
        let Segment::Html(html) = &page.segments[0] else {
            panic!()
        };
        assert!(!html.contains("check"), "{html}");
        let err = render("# T\n\n{{#check nope: elapsed = 1}}\n", &["crawl"]).unwrap_err();
        assert!(err.contains("no snippet file `nope.rs`"), "{err}");
        let err = render("# T\n\n{{#check crawl: elapsed}}\n", &["crawl"]).unwrap_err();
        assert!(err.starts_with("line 3:"), "{err}");
    }

    #[test]
    fn a_missing_title_is_an_error() {
        assert!(
            render("no title here", &[])
                .unwrap_err()
                .contains("# Title")
        );
    }
}
