//! The lesson index, built from `lessons/` (see `crates/lesson-build`), and each lesson's
//! content, fetched when it is read (`load`).
//!
//! The index is in the wasm: ids, numbers, titles, summaries, snippets and knobs, all a page
//! needs to list lessons and run cards. The prose and highlighted sources are the site's
//! `content/*.json` files, one per lesson and language, named in the index.

pub use protocol::KnobSpec;
pub use protocol::content::{LessonContent, Segment, SnippetText};

mod load;
mod read;

pub use load::{Loaded, shown, use_lesson_content};

use crate::i18n::Lang;

/// One lesson.
pub struct Lesson {
    /// Folder name and URL id, e.g. `08-async-await`.
    pub id: &'static str,
    /// Its number in the course.
    pub number: u32,
    /// Its languages; English first.
    pub texts: &'static [LessonText],
    /// Its snippets.
    pub snippets: &'static [Snippet],
}

/// A lesson's index entry in one language.
pub struct LessonText {
    /// `en` or `zh`.
    pub lang: &'static str,
    /// The title.
    pub title: &'static str,
    /// The first paragraph, as text.
    pub summary: &'static str,
    /// Its content file, relative to the site's root: prose, card places, highlighted sources.
    pub content: &'static str,
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
    /// The replay also moves a turn of the executor at a time (`// tutor: turns`).
    pub turn_steps: bool,
    /// The card runs the snippet under each scheduler (`// tutor: schedulers`).
    pub schedulers: bool,
    /// The knob whose every value the card can run on the virtual clock and plot
    /// (`// tutor: sweep <knob>`).
    pub sweep: Option<&'static str>,
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

/// The lesson with this id.
pub fn lesson(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

impl Lesson {
    /// The index entry in `lang`, or English when there is none in that language.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lesson_text_names_its_own_content_file() {
        let mut seen = std::collections::HashSet::new();
        for lesson in LESSONS {
            for text in lesson.texts {
                let prefix = format!("content/{}.{}.", lesson.id, text.lang);
                assert!(text.content.starts_with(&prefix), "{}", text.content);
                assert!(text.content.ends_with(".json"), "{}", text.content);
                assert!(seen.insert(text.content), "{} twice", text.content);
            }
        }
    }
}
