//! `window.asyncTutor`: a scripting API for tests and for pages that embed the tutor.
//!
//! - `asyncTutor.lessons()` → `[{ id, number, title, snippets: [{ id, title, blocking, knobs }] }]`
//! - `asyncTutor.run(lessonId, snippetId, knobs?, options?)` → `Promise<{ elapsedMs, output,
//!   error, failure, network, trace }>`; it waits for the slow web to be ready, and never
//!   rejects: problems (an unknown snippet, a knob out of range, bad options, a panic) are in
//!   `error`, in the page's language (on an English page, the runner's English words), and in
//!   `failure` as a value (`{ kind: "fetch", url, problem: { kind: "status", code: 500 } }`).
//!   `options` is `{ scheduler?: "microtask" | "message-channel" | "timeout", virtualTime?:
//!   boolean }`: how the executor gets its turns, and whether to run on the virtual clock.

use std::cell::RefCell;
use std::rc::Rc;

use executor::host::Scheduler;
use js_sys::{Array, Function, Object, Promise, Reflect};
use protocol::{KnobValues, Network, Report, RunError};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::content::LESSONS;
use crate::i18n::Lang;
use crate::runner::{bridge, NetStatus, RunEnd, RunEvents, RunOptions};

fn to_js<T: Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// A report as `asyncTutor.run` gives it: its error in the page's language.
fn report_js(mut report: Report) -> JsValue {
    report.error = Lang::current().report_error(&report);
    to_js(&report)
}

/// The report of a run that never started.
fn refused(error: RunError) -> JsValue {
    report_js(Report::from_trace(&[], 0.0, Some(error), Network::Virtual))
}

fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &key.into(), value);
}

fn lessons() -> JsValue {
    let list = Array::new();
    for lesson in LESSONS {
        let l = Object::new();
        set(&l, "id", &lesson.id.into());
        set(&l, "number", &lesson.number.into());
        set(&l, "title", &lesson.text(Lang::En).title.into());
        let languages: Array = lesson.texts.iter().map(|t| JsValue::from(t.lang)).collect();
        set(&l, "languages", &languages);
        let snippets = Array::new();
        for snippet in lesson.snippets {
            let s = Object::new();
            set(&s, "id", &snippet.id.into());
            set(&s, "title", &snippet.title.into());
            set(&s, "blocking", &snippet.blocking.into());
            let knobs = Array::new();
            for knob in snippet.knobs {
                let k = Object::new();
                set(&k, "name", &knob.spec.name.into());
                set(&k, "min", &knob.spec.min.into());
                set(&k, "max", &knob.spec.max.into());
                set(&k, "default", &knob.spec.default.into());
                set(&k, "unit", &knob.unit.into());
                knobs.push(&k);
            }
            set(&s, "knobs", &knobs);
            snippets.push(&s);
        }
        set(&l, "snippets", &snippets);
        list.push(&l);
    }
    list.into()
}

/// `options` of `asyncTutor.run`, as JavaScript writes them.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JsRunOptions {
    #[serde(default)]
    scheduler: Scheduler,
    #[serde(default)]
    virtual_time: bool,
}

fn run_options(options: &JsValue) -> Result<RunOptions, RunError> {
    if options.is_undefined() || options.is_null() {
        return Ok(RunOptions::default());
    }
    let o: JsRunOptions = serde_wasm_bindgen::from_value(options.clone()).map_err(|e| {
        // A JavaScript `Error` prints as "Error: …".
        let why = e.to_string();
        RunError::BadOptions {
            detail: why.trim_start_matches("Error: ").to_owned(),
        }
    })?;
    Ok(RunOptions {
        scheduler: o.scheduler,
        virtual_time: o.virtual_time,
        // A scripted run has no one to press Step.
        step_mode: false,
        page_thread: false,
    })
}

/// A lesson or snippet id as given: the string, or what `typeof` says it is instead.
fn id_text(value: &JsValue) -> Result<String, String> {
    value
        .as_string()
        .ok_or_else(|| value.js_typeof().as_string().unwrap_or_default())
}

/// Knobs as given: nothing, or an object whose own string-named properties are numbers. Never
/// throws: a getter or a proxy that throws is a problem like any other.
fn knob_values(knobs: &JsValue) -> Result<KnobValues, RunError> {
    let bad = |detail: String| RunError::BadKnobs { detail };
    let why = |e: JsValue| {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            .unwrap_or_else(|| "an exception".into())
    };
    if knobs.is_undefined() || knobs.is_null() {
        return Ok(KnobValues::new());
    }
    if !knobs.is_object() || Array::is_array(knobs) || knobs.is_function() {
        let kind = if Array::is_array(knobs) {
            "array".into()
        } else {
            knobs.js_typeof().as_string().unwrap_or_default()
        };
        return Err(bad(format!("got {kind}")));
    }
    let keys = Reflect::own_keys(knobs.unchecked_ref()).map_err(|e| bad(why(e)))?;
    let mut values = KnobValues::new();
    for key in keys.iter() {
        let Some(name) = key.as_string() else {
            continue; // a symbol
        };
        let value = Reflect::get(knobs, &key).map_err(|e| bad(format!("{name}: {}", why(e))))?;
        let Some(v) = value.as_f64() else {
            let kind = value.js_typeof().as_string().unwrap_or_default();
            return Err(bad(format!("{name} is {kind}, not a number")));
        };
        values.insert(name, v);
    }
    Ok(values)
}

/// The report of a refused run, once the page knows which network it would have used.
fn refuse_when_known(error: RunError, resolve: Function) {
    when_network_known(move |network| {
        let report = Report::from_trace(&[], 0.0, Some(error), network);
        let _ = resolve.call1(&JsValue::NULL, &report_js(report));
    });
}

/// Calls `then` with the network runs use, once the page knows it.
fn when_network_known(then: impl FnOnce(Network) + 'static) {
    let then = Rc::new(RefCell::new(Some(then)));
    let network = |status: &NetStatus| match status {
        NetStatus::SlowWeb => Network::SlowWeb,
        _ => Network::Virtual,
    };
    if bridge().net() != NetStatus::Pending {
        if let Some(then) = then.borrow_mut().take() {
            then(network(&bridge().net()));
        }
        return;
    }
    let listener = Rc::new(std::cell::Cell::new(None));
    let me = listener.clone();
    let id = bridge().on_net(move |status| {
        if *status == NetStatus::Pending {
            return;
        }
        if let Some(id) = me.take() {
            bridge().off_net(id);
        }
        if let Some(then) = then.borrow_mut().take() {
            then(network(status));
        }
    });
    listener.set(Some(id));
}

fn run(lesson: JsValue, snippet: JsValue, knobs: JsValue, options: JsValue) -> Promise {
    Promise::new(&mut |resolve: Function, _reject| {
        let (lesson, snippet) = match (id_text(&lesson), id_text(&snippet)) {
            (Ok(lesson), Ok(snippet)) => (lesson, snippet),
            (lesson, snippet) => {
                let kind = |r: Result<String, String>| r.map_or_else(|k| k, |_| "string".into());
                let error = RunError::BadIds {
                    lesson: kind(lesson),
                    snippet: kind(snippet),
                };
                refuse_when_known(error, resolve);
                return;
            }
        };
        let options = match run_options(&options) {
            Ok(o) => o,
            Err(error) => {
                refuse_when_known(error, resolve);
                return;
            }
        };
        let knobs = match knob_values(&knobs) {
            Ok(k) => k,
            Err(error) => {
                refuse_when_known(error, resolve);
                return;
            }
        };
        // Wait until the page knows which network runs use.
        when_network_known(move |_| {
            bridge().run(
                &lesson,
                &snippet,
                knobs,
                options,
                RunEvents {
                    on_trace: Box::new(|_| {}),
                    on_end: Box::new(move |end| {
                        let report = match end {
                            RunEnd::Finished(report) => report_js(report),
                            RunEnd::Stopped => refused(RunError::Stopped),
                        };
                        let _ = resolve.call1(&JsValue::NULL, &report);
                    }),
                },
            );
        });
    })
}

/// Puts `asyncTutor` on `window`.
pub fn install() {
    let api = Object::new();
    let lessons_fn = Closure::<dyn Fn() -> JsValue>::new(lessons);
    // Every argument as a plain value: a wrong type is reported in `error`, never thrown.
    let run_fn = Closure::<dyn Fn(JsValue, JsValue, JsValue, JsValue) -> Promise>::new(run);
    set(&api, "lessons", lessons_fn.as_ref());
    set(&api, "run", run_fn.as_ref());
    lessons_fn.forget();
    run_fn.forget();
    if let Some(window) = web_sys::window() {
        set(&window, "asyncTutor", &api);
    }
}
