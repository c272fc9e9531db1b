//! Renders every lesson into `$OUT_DIR/lessons.rs` for the page (see `crates/lesson-build`).

use std::path::PathBuf;

fn main() {
    let lessons = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("lessons");
    lesson_build::rerun_if_changed(&lessons);
    let catalog = lesson_build::load(&lessons).unwrap_or_else(|e| panic!("lessons: {e}"));
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("lessons.rs");
    std::fs::write(out, lesson_build::page_module(&catalog)).expect("write lessons.rs");
}
