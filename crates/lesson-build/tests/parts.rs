//! The first part's runner program: only the lessons a first visit opens.

use std::path::PathBuf;

use lesson_build::{FIRST_PART_LAST, first_part, runner_module};

#[test]
fn the_first_part_is_lessons_0_and_1_and_its_registry_names_only_their_snippets() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../lessons");
    let all = lesson_build::load(&dir).unwrap();
    let ids: Vec<String> = all.lessons.iter().map(|l| l.id.clone()).collect();
    let mut catalog = lesson_build::load(&dir).unwrap();
    catalog.lessons = first_part(catalog.lessons);
    let kept: Vec<&str> = catalog.lessons.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(kept, ["00-concepts", "01-blocking"]);
    assert!(catalog.lessons.iter().all(|l| l.number <= FIRST_PART_LAST));
    let registry = runner_module(&catalog);
    assert!(registry.contains("lesson: \"01-blocking\",\n        id: \"freeze\""));
    for id in ids.iter().filter(|id| !kept.contains(&id.as_str())) {
        assert!(
            !registry.contains(&format!("lesson: \"{id}\"")),
            "{id} is in the first part"
        );
    }
    // Lesson 0's comparison and worker threads need nothing from a later lesson.
    assert!(
        registry.contains("00_concepts_parallel::JOBS"),
        "{registry}"
    );
}
