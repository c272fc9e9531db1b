//! The content files a page reads: every lesson in every language, as the site serves them.

use std::path::PathBuf;

use lesson_build::{Catalog, content_files, lesson_content};
use protocol::content::{LessonContent, Segment};

fn catalog() -> Catalog {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../lessons");
    lesson_build::load(&dir).unwrap()
}

/// Where Chinese text uses ASCII punctuation beside a Chinese character: straight quotes
/// on either side, or `:` `,` `;` `?` `!` `(` right after one.
fn ascii_punctuation_in_chinese(text: &str) -> Vec<String> {
    let cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let before = chars[..i].iter().rev().find(|c| !c.is_whitespace());
        let after = chars[i + 1..].iter().find(|c| !c.is_whitespace());
        let bad = match c {
            '"' => before.is_some_and(|&b| cjk(b)) || after.is_some_and(|&a| cjk(a)),
            ':' | ',' | ';' | '?' | '!' | '(' => i > 0 && cjk(chars[i - 1]),
            _ => false,
        };
        if bad {
            let from = i.saturating_sub(8);
            found.push(chars[from..(i + 8).min(chars.len())].iter().collect());
        }
    }
    found
}

/// Prose HTML as text, without code (`<code>`, `<pre>`), which keeps ASCII punctuation.
fn prose_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tag = &rest[start..];
        let skip_to = ["<code", "<pre"]
            .iter()
            .find(|t| tag.starts_with(**t))
            .map(|t| format!("</{}>", &t[1..]));
        rest = match skip_to.and_then(|end| tag.find(&end).map(|i| i + end.len())) {
            Some(end) => &tag[end..],
            None => tag.find('>').map_or("", |i| &tag[i + 1..]),
        };
    }
    out.push_str(rest);
    out.replace("&quot;", "\"")
}

#[test]
fn the_punctuation_check_finds_what_it_should() {
    assert_eq!(ascii_punctuation_in_chinese("从\"慢网\"上下载").len(), 2);
    assert_eq!(ascii_punctuation_in_chinese("源代码: crawl").len(), 1);
    assert!(ascii_punctuation_in_chinese("从“慢网”上下载：a: b, \"c\"").is_empty());
    assert_eq!(
        prose_text("<p>a <code>\"x\"</code> b</p><pre>c\"</pre>"),
        "a  b"
    );
}

#[test]
fn chinese_pages_use_chinese_punctuation_and_titles() {
    let catalog = catalog();
    for lesson in &catalog.lessons {
        let Some((_, zh)) = lesson.texts.iter().find(|(l, _)| l == "zh") else {
            continue;
        };
        let content = lesson_content(&catalog, lesson, "zh");
        let mut texts = vec![zh.title.clone(), zh.summary.clone()];
        for segment in &content.segments {
            match segment {
                Segment::Html(html) => texts.push(prose_text(html)),
                Segment::Snippet { title, .. } => texts.extend(title.clone()),
                Segment::Compare { a, b, title, sides } => {
                    texts.extend(title.clone());
                    // Every side of a comparison has a Chinese name: its own card's, or one the
                    // comparison gives.
                    let side = |(l, id): &(String, String)| {
                        content
                            .snippet(l, id)
                            .map_or(String::new(), |s| s.title.clone())
                    };
                    let (ta, tb) = sides.clone().unwrap_or_else(|| (side(a), side(b)));
                    for (t, (l, id)) in [(ta, a), (tb, b)] {
                        let owner = catalog.lessons.iter().find(|x| x.id == *l).unwrap();
                        let english = owner
                            .snippets
                            .iter()
                            .find(|s| s.id == *id)
                            .map(|s| &s.title);
                        assert!(
                            Some(&t) != english && t.chars().any(|c| c > '\u{2e80}'),
                            "{}: the comparison's side {l}/{id} is named {t:?} in Chinese",
                            lesson.id
                        );
                        texts.push(t);
                    }
                }
            }
        }
        for text in texts {
            let found = ascii_punctuation_in_chinese(&text);
            assert!(found.is_empty(), "{}: {found:?}", lesson.id);
        }
    }
}

#[test]
fn titles_carry_no_markdown() {
    let catalog = catalog();
    for lesson in &catalog.lessons {
        for (lang, _) in &lesson.texts {
            for s in &lesson_content(&catalog, lesson, lang).snippets {
                assert!(
                    !s.title.contains('`'),
                    "{}/{} in {lang}: {}",
                    s.lesson,
                    s.id,
                    s.title
                );
            }
        }
    }
}

#[test]
fn every_card_finds_its_source_in_the_file_of_its_page() {
    let catalog = catalog();
    for lesson in &catalog.lessons {
        for (lang, _) in &lesson.texts {
            let content = lesson_content(&catalog, lesson, lang);
            let mut cards = Vec::new();
            for segment in &content.segments {
                match segment {
                    Segment::Snippet { id, .. } => cards.push((lesson.id.clone(), id.clone())),
                    Segment::Compare { a, b, .. } => cards.extend([a.clone(), b.clone()]),
                    Segment::Html(_) => {}
                }
            }
            assert!(!cards.is_empty(), "{} in {lang} places no card", lesson.id);
            for (l, id) in &cards {
                let shown = content
                    .snippet(l, id)
                    .unwrap_or_else(|| panic!("{} in {lang}: no source for {l}/{id}", lesson.id));
                assert!(
                    shown.html.contains("class=\"ln\""),
                    "{l}/{id} is not highlighted"
                );
                assert!(shown.source.contains("pub "), "{l}/{id}: {}", shown.source);
            }
            // Nothing else: a page's file carries only what its cards show.
            assert_eq!(content.snippets.len(), {
                let mut unique = cards.clone();
                unique.sort();
                unique.dedup();
                unique.len()
            });
        }
    }
}

#[test]
fn each_file_reads_back_as_it_was_written_and_is_named_by_its_bytes() {
    let catalog = catalog();
    let files = content_files(&catalog);
    let texts: usize = catalog.lessons.iter().map(|l| l.texts.len()).sum();
    assert_eq!(files.len(), texts);
    for file in &files {
        let read: LessonContent = serde_json::from_str(&file.json).unwrap();
        let lesson = catalog
            .lessons
            .iter()
            .find(|l| l.id == file.lesson)
            .unwrap();
        assert_eq!(read, lesson_content(&catalog, lesson, &file.lang));
        assert!(
            file.path
                .starts_with(&format!("content/{}.{}.", file.lesson, file.lang))
        );
    }
    // Another build of the same lessons names the same files; any change of bytes, another.
    let again = content_files(&catalog);
    assert_eq!(
        files.iter().map(|f| &f.path).collect::<Vec<_>>(),
        again.iter().map(|f| &f.path).collect::<Vec<_>>()
    );
    let mut names: Vec<_> = files
        .iter()
        .map(|f| f.path.rsplit('.').nth(1).unwrap())
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), files.len(), "two files share a hash");
}

#[test]
fn a_snippet_shown_only_in_a_comparison_is_named_in_chinese_by_it() {
    let catalog = catalog();
    let lesson = catalog
        .lessons
        .iter()
        .find(|l| l.id == "10-coordinating")
        .unwrap();
    let own = lesson.snippets.iter().find(|s| s.id == "first").unwrap();
    // English keeps the file's own line; Chinese takes the comparison's name for it.
    assert_eq!(lesson_build::card_title(lesson, "first", "en"), own.title);
    let zh = lesson_build::card_title(lesson, "first", "zh");
    assert_ne!(zh, own.title);
    assert!(zh.chars().any(|c| c > '\u{2e80}'), "{zh}");
}
