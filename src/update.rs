//! New builds: the page's build name, and "a new version is available — reload".
//!
//! The service worker (www/sw.js) serves one build from its own cache. A new build's worker
//! installs beside it and waits; this module notices (`registration.waiting`, or an install
//! that finishes while the page is open), tells the components, and on the reader's click asks
//! the waiting worker to take over, then reloads once it has. Until then the page keeps using
//! the old build's files, so it never runs a mix of the two.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ServiceWorker, ServiceWorkerRegistration, ServiceWorkerState};

/// How often an open page asks whether a new build is out (also whenever it becomes visible).
const CHECK_EVERY_MS: i32 = 30 * 60 * 1000;

/// Told whether a new build waits.
type Listener = Rc<dyn Fn(bool)>;

thread_local! {
    static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
    static READY: Cell<bool> = const { Cell::new(false) };
    static LISTENERS: RefCell<Vec<(u32, Listener)>> = const { RefCell::new(Vec::new()) };
    static NEXT_LISTENER: Cell<u32> = const { Cell::new(0) };
    static RELOADING: Cell<bool> = const { Cell::new(false) };
}

/// This page's build name (`<meta name="async-tutor-build">`, written by
/// `cargo xtask finish-site`), if it has one.
pub fn build() -> Option<String> {
    web_sys::window()?
        .document()?
        .query_selector("meta[name=async-tutor-build]")
        .ok()??
        .get_attribute("content")
}

/// Starts watching `registration` for a new build waiting to take over.
pub fn watch(registration: &ServiceWorkerRegistration) {
    REGISTRATION.with(|r| *r.borrow_mut() = Some(registration.clone()));
    let has_controller =
        || web_sys::window().is_some_and(|w| w.navigator().service_worker().controller().is_some());
    // Already waiting (installed while no page was open, or during this load).
    if registration.waiting().is_some() && has_controller() {
        set_ready(true);
    }
    // Installed while the page is open: found before this ran, or after.
    let watch_installing = {
        let registration = registration.clone();
        move || {
            if let Some(worker) = registration.installing() {
                on_installed(&worker, move || {
                    // With no controller this is the first install, which takes over by itself.
                    if has_controller() {
                        set_ready(true);
                    }
                });
            }
        }
    };
    watch_installing();
    let found = Closure::<dyn FnMut()>::new(watch_installing);
    registration.set_onupdatefound(Some(found.as_ref().unchecked_ref()));
    found.forget();
    // The browser checks on every navigation; a page left open checks now and then.
    let check = {
        let registration = registration.clone();
        Closure::<dyn FnMut()>::new(move || {
            let visible = web_sys::window()
                .and_then(|w| w.document())
                .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
            if visible {
                if let Ok(promise) = registration.update() {
                    // Offline, or the server is gone: nothing to do but try again later.
                    wasm_bindgen_futures::spawn_local(async move {
                        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
                    });
                }
            }
        })
    };
    if let Some(window) = web_sys::window() {
        let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(
            check.as_ref().unchecked_ref(),
            CHECK_EVERY_MS,
        );
        if let Some(document) = window.document() {
            let _ = document.add_event_listener_with_callback(
                "visibilitychange",
                check.as_ref().unchecked_ref(),
            );
        }
    }
    check.forget();
}

fn on_installed(worker: &ServiceWorker, then: impl Fn() + 'static) {
    let watched = worker.clone();
    let change = Closure::<dyn FnMut()>::new(move || {
        if watched.state() == ServiceWorkerState::Installed {
            then();
        }
    });
    worker.set_onstatechange(Some(change.as_ref().unchecked_ref()));
    change.forget();
}

fn set_ready(ready: bool) {
    if READY.with(|r| r.replace(ready)) == ready {
        return;
    }
    let listeners: Vec<_> = LISTENERS.with(|l| l.borrow().iter().map(|(_, f)| f.clone()).collect());
    for listener in listeners {
        listener(ready);
    }
}

/// True when a new build is installed and waiting for the reader's reload.
pub fn ready() -> bool {
    READY.with(Cell::get)
}

/// Lets the waiting build take over, then reloads the page (once the new worker controls it).
pub fn apply() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let waiting = REGISTRATION.with(|r| r.borrow().as_ref().and_then(|r| r.waiting()));
    let Some(waiting) = waiting else {
        // Someone else (another tab) already let it in: a reload shows it.
        let _ = window.location().reload();
        return;
    };
    if RELOADING.with(|r| r.replace(true)) {
        return;
    }
    let reload = Closure::once_into_js(move || {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    let _ = window
        .navigator()
        .service_worker()
        .add_event_listener_with_callback("controllerchange", reload.unchecked_ref());
    let message = Object::new();
    let _ = Reflect::set(&message, &"type".into(), &"skip-waiting".into());
    let _ = waiting.post_message(&message);
}

/// Whether a new build waits, kept current for a component.
#[yew::hook]
pub fn use_update_ready() -> bool {
    let state = yew::use_state(ready);
    {
        let state = state.clone();
        yew::use_effect_with((), move |_| {
            state.set(ready());
            let id = NEXT_LISTENER.with(|n| {
                n.set(n.get() + 1);
                n.get()
            });
            LISTENERS.with(|l| l.borrow_mut().push((id, Rc::new(move |r| state.set(r)))));
            move || LISTENERS.with(|l| l.borrow_mut().retain(|(i, _)| *i != id))
        });
    }
    *state
}
