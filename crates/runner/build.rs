//! Compiles every lesson snippet into the runner (with the `first-part` feature, only the first
//! part's): writes `$OUT_DIR/snippets.rs`.

use std::path::PathBuf;

fn main() {
    let lessons = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../lessons");
    let lessons = lessons.canonicalize().expect("the lessons/ folder exists");
    lesson_build::rerun_if_changed(&lessons);
    let mut catalog = lesson_build::load(&lessons).unwrap_or_else(|e| panic!("lessons: {e}"));
    if std::env::var_os("CARGO_FEATURE_FIRST_PART").is_some() {
        catalog.lessons = lesson_build::first_part(catalog.lessons);
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("snippets.rs");
    std::fs::write(out, lesson_build::runner_module(&catalog)).expect("write snippets.rs");
}
