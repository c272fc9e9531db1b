//! `window.asyncTutor`: a scripting API for tests and for pages that embed the tutor.
//!
//! - `asyncTutor.lessons()` → `[{ id, number, title, snippets: [{ id, title, blocking, knobs }] }]`
//! - `asyncTutor.run(lessonId, snippetId, knobs?, options?)` → `Promise<{ elapsedMs, output,
//!   error, failure, network, trace }>`; it waits for the slow web to be ready, and never
//!   rejects: problems (an unknown snippet, a knob out of range, bad options, a panic) are in
//!   `error`, in the page's language (on an English page, the runner's English words), and in
//!   `failure` as a value (`{ kind: "fetch", url, problem: { kind: "status", code: 500 } }`).
//!   `options` is `{ scheduler?: "microtask" | "message-channel" | "timeout", virtualTime?:
//!   boolean, trace?: "summary" | "full" }`: how the executor gets its turns, whether to run on
//!   the virtual clock, and whether the report also lists the run's `events` (`"full"`: every
//!   record the card would keep, `[{ tUs, event: { kind, … } }]`, as far as a card keeps them).

use std::cell::RefCell;
use std::rc::Rc;

use executor::host::Scheduler;
use executor::trace::Record;
use js_sys::{Array, Object, Promise, Reflect};
use protocol::packed::Measure;
use protocol::{KnobValues, Network, Report, RunError};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::content::LESSONS;
use crate::i18n::Lang;
use crate::js_read;
use crate::runner::{RunEnd, RunOptions, bridge, js_error_text};

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

/// A lesson as `asyncTutor.lessons()` lists it.
#[derive(Serialize)]
struct LessonJs {
    id: &'static str,
    number: u32,
    /// The English title.
    title: &'static str,
    /// The languages the lesson is written in.
    languages: Vec<&'static str>,
    snippets: Vec<SnippetJs>,
}

/// A snippet of a [`LessonJs`].
#[derive(Serialize)]
struct SnippetJs {
    id: &'static str,
    title: &'static str,
    blocking: bool,
    knobs: Vec<KnobJs>,
}

/// A knob of a [`SnippetJs`].
#[derive(Serialize)]
struct KnobJs {
    name: &'static str,
    min: u32,
    max: u32,
    default: u32,
    unit: &'static str,
}

fn lessons() -> JsValue {
    let list: Vec<LessonJs> = LESSONS
        .iter()
        .map(|lesson| LessonJs {
            id: lesson.id,
            number: lesson.number,
            title: lesson.text(Lang::En).title,
            languages: lesson.texts.iter().map(|t| t.lang).collect(),
            snippets: lesson
                .snippets
                .iter()
                .map(|snippet| SnippetJs {
                    id: snippet.id,
                    title: snippet.title,
                    blocking: snippet.blocking,
                    knobs: snippet
                        .knobs
                        .iter()
                        .map(|knob| KnobJs {
                            name: knob.spec.name,
                            min: knob.spec.min,
                            max: knob.spec.max,
                            default: knob.spec.default,
                            unit: knob.unit,
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    to_js(&list)
}

/// How much of the trace a scripted run's report carries.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum TraceDetail {
    /// The counts only (`trace`).
    #[default]
    Summary,
    /// The counts and the events (`events`).
    Full,
}

/// `options` of `asyncTutor.run`, as JavaScript writes them: `scheduler` (`"microtask"`,
/// `"message-channel"`, `"timeout"`), `virtualTime`, `trace` (`"summary"`, `"full"`); any
/// other field is refused.
fn run_options(options: &JsValue) -> Result<(RunOptions, TraceDetail), RunError> {
    if js_read::absent(options) {
        return Ok((RunOptions::default(), TraceDetail::Summary));
    }
    let read = || -> Result<(Scheduler, bool, TraceDetail), String> {
        js_read::only_fields(options, &["scheduler", "virtualTime", "trace"])?;
        let get = |key| js_read::field(options, key);
        let scheduler = match get("scheduler") {
            v if js_read::absent(&v) => Scheduler::default(),
            v => js_read::variant(&v, &Scheduler::ALL.map(|k| (k.name(), k)))?,
        };
        let virtual_time = match get("virtualTime") {
            v if js_read::absent(&v) => false,
            v => js_read::boolean(&v)?,
        };
        let trace = match get("trace") {
            v if js_read::absent(&v) => TraceDetail::Summary,
            v => js_read::variant(
                &v,
                &[
                    ("summary", TraceDetail::Summary),
                    ("full", TraceDetail::Full),
                ],
            )?,
        };
        Ok((scheduler, virtual_time, trace))
    };
    let (scheduler, virtual_time, trace) =
        read().map_err(|detail| RunError::BadOptions { detail })?;
    let options = RunOptions {
        scheduler,
        virtual_time,
        // A scripted run has no one to press Step.
        step_mode: false,
        page_thread: false,
        program: None,
    };
    Ok((options, trace))
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
    let why = |e: JsValue| js_error_text(&e);
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

/// What `asyncTutor.run` resolves to, given its arguments checked: the report of the run, or
/// of the run it refused, once the page knows which network runs use.
async fn run(checked: Result<CheckedRun, RunError>) -> JsValue {
    let status = bridge().net_ready().await;
    let (lesson, snippet, knobs, (options, detail)) = match checked {
        Ok(run) => run,
        Err(error) => {
            let report = Report::from_trace(&[], 0.0, Some(error), status.network(false));
            return report_js(report);
        }
    };
    // With `trace: "full"`, the records as far as a card keeps them.
    let kept: Rc<RefCell<(Measure, Vec<Record>)>> = Rc::default();
    let on_trace: crate::runner::OnTrace = if detail == TraceDetail::Full {
        let kept = kept.clone();
        Box::new(move |records: &[Record]| {
            let (measure, events) = &mut *kept.borrow_mut();
            for r in records {
                if !protocol::keeps(measure.bytes()) {
                    break;
                }
                measure.push(r);
                events.push(r.clone());
            }
        })
    } else {
        Box::new(|_| {})
    };
    let report = match bridge()
        .run(&lesson, &snippet, knobs, options, on_trace)
        .await
    {
        RunEnd::Finished(report) => report_js(report),
        RunEnd::Stopped => report_js(Report::from_trace(
            &[],
            0.0,
            Some(RunError::Stopped),
            Network::Virtual,
        )),
    };
    if detail == TraceDetail::Full
        && let Some(report) = report.dyn_ref::<Object>()
    {
        set(report, "events", &to_js(&kept.borrow().1));
    }
    report
}

/// The lesson id, snippet id, knobs and options of a run.
type CheckedRun = (String, String, KnobValues, (RunOptions, TraceDetail));

/// The arguments of `asyncTutor.run`, checked: ids, options, then knobs.
fn checked_run(
    lesson: &JsValue,
    snippet: &JsValue,
    knobs: &JsValue,
    options: &JsValue,
) -> Result<CheckedRun, RunError> {
    let (lesson, snippet) = match (id_text(lesson), id_text(snippet)) {
        (Ok(lesson), Ok(snippet)) => (lesson, snippet),
        (lesson, snippet) => {
            let kind = |r: Result<String, String>| r.map_or_else(|k| k, |_| "string".into());
            return Err(RunError::BadIds {
                lesson: kind(lesson),
                snippet: kind(snippet),
            });
        }
    };
    let options = run_options(options)?;
    let knobs = knob_values(knobs)?;
    Ok((lesson, snippet, knobs, options))
}

fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &key.into(), value);
}

/// Puts `asyncTutor` on `window`.
pub fn install() {
    let api = Object::new();
    let lessons_fn = Closure::<dyn Fn() -> JsValue>::new(lessons);
    // Every argument as a plain value: a wrong type is reported in `error`, never thrown.
    let run_fn = Closure::<dyn Fn(JsValue, JsValue, JsValue, JsValue) -> Promise>::new(
        |lesson, snippet, knobs, options| {
            // The arguments are read now, while the caller waits (a knob's getter runs before
            // `run` returns). The future never fails: every problem is in the report's `error`.
            let checked = checked_run(&lesson, &snippet, &knobs, &options);
            future_to_promise(async move { Ok(run(checked).await) })
        },
    );
    set(&api, "lessons", lessons_fn.as_ref());
    set(&api, "run", run_fn.as_ref());
    lessons_fn.forget();
    run_fn.forget();
    if let Some(window) = web_sys::window() {
        set(&window, "asyncTutor", &api);
    }
}
