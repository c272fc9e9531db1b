//! The browser host: turns on the browser's event loop, one `setTimeout` for every sleeper,
//! and `fetch` with an `AbortController` so a dropped request is really cancelled.
//!
//! Works on a page and in a worker: it only uses globals both have (`performance`,
//! `queueMicrotask`, `MessageChannel`, `setTimeout`, `fetch`).

use std::cell::RefCell;

use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, MessageChannel, Performance, ReadableStreamDefaultReader, RequestInit,
};

use super::Host;
pub use super::Scheduler;
use crate::net::{
    FetchError, FetchErrorKind, HostFetch, HostStreamFetch, HostStreamed, NetworkError, Response,
    UrlError,
};
use crate::runtime::Driver;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = queueMicrotask)]
    fn queue_microtask(callback: &Function);
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: i32) -> JsValue;
    #[wasm_bindgen(js_name = fetch)]
    fn js_fetch(input: &str, init: &RequestInit) -> Promise;
}

/// Settings of a [`BrowserHost`].
#[derive(Clone, Debug)]
pub struct BrowserOptions {
    /// How turns are scheduled.
    pub scheduler: Scheduler,
    /// The most polls in one turn before the executor yields to the browser. A turn also
    /// ends after [`TURN_SLICE_US`](crate::runtime::TURN_SLICE_US) of polling.
    pub budget: usize,
    /// What relative URLs resolve against (defaults to the global `location`).
    pub base_url: Option<String>,
}

impl Default for BrowserOptions {
    fn default() -> Self {
        BrowserOptions {
            scheduler: Scheduler::default(),
            budget: 4096,
            base_url: None,
        }
    }
}

/// A `MessageChannel` whose first port runs a turn for each message posted to the second.
type TurnChannel = (MessageChannel, Closure<dyn FnMut(JsValue)>);

struct Callbacks {
    turn: Closure<dyn FnMut()>,
    channel: Option<TurnChannel>,
    driver: Driver,
}

/// Runs an executor on the browser's event loop.
///
/// ```no_run
/// use executor::host::browser::{BrowserHost, BrowserOptions};
/// use executor::{spawn, Executor};
/// let ex = Executor::new(BrowserHost::new(BrowserOptions::default()));
/// let _task = spawn(async { /* runs on the page's (or worker's) event loop */ });
/// std::mem::forget(ex); // keep it alive: the browser drives it from now on
/// ```
pub struct BrowserHost {
    options: BrowserOptions,
    performance: Performance,
    origin_ms: f64,
    callbacks: RefCell<Option<Callbacks>>,
    alarm: RefCell<Option<gloo_timers::callback::Timeout>>,
}

impl BrowserHost {
    /// A host for the current global (window or worker).
    ///
    /// # Panics
    /// If the global has no `performance` object (every browser context has one).
    pub fn new(options: BrowserOptions) -> BrowserHost {
        let performance: Performance = Reflect::get(&js_sys::global(), &"performance".into())
            .ok()
            .and_then(|p| p.dyn_into().ok())
            .expect("the browser host needs the global `performance`");
        let origin_ms = performance.now();
        BrowserHost {
            options,
            performance,
            origin_ms,
            callbacks: RefCell::new(None),
            alarm: RefCell::new(None),
        }
    }

    /// The settings this host runs with.
    pub fn options(&self) -> &BrowserOptions {
        &self.options
    }

    fn resolve(&self, url: &str) -> Result<String, String> {
        match &self.options.base_url {
            Some(base) => web_sys::Url::new_with_base(url, base)
                .map(|u| u.href())
                .map_err(|e| js_message(&e)),
            None => Ok(url.to_owned()),
        }
    }
}

impl Host for BrowserHost {
    fn now_us(&self) -> u64 {
        ((self.performance.now() - self.origin_ms) * 1000.0).max(0.0) as u64
    }

    fn attach(&self, driver: Driver) {
        let budget = self.options.budget;
        let d = driver.clone();
        let turn = Closure::<dyn FnMut()>::new(move || {
            d.turn(budget);
        });
        let channel = (self.options.scheduler == Scheduler::MessageChannel).then(|| {
            let channel = MessageChannel::new().expect("MessageChannel is available");
            let d = driver.clone();
            let on_message = Closure::<dyn FnMut(JsValue)>::new(move |_| {
                d.turn(budget);
            });
            channel
                .port1()
                .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            (channel, on_message)
        });
        *self.callbacks.borrow_mut() = Some(Callbacks {
            turn,
            channel,
            driver,
        });
    }

    fn request_turn(&self) {
        let callbacks = self.callbacks.borrow();
        let Some(cb) = callbacks.as_ref() else {
            return;
        };
        let turn: &Function = cb.turn.as_ref().unchecked_ref();
        match (&self.options.scheduler, &cb.channel) {
            (Scheduler::Microtask, _) => queue_microtask(turn),
            (Scheduler::MessageChannel, Some((channel, _))) => {
                // Posting to a live port of our own cannot fail.
                let _ = channel.port2().post_message(&JsValue::NULL);
            }
            _ => {
                set_timeout(turn, 0);
            }
        }
    }

    fn set_alarm(&self, at_us: Option<u64>) {
        // Replacing the stored `Timeout` drops (and so clears) the previous one.
        let next = at_us.and_then(|at| {
            let driver = self.callbacks.borrow().as_ref()?.driver.clone();
            let budget = self.options.budget;
            let wait_ms = (at.saturating_sub(self.now_us()) as f64 / 1000.0).ceil() as u32;
            Some(gloo_timers::callback::Timeout::new(wait_ms, move || {
                driver.alarm_fired(budget);
            }))
        });
        let previous = self.alarm.replace(next);
        drop(previous);
    }

    fn fetch(&self, url: &str) -> HostFetch {
        let head = self.send(url);
        Box::pin(async move {
            let (url, response, guard) = head.await?;
            let body = JsFuture::from(response.array_buffer().map_err(network(&url))?)
                .await
                .map_err(network(&url))?;
            guard.disarm();
            Ok(Response {
                status: response.status(),
                headers: read_headers(&response.headers()),
                url,
                body: Uint8Array::new(&body).to_vec(),
            })
        })
    }

    fn fetch_stream(&self, url: &str) -> HostStreamFetch {
        let head = self.send(url);
        Box::pin(async move {
            let (url, response, guard) = head.await?;
            let reader: Option<ReadableStreamDefaultReader> =
                response.body().map(|b| b.get_reader().unchecked_into());
            // One `read()` per part, as the browser hands them over. The abort guard goes with
            // the body: dropping it half-read aborts the request.
            let body =
                crate::stream::unfold(Some((reader, guard, url.clone())), |state| async move {
                    let (reader, guard, url) = state?;
                    let Some(reader) = reader else {
                        guard.disarm();
                        return None;
                    };
                    let read = match JsFuture::from(reader.read()).await {
                        Ok(read) => read,
                        Err(e) => return Some((Err(network(&url)(e)), None)),
                    };
                    let done = js_sys::Reflect::get(&read, &"done".into())
                        .ok()
                        .and_then(|d| d.as_bool())
                        .unwrap_or(true);
                    if done {
                        guard.disarm();
                        return None;
                    }
                    let value = js_sys::Reflect::get(&read, &"value".into()).unwrap_or_default();
                    let part = Uint8Array::new(&value).to_vec();
                    Some((Ok(part), Some((Some(reader), guard, url))))
                });
            Ok(HostStreamed {
                status: response.status(),
                headers: read_headers(&response.headers()),
                url,
                body: Box::pin(body),
            })
        })
    }

    fn fetch_blocking(&self, url: &str) -> Result<Response, FetchError> {
        let asked = url.to_owned();
        let url = self.resolve(url).map_err(|why| FetchError {
            url: asked,
            kind: FetchErrorKind::InvalidUrl(UrlError::Other(why)),
        })?;
        let network = |e: JsValue| FetchError {
            url: url.clone(),
            kind: FetchErrorKind::Network(describe_fetch_error(&e)),
        };
        let xhr = web_sys::XmlHttpRequest::new().map_err(network)?;
        xhr.open_with_async("GET", &url, false).map_err(network)?;
        // The thread stops here until the response is complete.
        xhr.send().map_err(network)?;
        let headers = xhr
            .get_all_response_headers()
            .unwrap_or_default()
            .lines()
            .filter_map(|line| line.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let body = xhr.response_text().ok().flatten().unwrap_or_default();
        Ok(Response {
            status: xhr.status().map_err(network)?,
            url,
            headers,
            body: body.into_bytes(),
        })
    }

    fn label(&self) -> &'static str {
        "browser"
    }
}

impl Drop for BrowserHost {
    fn drop(&mut self) {
        if let Some(cb) = self.callbacks.get_mut().take()
            && let Some((channel, _)) = &cb.channel
        {
            channel.port1().set_onmessage(None);
            channel.port1().close();
        }
    }
}

impl BrowserHost {
    /// Sends a GET for `url` with an abort signal: the resolved URL, the response once its head
    /// is in, and the guard that aborts the request if dropped before it is disarmed.
    fn send(
        &self,
        url: &str,
    ) -> impl Future<Output = Result<(String, web_sys::Response, AbortOnDrop), FetchError>> + 'static
    {
        let asked = url.to_owned();
        let resolved = self.resolve(url);
        async move {
            let url = resolved.map_err(|why| FetchError {
                url: asked,
                kind: FetchErrorKind::InvalidUrl(UrlError::Other(why)),
            })?;
            let controller = AbortController::new().map_err(network(&url))?;
            let guard = AbortOnDrop(Some(controller.clone()));
            let init = RequestInit::new();
            init.set_signal(Some(&controller.signal()));
            let response = JsFuture::from(js_fetch(&url, &init))
                .await
                .map_err(network(&url))?
                .unchecked_into();
            Ok((url, response, guard))
        }
    }
}

/// Turns a JavaScript error of a request for `url` into a [`FetchError`].
fn network(url: &str) -> impl Fn(JsValue) -> FetchError + '_ {
    move |e| FetchError {
        url: url.to_owned(),
        kind: FetchErrorKind::Network(describe_fetch_error(&e)),
    }
}

/// Aborts the request if the future holding it is dropped before the body arrived.
struct AbortOnDrop(Option<AbortController>);

impl AbortOnDrop {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = self.0.take() {
            controller.abort();
        }
    }
}

fn read_headers(headers: &web_sys::Headers) -> Vec<(String, String)> {
    let Ok(Some(entries)) = js_sys::try_iter(headers) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|pair| {
            let pair: js_sys::Array = pair.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

fn js_message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}

/// What a rejected `fetch` (or a failed synchronous XHR) means, by the error's name: the
/// browser's message only says "Failed to fetch", [`NetworkError`]'s words explain it.
fn describe_fetch_error(e: &JsValue) -> NetworkError {
    let name = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.name()))
        .unwrap_or_default();
    let message = js_message(e);
    match name.as_str() {
        "AbortError" => NetworkError::Aborted,
        "TypeError" | "NetworkError" => NetworkError::NoResponse(message),
        _ => NetworkError::Other(message),
    }
}
