//! The site's per-lesson content files: `content/<lesson>.<lang>.<hash>.json`, one per lesson
//! and language, each a [`protocol::content::LessonContent`].
//!
//! The page's index (see [`crate::page_module`]) names each file; the name carries a hash of
//! the bytes, so a browser or service worker never mixes one build's page with another's text.

use std::path::Path;

use protocol::content::{LessonContent, SnippetText};

use crate::{Catalog, Lesson, Segment};

/// The folder of the content files, relative to the site's root.
pub const DIR: &str = "content";

/// One content file.
#[derive(Debug)]
pub struct ContentFile {
    /// Lesson id.
    pub lesson: String,
    /// Language code.
    pub lang: String,
    /// Path relative to the site's root, e.g. `content/08-async-await.en.0123abcd4567ef89.json`.
    pub path: String,
    /// The JSON.
    pub json: String,
}

/// Every lesson's content file, in lesson order, English first.
pub fn content_files(catalog: &Catalog) -> Vec<ContentFile> {
    let mut files = Vec::new();
    for lesson in &catalog.lessons {
        for (lang, _) in &lesson.texts {
            let content = lesson_content(catalog, lesson, lang);
            let json = serde_json::to_string(&content).expect("content serializes");
            let path = format!(
                "{DIR}/{}.{lang}.{:016x}.json",
                lesson.id,
                fnv(json.as_bytes())
            );
            files.push(ContentFile {
                lesson: lesson.id.clone(),
                lang: lang.clone(),
                path,
                json,
            });
        }
    }
    files
}

/// Writes every content file under `site` (a built site's root), replacing the folder's old
/// files. Returns how many bytes it wrote.
pub fn write_content(catalog: &Catalog, site: &Path) -> Result<u64, String> {
    let dir = site.join(DIR);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut bytes = 0;
    for file in content_files(catalog) {
        let path = site.join(&file.path);
        std::fs::write(&path, &file.json).map_err(|e| format!("{}: {e}", path.display()))?;
        bytes += file.json.len() as u64;
    }
    Ok(bytes)
}

/// A lesson's page in `lang`: its segments, and every snippet a card of it shows.
pub fn lesson_content(catalog: &Catalog, lesson: &Lesson, lang: &str) -> LessonContent {
    let mut segments = text_in(lesson, lang).segments.clone();
    let mut shown: Vec<(String, String)> = Vec::new();
    for segment in &mut segments {
        let places = match segment {
            Segment::Html(_) => vec![],
            Segment::Snippet { id, .. } => vec![(lesson.id.clone(), id.clone())],
            Segment::Compare { a, b, .. } => {
                // An empty lesson id in a comparison means this lesson: the file names it.
                for (l, _) in [&mut *a, &mut *b] {
                    if l.is_empty() {
                        l.clone_from(&lesson.id);
                    }
                }
                vec![a.clone(), b.clone()]
            }
        };
        for place in places {
            if !shown.contains(&place) {
                shown.push(place);
            }
        }
    }
    let snippets = shown
        .into_iter()
        .map(|(l, id)| {
            let owner = catalog
                .lessons
                .iter()
                .find(|x| x.id == l)
                .expect("comparisons were checked when loading");
            let snippet = owner
                .snippets
                .iter()
                .find(|s| s.id == id)
                .expect("directives were checked when loading");
            SnippetText {
                title: card_title(owner, &id, lang).to_owned(),
                lesson: l,
                id,
                source: snippet.text.clone(),
                html: snippet.html.clone(),
                focus_html: snippet.focus_html.clone(),
            }
        })
        .collect();
    LessonContent { segments, snippets }
}

/// A snippet's card title in `lang`: the one its lesson's prose gives its card; else, in a
/// language other than English, the name a comparison in its own lesson gives it in that
/// language (a snippet shown only in a comparison has no card title of its own); else its
/// `//!` line, which is English.
pub fn card_title<'a>(lesson: &'a Lesson, id: &str, lang: &str) -> &'a str {
    let segments = &text_in(lesson, lang).segments;
    let given = segments.iter().find_map(|s| match s {
        Segment::Snippet { id: s_id, title } if s_id == id => title.as_deref(),
        _ => None,
    });
    let side = || {
        segments.iter().find_map(|s| match s {
            Segment::Compare {
                a,
                b,
                sides: Some((ta, tb)),
                ..
            } => {
                let here =
                    |(l, s_id): &(String, String)| (l.is_empty() || *l == lesson.id) && s_id == id;
                (here(a).then_some(ta.as_str())).or(here(b).then_some(tb.as_str()))
            }
            _ => None,
        })
    };
    given
        .or_else(|| (lang != "en").then(side).flatten())
        .unwrap_or_else(|| {
            lesson
                .snippets
                .iter()
                .find(|s| s.id == id)
                .map_or("", |s| s.title.as_str())
        })
}

/// The lesson's prose in `lang`, or English when there is none in that language.
fn text_in<'a>(lesson: &'a Lesson, lang: &str) -> &'a crate::Rendered {
    let (_, text) = lesson
        .texts
        .iter()
        .find(|(l, _)| l == lang)
        .unwrap_or(&lesson.texts[0]);
    text
}

/// A 64-bit FNV-1a hash: the content files' names.
fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
