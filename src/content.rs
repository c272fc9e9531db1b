//! The lessons, rendered at build time from `lessons/` (see `crates/lesson-build`).

pub use protocol::KnobSpec;

use crate::i18n::Lang;

/// One lesson.
pub struct Lesson {
    /// Folder name and URL id, e.g. `08-async-await`.
    pub id: &'static str,
    /// Its number in the course.
    pub number: u32,
    /// Prose per language; English first.
    pub texts: &'static [LessonText],
    /// Its snippets.
    pub snippets: &'static [Snippet],
}

/// A lesson's prose in one language.
pub struct LessonText {
    /// `en` or `zh`.
    pub lang: &'static str,
    /// The title.
    pub title: &'static str,
    /// The first paragraph, as text.
    pub summary: &'static str,
    /// Prose and card places.
    pub segments: &'static [Segment],
}

/// A piece of a lesson page.
pub enum Segment {
    /// Prose, as HTML.
    Html(&'static str),
    /// A snippet card.
    Snippet {
        /// Snippet id.
        id: &'static str,
        /// Card title in this language, if the prose gives one.
        title: Option<&'static str>,
    },
    /// Two snippets run side by side on the same knobs, as (lesson id, snippet id).
    Compare {
        a: (&'static str, &'static str),
        b: (&'static str, &'static str),
        /// Title in this language, if the prose gives one.
        title: Option<&'static str>,
    },
}

/// A runnable snippet.
pub struct Snippet {
    /// File stem and URL id.
    pub id: &'static str,
    /// Default card title (the file's `//!` line).
    pub title: &'static str,
    /// True for a blocking `pub fn run`.
    pub blocking: bool,
    /// Runs on the page's own thread (`// tutor: page-thread`): the card asks first.
    pub page_thread: bool,
    /// The source file as shown and copied (without its `// ANCHOR:` lines).
    pub source: &'static str,
    /// The source, highlighted.
    pub source_html: &'static str,
    /// Only the regions the file marks as shown, highlighted; the rest is behind "Show all".
    pub focus_html: Option<&'static str>,
    /// Its knobs.
    pub knobs: &'static [Knob],
}

/// A knob with its labels.
pub struct Knob {
    /// Name, range, default.
    pub spec: KnobSpec,
    /// Unit shown after the value.
    pub unit: &'static str,
    /// English label.
    pub en: &'static str,
    /// Chinese label.
    pub zh: &'static str,
}

impl Knob {
    /// The label in `lang`.
    pub fn label(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

/// The snippet `id` of lesson `lesson`.
pub fn snippet(lesson: &str, id: &str) -> Option<&'static Snippet> {
    self::lesson(lesson)?.snippet(id)
}

/// A snippet's card title in `lang`: the one its lesson's prose gives, else its `//!` line.
pub fn card_title(lesson: &str, id: &str, lang: Lang) -> Option<&'static str> {
    let l = self::lesson(lesson)?;
    let given = l.text(lang).segments.iter().find_map(|s| match s {
        Segment::Snippet { id: s_id, title } if *s_id == id => *title,
        _ => None,
    });
    given.or_else(|| l.snippet(id).map(|s| s.title))
}

/// The lesson with this id.
pub fn lesson(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

impl Lesson {
    /// The prose in `lang`, or English when there is none in that language.
    pub fn text(&self, lang: Lang) -> &'static LessonText {
        self.texts
            .iter()
            .find(|t| t.lang == lang.code())
            .unwrap_or(&self.texts[0])
    }

    /// The snippet with this id.
    pub fn snippet(&self, id: &str) -> Option<&'static Snippet> {
        self.snippets.iter().find(|s| s.id == id)
    }

    /// How many snippets it has.
    pub fn snippet_count(&self) -> usize {
        self.snippets.len()
    }
}
