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

    /// Snippets of `lesson` run so far.
    pub fn ran_in(&self, lesson: &str) -> usize {
        self.ran
            .iter()
            .filter(|id| id.split_once('/').is_some_and(|(l, _)| l == lesson))
            .count()
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
        assert_eq!(back.ran_in("01-blocking"), 1);
        assert_eq!(Progress::parse("garbage;;visited="), Progress::default());
    }
}
