//! The page's components: shell, lesson page, snippet card, timeline.

pub mod app;
pub mod card;
pub mod inspector;
pub mod lesson;
pub mod timeline;
