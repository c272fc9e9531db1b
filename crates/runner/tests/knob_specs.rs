//! The knobs a card shows are the knobs the runner enforces: `lesson-build` reads each
//! snippet's `knobs!` block from its source for the page, and the snippet's compiled `KNOBS`
//! check the values a run gets. If the two drifted, the card would offer one range and the
//! runner refuse it.

use std::path::PathBuf;

#[test]
fn every_snippets_knobs_as_the_page_reads_them_are_the_ones_the_runner_enforces() {
    let lessons = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../lessons");
    let files = std::fs::read_dir(&lessons)
        .unwrap()
        .flat_map(|lesson| {
            std::fs::read_dir(lesson.unwrap().path())
                .into_iter()
                .flatten()
        })
        .filter(|f| {
            f.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|e| e == "rs")
        })
        .count();
    let snippets = runner::registry::SNIPPETS;
    assert_eq!(
        snippets.len(),
        files,
        "every lesson source is a registered snippet"
    );
    let mut with_knobs = 0;
    for s in snippets {
        let path = lessons.join(s.lesson).join(format!("{}.rs", s.id));
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let read: Vec<(String, u32, u32, u32)> = lesson_build::parse_knobs(&source)
            .unwrap_or_else(|e| panic!("{path:?}: {e}"))
            .into_iter()
            .map(|k| (k.name, k.min, k.max, k.default))
            .collect();
        let compiled: Vec<(String, u32, u32, u32)> = s
            .knobs
            .iter()
            .map(|k| (k.name.to_owned(), k.min, k.max, k.default))
            .collect();
        assert_eq!(read, compiled, "{}/{}", s.lesson, s.id);
        with_knobs += usize::from(!compiled.is_empty());
    }
    assert!(
        with_knobs * 2 > snippets.len(),
        "{with_knobs} snippets with knobs"
    );
}
