//! The slow web's service worker in one place: its registration, the network runs use, new builds.
//!
//! The page registers `sw.js` and waits (a few seconds at most) for it to control the page:
//! then runs, and the workers they start, fetch from the slow web. Without one, runs use the
//! virtual network; if the worker takes control later, later runs use the slow web. How the
//! page notices and offers a new build is in [`update`].

pub mod update;
mod watched;

use std::future::Future;
use std::rc::Rc;

use js_sys::Reflect;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::ServiceWorker;

use super::js_error_text;
use super::latch::Latch;
use watched::Watched;

/// How long the page waits for its service worker to take control.
const CONTROL_TIMEOUT_MS: i32 = 4000;

/// Which network runs can use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetStatus {
    /// Still registering the service worker.
    Pending,
    /// The slow-web service worker controls the page (and so its workers).
    SlowWeb,
    /// No service worker: runs use the virtual network. The reason, for the console.
    Virtual(String),
}

impl NetStatus {
    /// The network a run uses on this status: the slow web when it is up and the run is not
    /// asked to use virtual time, else the virtual network.
    pub fn network(&self, virtual_time: bool) -> protocol::Network {
        match self {
            NetStatus::SlowWeb if !virtual_time => protocol::Network::SlowWeb,
            _ => protocol::Network::Virtual,
        }
    }

    /// The status as a `data-network` attribute value: `pending`, `slow-web` or `virtual`.
    pub fn attr(&self) -> &'static str {
        match self {
            NetStatus::Pending => "pending",
            NetStatus::SlowWeb => "slow-web",
            NetStatus::Virtual(_) => "virtual",
        }
    }
}

/// A message to the service worker (see the MESSAGES part of www/sw.js).
enum ToServiceWorker {
    /// Asks for a `pong` on the transferred port.
    Ping,
    /// Asks the worker to control this page, if it is of `build`.
    Claim { build: Option<String> },
    /// Lets a waiting worker take over.
    SkipWaiting,
}

impl ToServiceWorker {
    /// The message as www/sw.js reads it: `{type: "ping" | "claim" | "skip-waiting", build?}`.
    fn to_js(&self) -> JsValue {
        let message = js_sys::Object::new();
        let set = |key: &str, value: &JsValue| {
            let _ = js_sys::Reflect::set(&message, &key.into(), value);
        };
        match self {
            ToServiceWorker::Ping => set("type", &"ping".into()),
            ToServiceWorker::Claim { build } => {
                set("type", &"claim".into());
                if let Some(build) = build {
                    set("build", &build.into());
                }
            }
            ToServiceWorker::SkipWaiting => set("type", &"skip-waiting".into()),
        }
        message.into()
    }
}

thread_local! {
    /// The network runs will use.
    static NET: Watched<NetStatus> = const { Watched::new(NetStatus::Pending) };
    /// Set once the status is first known (no longer [`NetStatus::Pending`]).
    static KNOWN: Latch<()> = Latch::new();
}

/// The network runs will use.
pub fn net() -> NetStatus {
    NET.with(Watched::get)
}

/// The network runs will use, once the page knows it (never [`NetStatus::Pending`]).
pub fn net_ready() -> impl Future<Output = NetStatus> + 'static {
    let known = KNOWN.with(|k| k.wait());
    async move {
        known.await;
        net()
    }
}

/// Calls `listener` now and whenever the network status changes.
pub fn on_net(listener: impl Fn(&NetStatus) + 'static) {
    let listener = Rc::new(listener);
    NET.with(|n| {
        let listener = listener.clone();
        n.follow(move |s| listener(s))
    });
    listener(&net());
}

fn set_net(status: NetStatus) {
    if status != NetStatus::Pending {
        KNOWN.with(|k| k.clone()).set(());
    }
    watched::set(&NET, status);
}

/// The network status, kept current for a component.
#[yew::hook]
pub fn use_net_status() -> NetStatus {
    watched::use_watched(&NET)
}

/// Registers the service worker and settles the network status: the slow web once it controls
/// the page, else the virtual network (and the slow web later, if it takes control late).
pub async fn start() {
    let status = register().await;
    if let NetStatus::Virtual(why) = &status {
        web_sys::console::info_1(&format!("async-tutor: {why}").into());
        slow_web_when_controlled();
    }
    set_net(status);
}

/// If the service worker takes control late, later runs use the slow web.
fn slow_web_when_controlled() {
    let Some(window) = web_sys::window() else {
        return;
    };
    if !Reflect::has(&window.navigator(), &"serviceWorker".into()).unwrap_or(false) {
        return;
    }
    let on_change = Closure::<dyn FnMut()>::new(|| {
        if net() != NetStatus::SlowWeb {
            set_net(NetStatus::SlowWeb);
        }
    });
    let _ = window
        .navigator()
        .service_worker()
        .add_event_listener_with_callback("controllerchange", on_change.as_ref().unchecked_ref());
    on_change.forget();
}

/// Registers the slow web's service worker and waits for it to control the page.
async fn register() -> NetStatus {
    let window = web_sys::window().expect("a window");
    let navigator = window.navigator();
    let has_sw = Reflect::get(&navigator, &"serviceWorker".into())
        .map(|v| !v.is_undefined())
        .unwrap_or(false);
    if !has_sw {
        return NetStatus::Virtual(
            "this browser offers no service worker here (they need https or localhost)".into(),
        );
    }
    let container = navigator.service_worker();
    // The browser looks for a new sw.js past the HTTP cache: it names the build (www/sw.js).
    let options = web_sys::RegistrationOptions::new();
    options.set_update_via_cache(web_sys::ServiceWorkerUpdateViaCache::None);
    let registration = match JsFuture::from(container.register_with_options("sw.js", &options))
        .await
    {
        Ok(r) if r.is_object() => r.unchecked_into::<web_sys::ServiceWorkerRegistration>(),
        Ok(_) => return NetStatus::Virtual("service workers are blocked in this browser".into()),
        Err(e) => {
            return NetStatus::Virtual(format!(
                "the slow web's service worker could not be registered: {}",
                js_error_text(&e)
            ));
        }
    };
    update::watch(&registration);
    if container.controller().is_none() {
        // A first visit: the worker claims the page when it activates. A page loaded while
        // bypassing the worker (a hard reload) asks the active worker to claim it.
        let wait = js_sys::Promise::new(&mut |resolve, _| {
            let _ = container.add_event_listener_with_callback("controllerchange", &resolve);
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                CONTROL_TIMEOUT_MS,
            );
        });
        if let Some(active) = registration.active() {
            // The page may be of a newer build than the active worker (loaded past it after a
            // deploy): look for that build's worker, which src/runner/sw/update.rs lets in.
            if let Ok(update) = registration.update() {
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = JsFuture::from(update).await;
                });
            }
            // The worker claims only a page of its own build: never a mix of two builds.
            post(
                &active,
                &ToServiceWorker::Claim {
                    build: update::build(),
                },
            );
        }
        let _ = JsFuture::from(wait).await;
    }
    if container.controller().is_some() {
        NetStatus::SlowWeb
    } else {
        NetStatus::Virtual("the slow web's service worker did not take control of this page".into())
    }
}

/// Posts `message` to `worker`.
fn post(worker: &ServiceWorker, message: &ToServiceWorker) {
    let _ = worker.post_message(&message.to_js());
}
