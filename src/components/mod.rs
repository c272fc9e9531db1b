//! The page's components: shell, lesson page, snippet card, comparison, timeline.

pub mod app;
pub mod card;
pub mod compare;
pub mod frames;
pub mod inspector;
pub mod lesson;
pub mod run_state;
pub mod timeline;
