//! A lesson's page content in one language, as the site serves it: `content/<file>.json`.
//!
//! `lesson-build` writes one file per lesson and language (prose as HTML, card places, and the
//! highlighted source of every snippet a card on the page shows); the page fetches the file of
//! the lesson being read. The page's own wasm keeps only the index (ids, titles, knobs).

use serde::{Deserialize, Serialize};

/// Everything a lesson page shows in one language beyond its index entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonContent {
    /// Prose and card places, in page order.
    pub segments: Vec<Segment>,
    /// The snippets the cards show: this lesson's, and those of other lessons a comparison
    /// names.
    pub snippets: Vec<SnippetText>,
}

/// A piece of a lesson page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Segment {
    /// Prose, as HTML.
    Html(String),
    /// A snippet card of this lesson.
    Snippet {
        /// Snippet id.
        id: String,
        /// Card title in this language, if the prose gives one.
        title: Option<String>,
    },
    /// Two snippets run side by side on the same knobs, each as (lesson id, snippet id). (In
    /// what `lesson-build` renders before it writes a content file, an empty lesson id means
    /// the lesson itself.)
    Compare {
        /// The left side.
        a: (String, String),
        /// The right side.
        b: (String, String),
        /// Title in this language, if the prose gives one.
        title: Option<String>,
        /// The two sides' titles in this language, if the prose gives them.
        sides: Option<(String, String)>,
    },
}

/// A snippet's source as a card shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnippetText {
    /// Its lesson's id.
    pub lesson: String,
    /// Its id.
    pub id: String,
    /// Its card title in this language: the one its lesson's prose gives, else its `//!` line.
    pub title: String,
    /// The source file as shown and copied (without its `// ANCHOR:` lines).
    pub source: String,
    /// The source, highlighted, as HTML.
    pub html: String,
    /// Only the regions the file marks as shown, highlighted; the rest is behind "Show all".
    pub focus_html: Option<String>,
}

impl SnippetText {
    /// The highlighted regions the file marks as shown, else all of it.
    pub fn focus_or_all(&self) -> &str {
        self.focus_html.as_deref().unwrap_or(&self.html)
    }
}

impl LessonContent {
    /// The shown snippet `id` of lesson `lesson`.
    pub fn snippet(&self, lesson: &str, id: &str) -> Option<&SnippetText> {
        self.snippets
            .iter()
            .find(|s| s.lesson == lesson && s.id == id)
    }

    /// True when a heading of the prose has the id `anchor`.
    pub fn has_anchor(&self, anchor: &str) -> bool {
        let attr = format!("id=\"{anchor}\"");
        self.segments
            .iter()
            .any(|s| matches!(s, Segment::Html(html) if html.contains(attr.as_str())))
    }
}
