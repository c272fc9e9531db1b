//! Every lesson snippet, compiled from `lessons/*/*.rs` by the build script.

use std::future::Future;
use std::pin::Pin;

/// A snippet's future, started with checked knob values.
pub type Start = fn(Vec<u32>) -> Pin<Box<dyn Future<Output = tutor::Result>>>;

/// One runnable snippet.
pub struct Snippet {
    /// Lesson folder, e.g. `01-blocking`.
    pub lesson: &'static str,
    /// File stem, e.g. `crawl`.
    pub id: &'static str,
    /// True for a blocking `pub fn run`.
    pub blocking: bool,
    /// Its knobs.
    pub knobs: &'static [tutor::KnobSpec],
    /// The jobs its worker threads can run (`tutor::jobs!`), found by name in each worker.
    pub jobs: &'static [tutor::threads::Job],
    /// Starts it.
    pub start: Start,
}

include!(concat!(env!("OUT_DIR"), "/snippets.rs"));

/// Finds a snippet, or says which ones exist.
pub fn find(lesson: &str, id: &str) -> Result<&'static Snippet, protocol::RunError> {
    SNIPPETS
        .iter()
        .find(|s| s.lesson == lesson && s.id == id)
        .ok_or_else(|| protocol::RunError::NoSuchSnippet {
            lesson: lesson.to_owned(),
            snippet: id.to_owned(),
            known: SNIPPETS
                .iter()
                .map(|s| format!("{}/{}", s.lesson, s.id))
                .collect(),
        })
}
