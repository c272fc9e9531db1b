//! Fetches a lesson's content file once, keeps it for the page's life, and re-renders the
//! components waiting for it.

use std::cell::RefCell;
use std::collections::HashMap;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use super::{LessonContent, LessonText, SnippetText};
use crate::runner::js_error_text;

/// Where a content file is.
#[derive(Clone, Debug)]
pub enum Loaded {
    /// Asked for, not here yet.
    Loading,
    /// Here.
    Ready(&'static LessonContent),
    /// Could not be had; why, in the browser's or the parser's words.
    Failed(String),
}

impl PartialEq for Loaded {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Loaded::Loading, Loaded::Loading) => true,
            (Loaded::Ready(a), Loaded::Ready(b)) => std::ptr::eq(*a, *b),
            (Loaded::Failed(a), Loaded::Failed(b)) => a == b,
            _ => false,
        }
    }
}

enum Entry {
    /// Fetching; who to tell when it ends.
    Loading(Vec<Callback<()>>),
    Ready(&'static LessonContent),
    Failed(String),
}

thread_local! {
    /// Content files by path: each is fetched at most once while it succeeds.
    static FILES: RefCell<HashMap<&'static str, Entry>> = RefCell::default();
}

/// The state of the content file at `path`.
fn state(path: &str) -> Loaded {
    FILES.with_borrow(|files| match files.get(path) {
        None | Some(Entry::Loading(_)) => Loaded::Loading,
        Some(Entry::Ready(content)) => Loaded::Ready(content),
        Some(Entry::Failed(why)) => Loaded::Failed(why.clone()),
    })
}

/// Fetches the file at `path` unless it is here or on its way (a failed one is fetched
/// again); `done` is called once it arrives or fails.
fn request(path: &'static str, done: Callback<()>) {
    let start = FILES.with_borrow_mut(|files| match files.get_mut(path) {
        Some(Entry::Ready(_)) => false,
        Some(Entry::Loading(waiting)) => {
            waiting.push(done.clone());
            false
        }
        None | Some(Entry::Failed(_)) => {
            files.insert(path, Entry::Loading(vec![done.clone()]));
            true
        }
    });
    if !start {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let entry = match fetch(path).await {
            // A lesson's content lives as long as the page and is fetched once per file: kept
            // for good, it is `'static` like the index beside it.
            Ok(content) => Entry::Ready(Box::leak(Box::new(content))),
            Err(why) => Entry::Failed(why),
        };
        let waiting = FILES.with_borrow_mut(|files| match files.insert(path, entry) {
            Some(Entry::Loading(waiting)) => waiting,
            _ => Vec::new(),
        });
        for done in waiting {
            done.emit(());
        }
    });
}

async fn fetch(path: &str) -> Result<LessonContent, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(path))
        .await
        .map_err(|e| js_error_text(&e))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| "fetch gave no Response".to_owned())?;
    if !response.ok() {
        return Err(format!("HTTP {}: {path}", response.status()));
    }
    let json = response.json().map_err(|e| js_error_text(&e))?;
    let json = JsFuture::from(json).await.map_err(|e| js_error_text(&e))?;
    super::read::lesson_content(&json).map_err(|e| format!("{path}: {e}"))
}

/// The snippet `id` of lesson `lesson` as a card shows it, from any content file loaded so far
/// (a card is only placed once its page's file is here).
pub fn shown(lesson: &str, id: &str) -> Option<&'static SnippetText> {
    FILES.with_borrow(|files| {
        files.values().find_map(|entry| match entry {
            Entry::Ready(content) => {
                let content: &'static LessonContent = content;
                content.snippet(lesson, id)
            }
            _ => None,
        })
    })
}

/// The content of a lesson in one language: fetched on first use, then kept. Returns its
/// state (`Loading` while there is no `text`) and a callback that fetches it again after a
/// failure. While another language's file of the same lesson is on its way, the one shown
/// before stays: the cards, keyed by snippet, keep their runs across a language switch.
#[hook]
pub fn use_lesson_content(text: Option<&'static LessonText>) -> (Loaded, Callback<()>) {
    let update = use_force_update();
    let shown_before = use_mut_ref(|| None::<&'static LessonContent>);
    let path = text.map(|t| t.content);
    let done = Callback::from(move |()| update.force_update());
    {
        let done = done.clone();
        use_effect_with(path, move |path| {
            if let Some(path) = *path {
                request(path, done);
            }
        });
    }
    let retry = Callback::from(move |()| {
        if let Some(path) = path {
            request(path, done.clone());
        }
    });
    let loaded = match (path.map_or(Loaded::Loading, state), *shown_before.borrow()) {
        (Loaded::Loading, Some(before)) => Loaded::Ready(before),
        (loaded, _) => loaded,
    };
    if let Loaded::Ready(content) = loaded {
        *shown_before.borrow_mut() = Some(content);
    }
    (loaded, retry)
}
