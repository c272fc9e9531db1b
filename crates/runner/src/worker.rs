//! The runner worker: takes run requests from the page, runs snippets, streams the trace back.
//!
//! One snippet runs at a time. A panic cannot be caught on wasm32 (it aborts), so the panic hook
//! reports it first; the page then replaces this worker. Stop is the page terminating us, and
//! so is the end of a run: a worker serves one run, and its pool's workers end with it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use executor::host::browser::{BrowserHost, BrowserOptions};
use executor::trace::{Event, Record};
use executor::{Executor, spawn_named};
use protocol::packed::Batch;
use protocol::{
    ALIVE_MS, FromRunner, JobFailure, Network, Report, RunError, RunRequest, Tally, ToRunner,
};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::run::{prepare, report, run_virtual, snippet_error, virtual_so_far};

/// Trace records are sent in batches; events a learner waits to see go out at once.
const BATCH: usize = 512;
const FLUSH_MS: u32 = 16;
/// A trace that is there at once (a virtual run's) goes in parts this long (see
/// [`FromRunner::Recorded`]).
const BIG_BATCH: usize = 16_384;

thread_local! {
    static RUN: RefCell<Option<Run>> = const { RefCell::new(None) };
    static RUN_ID: Cell<Option<u32>> = const { Cell::new(None) };
    /// The trace stream of the real-time run in progress, for the panic hook.
    static STREAM: RefCell<Option<Rc<Stream>>> = const { RefCell::new(None) };
}

/// Sends a recorded trace in big batches.
fn send_all(id: u32, records: &[Record]) {
    for batch in records.chunks(BIG_BATCH) {
        post(&FromRunner::Recorded {
            id,
            batch: Batch::of(batch),
        });
    }
}

/// A report as it goes to the page: without its printed lines, which reached the page in the
/// trace (see [`FromRunner::Done`]).
fn untold(mut report: Report) -> Report {
    report.output = Vec::new();
    report
}

/// For the panic hook: sends what run `id` traced and not yet sent, and returns the report of
/// the run so far, failed with `failure`. `None` if the trace cannot be read at this moment
/// (the panic came while it was being written).
fn so_far(id: u32, failure: RunError) -> Option<Report> {
    if let Some(stream) = STREAM.with(|s| s.try_borrow().ok()?.clone()) {
        // On the browser's clock: the time since the run started.
        let elapsed_us = (now_ms() - stream.started_ms).max(0.0) * 1000.0;
        stream.flush();
        let tally = stream.tally.try_borrow().ok()?;
        return Some(tally.report(elapsed_us / 1000.0, Some(failure), Network::SlowWeb));
    }
    let (records, at_us) = virtual_so_far()?;
    send_all(id, &records);
    Some(report(&records, at_us, Some(failure), Network::Virtual))
}

fn now_ms() -> f64 {
    scope().performance().map(|p| p.now()).unwrap_or_default()
}

struct Run {
    executor: Executor,
    /// Says "alive" to the page while the thread is free.
    _heartbeat: gloo_timers::callback::Interval,
}

/// Runs `f` on the executor of run `id`, if that is the run in progress.
fn with_run(id: u32, f: impl FnOnce(&Executor)) {
    if RUN_ID.with(Cell::get) != Some(id) {
        return;
    }
    RUN.with(|r| {
        if let Some(run) = r.borrow().as_ref() {
            f(&run.executor);
        }
    });
}

/// The program's entry point in the browser: in a runner worker, start serving runs; in a pool
/// worker (lesson 2's threads, booted from the same script under its own name), serve jobs; on
/// the page's own thread (lesson 1's freeze demo), nothing: there it only answers
/// `run_on_page`.
pub fn boot() {
    if in_worker() {
        if worker_name() == crate::web_pool::POOL_WORKER_NAME {
            crate::web_pool::serve();
        } else {
            start();
        }
    }
}

/// True when this code runs in a dedicated worker (the runner), not on a page.
pub fn in_worker() -> bool {
    js_sys::global()
        .dyn_into::<DedicatedWorkerGlobalScope>()
        .is_ok()
}

/// The wasm-bindgen script this worker booted from (`www/runner-boot.js` keeps it in
/// `self.runnerGlue`): the workers it starts boot from the same one.
pub fn glue() -> String {
    js_sys::Reflect::get(&js_sys::global(), &"runnerGlue".into())
        .ok()
        .and_then(|g| g.as_string())
        .unwrap_or_else(|| "runner.js".into())
}

/// The `name` this worker was started with.
pub fn worker_name() -> String {
    scope().name()
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// A message from the page: one `Uint8Array` of [`protocol::wire`] bytes.
fn decode<T: protocol::wire::Wire>(data: &JsValue) -> Result<T, String> {
    let bytes = data
        .dyn_ref::<js_sys::Uint8Array>()
        .ok_or_else(|| format!("not bytes: {data:?}"))?;
    protocol::wire::decode(&bytes.to_vec())
}

/// Posts `message` to the page as one `Uint8Array` of [`protocol::wire`] bytes, its buffer
/// transferred rather than copied.
fn post(message: &FromRunner) {
    let bytes = js_sys::Uint8Array::from(protocol::wire::encode(message).as_slice());
    let transfer = js_sys::Array::of1(&bytes.buffer());
    // Posting to our own parent only fails for uncloneable data; bytes are not.
    let _ = scope().post_message_with_transfer(&bytes, &transfer);
}

/// What a panic says, and where: ("boom", Some("lessons/08-async-await/panic.rs:20:9")).
/// A panic without a message says "(a panic without a message)".
pub fn panic_parts(info: &std::panic::PanicHookInfo<'_>) -> (String, Option<String>) {
    let message = info
        .payload_as_str()
        .unwrap_or("(a panic without a message)");
    // Snippets are compiled from absolute paths; the place shows the part a reader recognises.
    let place = info
        .location()
        .map(|l| RunError::place(l.file(), l.line(), l.column()));
    (message.to_owned(), place)
}

/// Installs the panic hook and the message handler, then tells the page it is ready.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let (message, location) = panic_parts(info);
        let id = RUN_ID.with(Cell::get);
        // Whatever the run did before the panic goes out first: its trace, then a report of
        // it (on the virtual clock, in virtual time), as if the run had ended there.
        let failure = RunError::Panic {
            message: message.clone(),
            location: location.clone(),
        };
        let report = id.and_then(|id| so_far(id, failure)).map(untold);
        post(&FromRunner::Panic {
            id,
            message,
            location,
            report,
        });
    }));
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        match decode::<ToRunner>(&event.data()) {
            Ok(ToRunner::Run(request)) => start_run(request),
            Ok(ToRunner::Step { id }) => with_run(id, Executor::step),
            Ok(ToRunner::RunToEnd { id }) => with_run(id, Executor::run_to_end),
            Err(e) => web_sys::console::error_1(&format!("runner: bad message: {e}").into()),
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&FromRunner::Ready);
}

fn start_run(request: RunRequest) {
    // A new run ends the previous one (the page sends one run per worker at a time).
    RUN.with(|r| r.borrow_mut().take());
    STREAM.with(|s| s.borrow_mut().take());
    RUN_ID.with(|r| r.set(Some(request.id)));
    let id = request.id;
    if request.network == Network::Virtual {
        let (report, records) = run_virtual(&request);
        send_all(id, &records);
        post(&FromRunner::Done {
            id,
            report: untold(report),
        });
        RUN_ID.with(|r| r.set(None));
        return;
    }
    tutor::threads::set_backend(tutor::threads::Backend::Workers(std::rc::Rc::new(
        crate::web_pool::WebWorkers {
            lesson: request.lesson.clone(),
            snippet: request.snippet.clone(),
            base_url: request.base_url.clone(),
        },
    )));
    let (snippet, values) = match prepare(&request) {
        Ok(ready) => ready,
        Err(why) => {
            let report = report(&[], 0, Some(why), Network::SlowWeb);
            post(&FromRunner::Done { id, report });
            return;
        }
    };
    let executor = Executor::new(BrowserHost::new(BrowserOptions {
        base_url: Some(request.base_url.clone()),
        scheduler: request.scheduler,
        ..BrowserOptions::default()
    }));
    let stream = Rc::new(Stream::new(id));
    STREAM.with(|s| *s.borrow_mut() = Some(stream.clone()));
    // How main ended (its error, if any, and when), filled in as it returns.
    let ending: Rc<RefCell<Option<Ending>>> = Rc::default();
    let main_id = Rc::new(Cell::new(0));
    {
        let (stream, ending, main_id) = (stream.clone(), ending.clone(), main_id.clone());
        let main_done = Cell::new(None);
        executor.on_trace(move |record| {
            stream.push(record);
            // The report goes out at the end of the turn in which main finished, so the page's
            // last view of the run shows main finished and that turn ended.
            match record.event {
                Event::Done { task, .. } if task == main_id.get() => {
                    main_done.set(Some(record.t_us));
                }
                Event::TurnEnd { .. } => {
                    if let Some(done_us) = main_done.take() {
                        let (error, elapsed) =
                            ending.borrow_mut().take().unwrap_or((None, done_us));
                        finish_run(&stream, id, error, elapsed);
                    }
                }
                _ => {}
            }
        });
    }
    executor.set_step_mode(request.step_mode);
    let future = (snippet.start)(values);
    // The snippet runs as the task "main". (A panic aborts the whole worker on wasm32, so
    // there is no JoinError to handle here.)
    let main = spawn_named("main", async move {
        let error = future.await.err().map(|e| snippet_error(&*e));
        let elapsed = executor::now().as_micros() as u64;
        *ending.borrow_mut() = Some((error, elapsed));
    });
    main_id.set(main.id());
    drop(main); // detached: the run ends when it does
    let heartbeat = gloo_timers::callback::Interval::new(ALIVE_MS, move || {
        post(&FromRunner::Alive { id });
    });
    RUN.with(|r| {
        *r.borrow_mut() = Some(Run {
            executor,
            _heartbeat: heartbeat,
        })
    });
}

/// How a run's main task ended: its error, if any, and when (µs).
type Ending = (Option<RunError>, u64);

/// Sends the rest of the trace and the report, and ends the run.
fn finish_run(stream: &Stream, id: u32, error: Option<RunError>, elapsed_us: u64) {
    stream.flush();
    let report = stream
        .tally
        .borrow()
        .report(elapsed_us as f64 / 1000.0, error, Network::SlowWeb);
    post(&FromRunner::Done {
        id,
        report: untold(report),
    });
    RUN_ID.with(|r| r.set(None));
    STREAM.with(|s| s.borrow_mut().take());
    // The run itself (tasks the snippet left behind, its pool's workers) is not ended here:
    // the page terminates this worker on `Done`, and the whole run ends with it. Terminating
    // the pool's workers here as well would race that: in Chromium a worker terminated while
    // its own nested workers are still shutting down can stay behind for good, hung.
}

/// Counts a run's records and sends them to the page in batches.
struct Stream {
    id: u32,
    /// When the run started, on this worker's clock (ms).
    started_ms: f64,
    /// The report so far.
    tally: RefCell<Tally>,
    unsent: RefCell<Vec<Record>>,
    flush_armed: Cell<bool>,
}

impl Stream {
    fn new(id: u32) -> Stream {
        Stream {
            id,
            started_ms: now_ms(),
            tally: RefCell::default(),
            unsent: RefCell::default(),
            flush_armed: Cell::new(false),
        }
    }

    fn push(self: &Rc<Self>, record: &Record) {
        let urgent = matches!(
            record.event,
            Event::Print { .. }
                | Event::Mark { .. }
                | Event::FetchStart { .. }
                | Event::FetchEnd { .. }
                | Event::FetchError { .. }
                | Event::FetchAbort { .. }
                | Event::FetchChunk { .. }
                | Event::Paused { .. }
        );
        self.tally.borrow_mut().push(record);
        self.unsent.borrow_mut().push(record.clone());
        // A blocking snippet stops timers from firing, so what the learner waits to see
        // (output, requests, a step's pause) goes out immediately.
        if urgent || self.unsent.borrow().len() >= BATCH {
            self.flush();
        } else if !self.flush_armed.replace(true) {
            let me = self.clone();
            gloo_timers::callback::Timeout::new(FLUSH_MS, move || me.flush()).forget();
        }
    }

    /// Sends the records queued and not sent yet.
    fn flush(&self) {
        self.flush_armed.set(false);
        // A panic while the trace is being written: nothing can be read, nothing is sent.
        let Ok(mut unsent) = self.unsent.try_borrow_mut() else {
            return;
        };
        if unsent.is_empty() {
            return;
        }
        let batch = Batch::of(&unsent);
        unsent.clear();
        post(&FromRunner::Trace { id: self.id, batch });
    }
}

thread_local! {
    /// The run on the page's thread, kept alive until it ends.
    static PAGE_RUN: RefCell<Option<Executor>> = const { RefCell::new(None) };
}

/// Runs a snippet on the thread that calls this: the page's own, for the freeze demo. Takes a
/// [`RunRequest`] as a `Uint8Array` of [`protocol::wire`] bytes; resolves to the same kind of
/// bytes holding `(report, batch)` (the records [`Batch`]ed, as the worker sends them) once
/// the snippet's main task has ended (or at once, with the report saying why it could not
/// start). While a blocking snippet runs, nothing else on the page does: no input, no
/// painting. Rejects only a request that is not one.
#[wasm_bindgen]
pub fn run_on_page(request: JsValue) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, reject| {
        let request: RunRequest = match decode(&request) {
            Ok(request) => request,
            Err(e) => {
                let _ = reject.call1(&JsValue::NULL, &format!("bad run request: {e}").into());
                return;
            }
        };
        tutor::threads::set_backend(tutor::threads::Backend::Unavailable(
            JobFailure::OnPageThread,
        ));
        let (snippet, values) = match prepare(&request) {
            Ok(ready) => ready,
            Err(why) => {
                let report = report(&[], 0, Some(why), Network::SlowWeb);
                let _ = resolve.call1(&JsValue::NULL, &page_answer(report, &[]));
                return;
            }
        };
        let executor = Executor::new(BrowserHost::new(BrowserOptions {
            base_url: Some(request.base_url.clone()),
            scheduler: request.scheduler,
            ..BrowserOptions::default()
        }));
        let log = executor.record_trace();
        let future = (snippet.start)(values);
        let _main = spawn_named("main", async move {
            let error = future.await.err().map(|e| snippet_error(&*e));
            let elapsed = executor::now().as_micros() as u64;
            // Answer once this turn is over, so main's `Done` is in the trace.
            gloo_timers::callback::Timeout::new(0, move || {
                let records = log.borrow().clone();
                let report = report(&records, elapsed, error, Network::SlowWeb);
                let _ = resolve.call1(&JsValue::NULL, &page_answer(report, &records));
                PAGE_RUN.with(|r| r.borrow_mut().take());
            })
            .forget();
        });
        PAGE_RUN.with(|r| *r.borrow_mut() = Some(executor));
    })
}

/// What [`run_on_page`] resolves to: `(report, batch of records)` as wire bytes.
fn page_answer(report: Report, records: &[Record]) -> JsValue {
    let bytes = protocol::wire::encode(&(report, Batch::of(records)));
    js_sys::Uint8Array::from(bytes.as_slice()).into()
}
