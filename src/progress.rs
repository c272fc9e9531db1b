//! The reader's progress, kept in `localStorage`: lessons visited, snippets run, last lesson.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use crate::store;

const KEY: &str = "progress";
const LAST: &str = "last-lesson";

/// What the reader has done so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Lesson ids.
    pub visited: BTreeSet<String>,
    /// `lesson/snippet` ids.
    pub ran: BTreeSet<String>,
}

impl Progress {
    /// Parses `visited=a,b;ran=a/x,b/y`; anything else is ignored.
    fn parse(text: &str) -> Progress {
        let mut p = Progress::default();
        for part in text.split(';') {
            let Some((name, list)) = part.split_once('=') else {
                continue;
            };
            let items = list.split(',').filter(|s| !s.is_empty()).map(str::to_owned);
            match name {
                "visited" => p.visited.extend(items),
                "ran" => p.ran.extend(items),
                _ => {}
            }
        }
        p
    }

    fn encode(&self) -> String {
        let join = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(",");
        format!("visited={};ran={}", join(&self.visited), join(&self.ran))
    }

    /// How many of `snippets` (the ids of `lesson`'s snippets) have been run; stored ids that
    /// are not among them (stale, or edited by hand) do not count.
    pub fn ran_in<'a>(&self, lesson: &str, snippets: impl IntoIterator<Item = &'a str>) -> usize {
        let mut ids: Vec<&str> = snippets.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .filter(|id| self.ran.contains(&format!("{lesson}/{id}")))
            .count()
    }

    /// What the navigation shows beside a lesson: nothing before it is opened or any of its
    /// snippets run, then the snippets run out of all, with a ✓ once every one has run.
    pub fn badge(visited: bool, ran: usize, total: usize) -> String {
        match (visited || ran > 0, total > 0 && ran >= total) {
            (_, true) => format!("✓ {ran}/{total}"),
            (true, false) => format!("{ran}/{total}"),
            (false, false) => String::new(),
        }
    }
}

type Listener = Rc<dyn Fn(&Progress)>;

thread_local! {
    static LISTENERS: RefCell<Vec<(u32, Listener)>> = const { RefCell::new(Vec::new()) };
    static NEXT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// The progress stored now.
pub fn load() -> Progress {
    store::get(KEY)
        .map(|t| Progress::parse(&t))
        .unwrap_or_default()
}

fn update(change: impl FnOnce(&mut Progress)) {
    let mut p = load();
    let before = p.clone();
    change(&mut p);
    if p == before {
        return;
    }
    store::set(KEY, &p.encode());
    let listeners: Vec<Listener> =
        LISTENERS.with(|l| l.borrow().iter().map(|(_, f)| f.clone()).collect());
    for f in listeners {
        f(&p);
    }
}

/// The reader opened `lesson`.
pub fn visited(lesson: &str) {
    store::set(LAST, lesson);
    update(|p| {
        p.visited.insert(lesson.to_owned());
    });
}

/// A run of `lesson/snippet` finished.
pub fn ran(lesson: &str, snippet: &str) {
    update(|p| {
        p.ran.insert(format!("{lesson}/{snippet}"));
    });
}

/// Forgets all progress (the last lesson too).
pub fn reset() {
    store::remove(LAST);
    update(|p| *p = Progress::default());
}

/// What [`reset`] forgets, kept for Undo.
#[derive(Clone, Debug, PartialEq)]
pub struct Saved(Progress, Option<String>);

/// The progress as it is now, to give back with [`restore`] after a reset.
pub fn save() -> Saved {
    Saved(load(), last_lesson())
}

/// Gives back progress saved before a reset (Undo), added to whatever was recorded since.
pub fn restore(saved: Saved) {
    let Saved(old, last) = saved;
    if let (Some(last), None) = (last, last_lesson()) {
        store::set(LAST, &last);
    }
    update(|p| {
        p.visited.extend(old.visited);
        p.ran.extend(old.ran);
    });
}

/// The lesson the reader was on last time.
pub fn last_lesson() -> Option<String> {
    store::get(LAST)
}

/// The progress, kept current for a component.
#[yew::hook]
pub fn use_progress() -> Progress {
    let progress = yew::use_state(load);
    {
        let progress = progress.clone();
        yew::use_effect_with((), move |_| {
            let id = NEXT.with(|n| {
                let id = n.get() + 1;
                n.set(id);
                id
            });
            // Catch up on changes made before this effect ran (a child's effects run first).
            progress.set(load());
            let listener: Listener = Rc::new(move |p: &Progress| progress.set(p.clone()));
            LISTENERS.with(|l| l.borrow_mut().push((id, listener)));
            move || LISTENERS.with(|l| l.borrow_mut().retain(|(i, _)| *i != id))
        });
    }
    (*progress).clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_round_trips_through_its_text() {
        let mut p = Progress::default();
        p.visited.insert("01-blocking".into());
        p.ran.insert("01-blocking/crawl".into());
        p.ran.insert("08-async-await/crawl".into());
        let back = Progress::parse(&p.encode());
        assert_eq!(back, p);
        assert_eq!(back.ran_in("01-blocking", ["crawl", "freeze"]), 1);
        assert_eq!(Progress::parse("garbage;;visited="), Progress::default());
    }

    #[test]
    fn only_the_lessons_own_snippets_count() {
        // Stale or hand-made entries ("✓ 6/4", "✓ 50000/4" before).
        let mut text = String::from("visited=08-async-await;ran=08-async-await/crawl");
        for i in 0..50_000 {
            text.push_str(&format!(",08-async-await/old{i}"));
        }
        text.push_str(",08-async-await/,08-async-await/crawl/x,08-async-awaitcrawl");
        let p = Progress::parse(&text);
        let lesson = crate::content::lesson("08-async-await").unwrap();
        let ids = lesson.snippets.iter().map(|s| s.id);
        assert_eq!(p.ran_in(lesson.id, ids), 1);
        // The same id twice in the list counts once.
        assert_eq!(p.ran_in(lesson.id, ["crawl", "crawl"]), 1);
    }

    #[test]
    fn the_badge_shows_a_tick_only_when_every_snippet_has_run() {
        assert_eq!(Progress::badge(false, 0, 4), "");
        assert_eq!(Progress::badge(true, 0, 4), "0/4");
        assert_eq!(Progress::badge(true, 3, 4), "3/4");
        assert_eq!(Progress::badge(true, 4, 4), "✓ 4/4");
        // Run from a link to a snippet before the lesson was opened: done is done.
        assert_eq!(Progress::badge(false, 2, 2), "✓ 2/2");
        assert_eq!(Progress::badge(false, 1, 2), "1/2");
        assert_eq!(Progress::badge(true, 0, 0), "0/0");
    }

    #[test]
    fn every_lesson_can_be_completed_by_its_cards() {
        use crate::content::{LESSONS, Segment};
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
        let catalog = lesson_build::load(&dir).unwrap();
        // What a lesson's cards record: a card its snippet, a comparison both of its sides.
        for lesson in LESSONS {
            let built = catalog.lessons.iter().find(|l| l.id == lesson.id).unwrap();
            let mut p = Progress::default();
            for segment in lesson_build::lesson_content(&catalog, built, "en").segments {
                match segment {
                    Segment::Snippet { id, .. } => {
                        p.ran.insert(format!("{}/{id}", lesson.id));
                    }
                    Segment::Compare { a, b, .. } => {
                        for (l, id) in [a, b] {
                            p.ran.insert(format!("{l}/{id}"));
                        }
                    }
                    Segment::Html(_) => {}
                }
            }
            let total = lesson.snippet_count();
            let ids = lesson.snippets.iter().map(|s| s.id);
            assert_eq!(p.ran_in(lesson.id, ids), total, "{}", lesson.id);
        }
    }
}
