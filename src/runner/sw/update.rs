//! New builds: the page's build name, and "a new version is available — reload".
//!
//! The service worker (www/sw.js) serves one build from its own cache. A new build's worker
//! installs beside it and waits; this module notices (`registration.waiting`, or an install
//! that finishes while the page is open), tells the components, and on the reader's click asks
//! the waiting worker to take over. Until then the page keeps using the old build's files.
//!
//! Whenever a worker takes control of this page, the page asks it for its build; if that is
//! not the page's own (another tab let a new build in, or the page came from the network during
//! a deploy), the page reloads rather than mix the two builds' files. A waiting worker of the
//! page's own build (the page was loaded past the old worker, by a hard reload) is let in at
//! once, with nothing to ask.

use std::cell::{Cell, RefCell};

use js_sys::{Array, Promise};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{MessageChannel, MessageEvent, ServiceWorker, ServiceWorkerRegistration};

use super::watched::{self, Watched};
use super::{ToServiceWorker, post};
use crate::js_read;

/// How often an open page asks whether a new build is out.
const CHECK_EVERY_MS: i32 = 30 * 60 * 1000;
/// Becoming visible again asks too, but not more often than this.
const VISIBLE_CHECK_GAP_MS: f64 = 5.0 * 60.0 * 1000.0;
/// How long a worker may take to answer a ping.
const PING_TIMEOUT_MS: i32 = 2000;
/// After the reader's click, how long to wait for the new worker before reloading anyway.
const APPLY_TIMEOUT_MS: u32 = 5000;

thread_local! {
    static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
    /// Whether a new build is installed and waits for the reader's reload.
    static READY: Watched<bool> = const { Watched::new(false) };
    static LAST_CHECK_MS: Cell<f64> = const { Cell::new(0.0) };
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

/// What a worker says of itself (its `pong`; the other fields are not needed here).
struct Pong {
    /// The worker's build name.
    build: Option<String>,
    /// A dev build (`trunk serve`), which is never offered.
    dev: bool,
}

/// Asks `worker` for its build (none if it does not answer in time).
async fn ping(worker: &ServiceWorker) -> Option<Pong> {
    let window = web_sys::window()?;
    let channel = MessageChannel::new().ok()?;
    let port = channel.port1();
    let answer = Promise::new(&mut |resolve, _| {
        let on_reply = resolve.clone();
        let on_message = Closure::once_into_js(move |event: MessageEvent| {
            let _ = on_reply.call1(&JsValue::NULL, &event.data());
        });
        port.set_onmessage(Some(on_message.unchecked_ref()));
        let _ =
            window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, PING_TIMEOUT_MS);
    });
    worker
        .post_message_with_transferable(
            &ToServiceWorker::Ping.to_js(),
            &Array::of1(&channel.port2()),
        )
        .ok()?;
    let reply = JsFuture::from(answer).await.ok()?;
    port.set_onmessage(None);
    port.close();
    // No answer in time leaves `undefined`, which is no pong.
    reply.is_object().then(|| Pong {
        build: js_read::field(&reply, "build").as_string(),
        dev: js_read::field(&reply, "dev").as_bool().unwrap_or(false),
    })
}

/// Starts watching `registration` for a new build, and the page's controller for a change.
pub fn watch(registration: &ServiceWorkerRegistration) {
    REGISTRATION.with(|r| *r.borrow_mut() = Some(registration.clone()));
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    let changed = Closure::<dyn FnMut()>::new(|| spawn_local(check_controller()));
    let _ = container
        .add_event_listener_with_callback("controllerchange", changed.as_ref().unchecked_ref());
    changed.forget();

    // A worker found installing (before this ran, or later) is followed through its states.
    let follow = {
        let registration = registration.clone();
        move || {
            if let Some(worker) = registration.installing() {
                let on_state = Closure::<dyn FnMut()>::new(|| spawn_local(refresh()));
                worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
                on_state.forget();
            }
        }
    };
    follow();
    let found = Closure::<dyn FnMut()>::new(follow);
    registration.set_onupdatefound(Some(found.as_ref().unchecked_ref()));
    found.forget();
    spawn_local(refresh());

    // The browser checks on every navigation; a page left open checks now and then.
    let check = {
        let registration = registration.clone();
        Closure::<dyn FnMut()>::new(move || {
            let visible = web_sys::window()
                .and_then(|w| w.document())
                .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
            let now = js_sys::Date::now();
            if !visible || now - LAST_CHECK_MS.with(Cell::get) < VISIBLE_CHECK_GAP_MS {
                return;
            }
            LAST_CHECK_MS.with(|c| c.set(now));
            if let Ok(promise) = registration.update() {
                // Offline, or the server is gone: nothing to do but try again later.
                spawn_local(async move {
                    let _ = JsFuture::from(promise).await;
                });
            }
        })
    };
    LAST_CHECK_MS.with(|c| c.set(js_sys::Date::now()));
    let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(
        check.as_ref().unchecked_ref(),
        CHECK_EVERY_MS,
    );
    if let Some(document) = window.document() {
        let _ = document
            .add_event_listener_with_callback("visibilitychange", check.as_ref().unchecked_ref());
    }
    check.forget();
}

/// Looks at the waiting worker: none, one to let in at once, or one to offer.
async fn refresh() {
    let Some(registration) = REGISTRATION.with(|r| r.borrow().clone()) else {
        return;
    };
    // With nothing active this is a first install, which takes over by itself.
    let waiting = registration
        .waiting()
        .filter(|_| registration.active().is_some());
    let Some(waiting) = waiting else {
        set_ready(false);
        return;
    };
    let pong = ping(&waiting).await;
    let ours = build();
    match pong {
        // This page is already of the waiting build, or it is a dev build: nothing to offer.
        Some(p) if p.dev || (p.build.is_some() && p.build == ours) => {
            set_ready(false);
            post(&waiting, &ToServiceWorker::SkipWaiting);
        }
        _ => set_ready(true),
    }
}

/// A worker took control of this page: if it serves another build, reload into that build.
async fn check_controller() {
    let Some(ours) = build() else {
        return;
    };
    let Some(controller) =
        web_sys::window().and_then(|w| w.navigator().service_worker().controller())
    else {
        return;
    };
    let theirs = ping(&controller).await.and_then(|p| p.build);
    if theirs.as_deref() != Some(ours.as_str())
        && let Some(window) = web_sys::window()
    {
        let _ = window.location().reload();
    }
}

fn set_ready(ready: bool) {
    watched::set(&READY, ready);
}

/// Lets the waiting build take over; the page reloads once the new worker controls it (or
/// after a few seconds if it never does, which shows whatever build is then in charge).
pub fn apply() {
    let Some(window) = web_sys::window() else {
        return;
    };
    gloo_timers::callback::Timeout::new(APPLY_TIMEOUT_MS, || {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    })
    .forget();
    match REGISTRATION.with(|r| r.borrow().as_ref().and_then(|r| r.waiting())) {
        Some(waiting) => post(&waiting, &ToServiceWorker::SkipWaiting),
        // Another tab already let it in: a reload shows it.
        None => {
            let _ = window.location().reload();
        }
    }
}

/// Whether a new build waits, kept current for a component.
#[yew::hook]
pub fn use_update_ready() -> bool {
    watched::use_watched(&READY)
}
