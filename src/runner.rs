//! The page's side of the runner: the bridge that starts, steps and stops runs on runner workers.
//!
//! Snippets never run on the page's thread (but for `// tutor: page-thread` ones). Stop
//! terminates the run's worker at once; a panic is reported by the worker's panic hook and the
//! worker is replaced, because a trapped wasm instance cannot be trusted again.
//!
//! A worker serves one run. When the run ends its worker is terminated, and with it whatever
//! the run left: tasks still pending and the run's pool workers (nested in the runner worker).
//! Live workers are therefore the `WARM_WORKERS` waiting ones, plus each running run's worker
//! and its pool: after a run, exactly the warm ones.
//!
//! - [`sw`]: the slow web's service worker (registration, the network runs use, new builds);
//! - `pool`: the compiled runner and its workers;
//! - `runs`: the runs in progress, routed by id;
//! - `latch`: the one-value futures the bridge is awaited with ([`Bridge::net_ready`],
//!   [`Bridge::run`]).

mod latch;
mod pool;
mod runs;
pub mod sw;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::rc::{Rc, Weak};

use executor::host::Scheduler;
use executor::trace::Record;
use protocol::packed::Batch;
use protocol::{KnobValues, Network, Report, RunRequest, RunnerProblem, ToRunner};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use latch::Latch;
use pool::Pool;
pub use pool::Program;
use runs::{ActiveRun, failure_report, post_to, runner_error};
pub use sw::{NetStatus, use_net_status};

/// Workers kept booted and waiting for the next run.
const WARM_WORKERS: usize = 2;

/// How a run ended.
#[allow(
    clippy::large_enum_variant,
    reason = "one value per finished run, moved a few times: boxing the report would buy nothing"
)]
#[derive(Clone, Debug, PartialEq)]
pub enum RunEnd {
    /// The snippet returned, failed, or panicked: the report says which.
    Finished(Report),
    /// The learner pressed Stop.
    Stopped,
}

/// Called with each batch of a run's trace records.
pub type OnTrace = Box<dyn Fn(&[Record])>;

/// How one run goes, beyond its knobs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// How the browser host schedules turns.
    pub scheduler: Scheduler,
    /// Run on the virtual host (simulated network, virtual clock) even when the slow web is up.
    pub virtual_time: bool,
    /// Start paused: the executor polls nothing until [`Bridge::step`] or
    /// [`Bridge::run_to_end`]. (On the virtual network a run goes to the end at once.)
    pub step_mode: bool,
    /// Run on the page's own thread (see [`Bridge::run_on_page`]); the other options do not
    /// apply.
    pub page_thread: bool,
    /// The runner program to use (an edited snippet's, from [`Bridge::load_edited`]); else the
    /// smallest the site serves that has the snippet.
    pub program: Option<Program>,
}

/// What a caller hears about its run.
pub struct RunEvents {
    /// Trace records as they arrive. An empty batch is a heartbeat: the worker's thread is
    /// free (see [`protocol::ALIVE_MS`]).
    pub on_trace: OnTrace,
    /// The end of the run (called once).
    pub on_end: Box<dyn Fn(RunEnd)>,
}

#[wasm_bindgen(module = "/www/page-imports.js")]
extern "C" {
    /// Runs a snippet on this thread with a runner program (its wasm-bindgen script and
    /// compiled module): takes the request and resolves to `(report, batch)`, both as
    /// `protocol::wire` bytes.
    #[wasm_bindgen(js_name = runOnPage, catch)]
    fn run_on_page(
        glue: &str,
        module: &JsValue,
        request: JsValue,
    ) -> Result<js_sys::Promise, JsValue>;
}

/// The runner workers and the runs in progress.
pub struct Bridge {
    pool: Pool,
    runs: RefCell<HashMap<u32, ActiveRun>>,
    next_id: Cell<u32>,
    me: Weak<Bridge>,
}

thread_local! {
    static BRIDGE: Rc<Bridge> = Rc::new_cyclic(|me| Bridge {
        pool: Pool::default(),
        runs: RefCell::new(HashMap::new()),
        next_id: Cell::new(0),
        me: me.clone(),
    });
}

/// The page's bridge (started on first use).
pub fn bridge() -> Rc<Bridge> {
    BRIDGE.with(Rc::clone)
}

/// Milliseconds on the page's clock (`performance.now()`; 0 where there is none).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_default()
}

/// What a JavaScript exception says: an `Error`'s message, a thrown string, or else the
/// value as JSON (or as Rust prints it, if it has no JSON).
pub fn js_error_text(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        // Anything else thrown (`throw 42`, `throw {…}`) as JSON says it best.
        .or_else(|| js_sys::JSON::stringify(e).ok().and_then(|s| s.as_string()))
        .unwrap_or_else(|| format!("{e:?}"))
}

/// The site's base URL: what the slow web's relative URLs resolve against.
pub fn base_url() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_default()
}

impl Bridge {
    /// Registers the service worker; once the page knows its network, warms workers of the
    /// programs compiled by then. Call once.
    pub fn start(&self) {
        let me = self.me.clone();
        sw::on_net(move |status| {
            if let Some(bridge) = me.upgrade() {
                bridge.on_net_change(status);
            }
        });
        let me = self.me.clone();
        wasm_bindgen_futures::spawn_local(async move {
            sw::start().await;
            if let Some(bridge) = me.upgrade() {
                bridge.top_up();
            }
        });
    }

    /// Starts compiling the runner program lesson `lesson`'s cards need (the first part's
    /// for the start page), if it is not compiled or compiling: a page calls this once it has
    /// painted, so the first Run finds it ready.
    pub fn prepare(&self, lesson: Option<&str>) {
        let program = lesson.map_or(Program::First, Program::for_lesson);
        if self.pool.module(Program::Full).get().is_none() {
            self.compile(program);
        }
    }

    /// The network runs will use.
    pub fn net(&self) -> NetStatus {
        sw::net()
    }

    /// The network runs will use, once the page knows it (never [`NetStatus::Pending`]).
    pub fn net_ready(&self) -> impl Future<Output = NetStatus> + 'static {
        sw::net_ready()
    }

    /// Reserves the id of the next run, so a caller can record it before events arrive.
    pub fn next_run_id(&self) -> u32 {
        let id = self.next_id.get() + 1;
        self.next_id.set(id);
        id
    }

    /// Starts a snippet at once; the future is its end. For a caller that follows only the
    /// end: a card, which follows the trace and can step or stop, uses
    /// [`Bridge::run_with_id`]. Knobs should already be checked (the worker checks them again
    /// and reports problems as the run's error).
    pub fn run(
        &self,
        lesson: &str,
        snippet: &str,
        knobs: KnobValues,
        options: RunOptions,
        on_trace: OnTrace,
    ) -> impl Future<Output = RunEnd> + 'static {
        let end = Latch::new();
        let events = RunEvents {
            on_trace,
            on_end: Box::new({
                let end = end.clone();
                move |e| end.set(e)
            }),
        };
        self.run_with_id(self.next_run_id(), lesson, snippet, knobs, options, events);
        end.wait()
    }

    /// Runs a snippet on the page's own thread (a `// tutor: page-thread` snippet): while it
    /// blocks, the page cannot paint or answer input. Its trace arrives whole, at the end.
    pub fn run_on_page(
        &self,
        id: u32,
        lesson: &str,
        snippet: &str,
        knobs: KnobValues,
        program: Option<Program>,
        events: RunEvents,
    ) {
        let request = RunRequest {
            id,
            lesson: lesson.to_owned(),
            snippet: snippet.to_owned(),
            knobs,
            network: Network::SlowWeb,
            base_url: base_url(),
            scheduler: Scheduler::default(),
            step_mode: false,
        };
        let program = program.unwrap_or_else(|| self.program_for(lesson));
        self.compile(program);
        let module = self.pool.module(program).wait();
        let glue = self.pool.glue(program);
        wasm_bindgen_futures::spawn_local(async move {
            let on_page = |detail: String| runner_error(RunnerProblem::PageThread { detail });
            let outcome = async {
                let module = module
                    .await
                    .map_err(|detail| RunnerProblem::Load { detail })
                    .map_err(runner_error)?;
                let bytes = protocol::wire::encode(&request);
                let value = js_sys::Uint8Array::from(bytes.as_slice()).into();
                let promise =
                    run_on_page(&glue, &module, value).map_err(|e| on_page(js_error_text(&e)))?;
                let answer = JsFuture::from(promise)
                    .await
                    .map_err(|e| on_page(js_error_text(&e)))?;
                let bytes = answer
                    .dyn_into::<js_sys::Uint8Array>()
                    .map_err(|a| on_page(format!("not bytes: {a:?}")))?
                    .to_vec();
                let (report, batch) =
                    protocol::wire::decode::<(Report, Batch)>(&bytes).map_err(on_page)?;
                Ok((report, batch.records().map_err(on_page)?))
            };
            match outcome.await {
                Ok((report, records)) => {
                    (events.on_trace)(&records);
                    (events.on_end)(RunEnd::Finished(report));
                }
                Err(why) => {
                    let report = failure_report(&request, why);
                    (events.on_end)(RunEnd::Finished(report));
                }
            }
        });
    }

    /// Starts a snippet under an id from [`Bridge::next_run_id`].
    pub fn run_with_id(
        &self,
        id: u32,
        lesson: &str,
        snippet: &str,
        knobs: KnobValues,
        options: RunOptions,
        events: RunEvents,
    ) {
        let network = self.net().network(options.virtual_time);
        let request = RunRequest {
            id,
            lesson: lesson.to_owned(),
            snippet: snippet.to_owned(),
            knobs,
            network,
            base_url: base_url(),
            scheduler: options.scheduler,
            step_mode: options.step_mode,
        };
        let events = Rc::new(events);
        // With the runner compiled, the run is placed at once, so a Step or Stop right after
        // finds it; before, it is placed once the compile ends.
        let program = options.program.unwrap_or_else(|| self.program_for(lesson));
        self.compile(program);
        let module = self.pool.module(program);
        match module.get() {
            Some(module) => self.place(program, module, request, events),
            None => {
                let (me, module) = (self.me.clone(), module.wait());
                wasm_bindgen_futures::spawn_local(async move {
                    let module = module.await;
                    if let Some(bridge) = me.upgrade() {
                        bridge.place(program, module, request, events);
                    }
                });
            }
        }
    }

    /// Gives the run `request` asks for a worker (it is sent once the worker has booted), or
    /// ends it if there is none to be had.
    fn place(
        &self,
        program: Program,
        module: pool::Module,
        request: RunRequest,
        events: Rc<RunEvents>,
    ) {
        if let Err(detail) = module {
            let error = runner_error(RunnerProblem::Load { detail });
            let report = failure_report(&request, error);
            (events.on_end)(RunEnd::Finished(report));
            return;
        }
        let slot = match self.take_worker(program) {
            Ok(slot) => slot,
            Err(e) => {
                (events.on_end)(RunEnd::Finished(failure_report(&request, e)));
                return;
            }
        };
        let id = request.id;
        slot.run.set(Some(id));
        self.runs
            .borrow_mut()
            .insert(id, ActiveRun::new(slot.clone(), request, events));
        self.send_if_ready(&slot);
        self.top_up();
    }

    /// Step mode: lets run `id` make one more poll.
    pub fn step(&self, id: u32) {
        self.control(id, ToRunner::Step { id });
    }

    /// Step mode: lets run `id` go on to its end.
    pub fn run_to_end(&self, id: u32) {
        self.control(id, ToRunner::RunToEnd { id });
    }

    fn control(&self, id: u32, message: ToRunner) {
        let mut runs = self.runs.borrow_mut();
        let Some(run) = runs.get_mut(&id) else { return };
        if run.sent {
            post_to(&run.slot.worker, &message);
        } else {
            run.pending.push(message);
        }
    }

    /// Stops a run: its worker is terminated at once and replaced.
    pub fn stop(&self, id: u32) {
        let Some(run) = self.runs.borrow_mut().remove(&id) else {
            return;
        };
        run.slot.worker.terminate();
        (run.events.on_end)(RunEnd::Stopped);
        self.top_up();
    }
}
