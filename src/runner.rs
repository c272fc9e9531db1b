//! The page's side of the runner worker: one compiled module, warm workers, runs routed by id.
//!
//! Snippets never run on the page's thread. The page compiles `runner_bg.wasm` once and hands
//! the compiled module to each new worker, so replacing a worker (after Stop or a panic) takes
//! milliseconds. Stop terminates the worker at once; a panic is reported by the worker's panic
//! hook and the worker is replaced, because a trapped wasm instance cannot be trusted again.
//!
//! A worker serves one run. When the run ends its worker is terminated, and with it whatever
//! the run left: tasks still pending and the run's pool workers (nested in the runner worker).
//! Live workers are therefore the `WARM_WORKERS` waiting ones, plus each running run's worker
//! and its pool: after a run, exactly the warm ones.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::{Rc, Weak};

use executor::host::Scheduler;
use executor::trace::Record;
use js_sys::{Object, Reflect};
use protocol::{
    FromRunner, KnobValues, Network, Report, RunError, RunRequest, RunnerProblem, Tally, ToRunner,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

/// How long the page waits for its service worker to take control.
const CONTROL_TIMEOUT_MS: i32 = 4000;
/// Workers kept booted and waiting for the next run.
const WARM_WORKERS: usize = 2;

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
    /// The status as a `data-network` attribute value: `pending`, `slow-web` or `virtual`.
    pub fn attr(&self) -> &'static str {
        match self {
            NetStatus::Pending => "pending",
            NetStatus::SlowWeb => "slow-web",
            NetStatus::Virtual(_) => "virtual",
        }
    }
}

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
/// Called with the compiled runner module (or why it could not be had).
type ModuleWaiter = Box<dyn FnOnce(Result<JsValue, String>)>;
/// Called when the network status changes.
type NetListener = Rc<dyn Fn(&NetStatus)>;

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
}

/// Sends a message to a runner worker.
fn post_to(worker: &Worker, message: &ToRunner) {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let message = serde::Serialize::serialize(message, &serializer).expect("messages serialize");
    let _ = worker.post_message(&message);
}

/// What a caller hears about its run.
pub struct RunEvents {
    /// Trace records as they arrive. An empty batch is a heartbeat: the worker's thread is
    /// free (see [`protocol::ALIVE_MS`]).
    pub on_trace: OnTrace,
    /// The end of the run (called once).
    pub on_end: Box<dyn Fn(RunEnd)>,
}

#[wasm_bindgen(module = "/www/page-runner.js")]
extern "C" {
    /// Runs a snippet on this thread with the runner module: resolves to `[report, records]`.
    #[wasm_bindgen(js_name = runOnPage, catch)]
    fn run_on_page(module: &JsValue, request: JsValue) -> Result<js_sys::Promise, JsValue>;
}

enum Module {
    Loading(Vec<ModuleWaiter>),
    Ready(JsValue),
    Failed(String),
}

struct Slot {
    worker: Worker,
    ready: Cell<bool>,
    run: Cell<Option<u32>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl Slot {
    /// The slot's worker is done with: stop it, and unhook its handlers first, so an event it
    /// queued before it stopped (the error that follows a panic) finds no handler of ours.
    fn retire(&self) {
        self.worker.set_onmessage(None);
        // The error that follows a panic may still be on its way: it is swallowed, not left
        // to reach the page's window as an uncaught `RuntimeError: unreachable`.
        SWALLOW_ERROR.with(|f| self.worker.set_onerror(Some(f.unchecked_ref())));
        self.worker.terminate();
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.retire();
    }
}

thread_local! {
    /// An `onerror` handler that only marks the error handled.
    static SWALLOW_ERROR: JsValue =
        Closure::<dyn FnMut(ErrorEvent)>::new(|e: ErrorEvent| e.prevent_default()).into_js_value();
}

struct ActiveRun {
    slot: Rc<Slot>,
    request: RunRequest,
    sent: bool,
    /// Steps and the like asked for before the run reached its worker.
    pending: Vec<ToRunner>,
    /// The report so far, for a run that ends without the worker's own.
    tally: Tally,
    started_ms: f64,
    events: Rc<RunEvents>,
    /// Parts of a recorded trace not yet taken in (see [`FromRunner::Recorded`]).
    recorded: VecDeque<protocol::packed::Batch>,
    /// How the run ended, when that came while parts were still to be taken in.
    ending: Option<Ending>,
}

/// How a run ended, to be told once its whole trace is in: the worker's report (its output
/// comes from the trace), or an error and the time it came.
enum Ending {
    Report(Report),
    Failed { error: RunError, elapsed_ms: f64 },
}

/// The runner workers and the runs in progress.
pub struct Bridge {
    module: RefCell<Module>,
    net: RefCell<NetStatus>,
    net_listeners: RefCell<Vec<(u32, NetListener)>>,
    next_listener: Cell<u32>,
    warm: RefCell<Vec<Rc<Slot>>>,
    runs: RefCell<HashMap<u32, ActiveRun>>,
    next_id: Cell<u32>,
    me: Weak<Bridge>,
}

thread_local! {
    static BRIDGE: Rc<Bridge> = Rc::new_cyclic(|me| Bridge {
        module: RefCell::new(Module::Loading(Vec::new())),
        net: RefCell::new(NetStatus::Pending),
        net_listeners: RefCell::new(Vec::new()),
        next_listener: Cell::new(0),
        warm: RefCell::new(Vec::new()),
        runs: RefCell::new(HashMap::new()),
        next_id: Cell::new(0),
        me: me.clone(),
    });
}

/// The page's bridge (started on first use).
pub fn bridge() -> Rc<Bridge> {
    BRIDGE.with(Rc::clone)
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_default()
}

fn js_error_text(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
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
    /// Registers the service worker, compiles the runner, and warms a worker. Call once.
    pub fn start(&self) {
        let me = self.me.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let status = detect_network().await;
            if let NetStatus::Virtual(why) = &status {
                web_sys::console::info_1(&format!("async-tutor: {why}").into());
            }
            if let Some(bridge) = me.upgrade() {
                if let NetStatus::Virtual(_) = status {
                    bridge.upgrade_when_controlled();
                }
                bridge.set_net(status);
                bridge.compile_module();
            }
        });
    }

    /// If the service worker takes control late, later runs use the slow web. Warm workers
    /// were created uncontrolled (a worker inherits its page's controller when it starts), so
    /// they are replaced.
    fn upgrade_when_controlled(&self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        if !Reflect::has(&window.navigator(), &"serviceWorker".into()).unwrap_or(false) {
            return;
        }
        let me = self.me.clone();
        let on_change = Closure::<dyn FnMut()>::new(move || {
            let Some(bridge) = me.upgrade() else { return };
            if bridge.net() == NetStatus::SlowWeb {
                return;
            }
            for slot in bridge.warm.borrow_mut().drain(..) {
                slot.worker.terminate();
            }
            bridge.set_net(NetStatus::SlowWeb);
            bridge.top_up();
        });
        let _ = window
            .navigator()
            .service_worker()
            .add_event_listener_with_callback(
                "controllerchange",
                on_change.as_ref().unchecked_ref(),
            );
        on_change.forget();
    }

    /// The network runs will use.
    pub fn net(&self) -> NetStatus {
        self.net.borrow().clone()
    }

    /// Calls `listener` now and whenever the network status changes, until [`Bridge::off_net`]
    /// with the returned id.
    pub fn on_net(&self, listener: impl Fn(&NetStatus) + 'static) -> u32 {
        let id = self.next_listener.get() + 1;
        self.next_listener.set(id);
        self.net_listeners
            .borrow_mut()
            .push((id, Rc::new(listener)));
        let status = self.net();
        // The listener may call off_net: no borrow is held while it runs.
        if let Some(listener) = self.listener(id) {
            listener(&status);
        }
        id
    }

    /// Stops a listener added with [`Bridge::on_net`].
    pub fn off_net(&self, id: u32) {
        self.net_listeners.borrow_mut().retain(|(i, _)| *i != id);
    }

    fn listener(&self, id: u32) -> Option<NetListener> {
        let listeners = self.net_listeners.borrow();
        listeners
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, l)| l.clone())
    }

    fn set_net(&self, status: NetStatus) {
        *self.net.borrow_mut() = status.clone();
        let listeners: Vec<_> = self
            .net_listeners
            .borrow()
            .iter()
            .map(|(_, l)| l.clone())
            .collect();
        for listener in listeners {
            listener(&status);
        }
    }

    fn compile_module(&self) {
        let me = self.me.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let result = compile_runner().await;
            let Some(bridge) = me.upgrade() else { return };
            let waiters = match bridge.module.replace(match &result {
                Ok(m) => Module::Ready(m.clone()),
                Err(e) => Module::Failed(e.clone()),
            }) {
                Module::Loading(waiters) => waiters,
                _ => Vec::new(),
            };
            for waiter in waiters {
                waiter(result.clone());
            }
            bridge.top_up();
        });
    }

    fn with_module(&self, f: impl FnOnce(Result<JsValue, String>) + 'static) {
        let mut module = self.module.borrow_mut();
        match &mut *module {
            Module::Loading(waiters) => waiters.push(Box::new(f)),
            Module::Ready(m) => {
                let m = m.clone();
                drop(module);
                f(Ok(m));
            }
            Module::Failed(e) => {
                let e = e.clone();
                drop(module);
                f(Err(e));
            }
        }
    }

    /// Keeps `WARM_WORKERS` booted workers waiting.
    fn top_up(&self) {
        if !matches!(&*self.module.borrow(), Module::Ready(_)) {
            return;
        }
        while self.warm.borrow().len() < WARM_WORKERS {
            match self.spawn_worker() {
                Ok(slot) => self.warm.borrow_mut().push(slot),
                Err(e) => {
                    web_sys::console::error_1(&format!("async-tutor: {e}").into());
                    break;
                }
            }
        }
    }

    fn spawn_worker(&self) -> Result<Rc<Slot>, RunError> {
        let Module::Ready(module) = &*self.module.borrow() else {
            return Err(runner_error(RunnerProblem::NotCompiled));
        };
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        options.set_name("async-tutor runner");
        let worker = Worker::new_with_options("runner-boot.js", &options).map_err(|e| {
            runner_error(RunnerProblem::Start {
                detail: js_error_text(&e),
            })
        })?;
        let slot = Rc::new_cyclic(|weak: &Weak<Slot>| {
            let (bridge, w) = (self.me.clone(), weak.clone());
            let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                if let (Some(bridge), Some(slot)) = (bridge.upgrade(), w.upgrade()) {
                    bridge.on_message(&slot, e.data());
                }
            });
            let (bridge, w) = (self.me.clone(), weak.clone());
            let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
                // Handled here: unhandled, a panic's trap would also reach the page's window
                // as an uncaught `RuntimeError: unreachable`.
                e.prevent_default();
                if let (Some(bridge), Some(slot)) = (bridge.upgrade(), w.upgrade()) {
                    bridge.on_crash(&slot, e.message());
                }
            });
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            Slot {
                worker: worker.clone(),
                ready: Cell::new(false),
                run: Cell::new(None),
                _on_message: on_message,
                _on_error: on_error,
            }
        });
        let boot = Object::new();
        let _ = Reflect::set(&boot, &"type".into(), &"boot".into());
        let _ = Reflect::set(&boot, &"module".into(), module);
        worker.post_message(&boot).map_err(|e| {
            runner_error(RunnerProblem::Boot {
                detail: js_error_text(&e),
            })
        })?;
        Ok(slot)
    }

    /// Reserves the id of the next run, so a caller can record it before events arrive.
    pub fn next_run_id(&self) -> u32 {
        let id = self.next_id.get() + 1;
        self.next_id.set(id);
        id
    }

    /// Starts a snippet; returns the run's id. Knobs should already be checked (the worker
    /// checks them again and reports problems as the run's error).
    pub fn run(
        &self,
        lesson: &str,
        snippet: &str,
        knobs: KnobValues,
        options: RunOptions,
        events: RunEvents,
    ) -> u32 {
        let id = self.next_run_id();
        self.run_with_id(id, lesson, snippet, knobs, options, events);
        id
    }

    /// Runs a snippet on the page's own thread (a `// tutor: page-thread` snippet): while it
    /// blocks, the page cannot paint or answer input. Its trace arrives whole, at the end.
    pub fn run_on_page(
        &self,
        id: u32,
        lesson: &str,
        snippet: &str,
        knobs: KnobValues,
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
        self.with_module(move |module| {
            wasm_bindgen_futures::spawn_local(async move {
                let on_page = |detail: String| runner_error(RunnerProblem::PageThread { detail });
                let outcome = async {
                    let module = module
                        .map_err(|detail| RunnerProblem::Load { detail })
                        .map_err(runner_error)?;
                    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
                    let value = serde::Serialize::serialize(&request, &serializer)
                        .map_err(|e| on_page(e.to_string()))?;
                    let promise =
                        run_on_page(&module, value).map_err(|e| on_page(js_error_text(&e)))?;
                    let answer = JsFuture::from(promise)
                        .await
                        .map_err(|e| on_page(js_error_text(&e)))?;
                    serde_wasm_bindgen::from_value::<(Report, Vec<Record>)>(answer)
                        .map_err(|e| on_page(e.to_string()))
                };
                match outcome.await {
                    Ok((report, records)) => {
                        (events.on_trace)(&records);
                        (events.on_end)(RunEnd::Finished(report));
                    }
                    Err(why) => {
                        let report = failure_report(&request, &[], 0.0, why);
                        (events.on_end)(RunEnd::Finished(report));
                    }
                }
            });
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
        let network = match self.net() {
            NetStatus::SlowWeb if !options.virtual_time => Network::SlowWeb,
            _ => Network::Virtual,
        };
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
        let me = self.me.clone();
        let events = Rc::new(events);
        self.with_module(move |module| {
            let Some(bridge) = me.upgrade() else { return };
            if let Err(detail) = module {
                let error = runner_error(RunnerProblem::Load { detail });
                let report = failure_report(&request, &[], 0.0, error);
                (events.on_end)(RunEnd::Finished(report));
                return;
            }
            let slot = match bridge.warm.borrow_mut().pop() {
                Some(slot) => Ok(slot),
                None => bridge.spawn_worker(),
            };
            let slot = match slot {
                Ok(slot) => slot,
                Err(e) => {
                    (events.on_end)(RunEnd::Finished(failure_report(&request, &[], 0.0, e)));
                    return;
                }
            };
            slot.run.set(Some(request.id));
            bridge.runs.borrow_mut().insert(
                request.id,
                ActiveRun {
                    slot: slot.clone(),
                    request,
                    sent: false,
                    pending: Vec::new(),
                    tally: Tally::default(),
                    started_ms: now_ms(),
                    events,
                    recorded: VecDeque::new(),
                    ending: None,
                },
            );
            bridge.send_if_ready(&slot);
            bridge.top_up();
        });
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

    fn send_if_ready(&self, slot: &Rc<Slot>) {
        if !slot.ready.get() {
            return;
        }
        let Some(id) = slot.run.get() else { return };
        let mut runs = self.runs.borrow_mut();
        let Some(run) = runs.get_mut(&id) else { return };
        if run.sent {
            return;
        }
        run.sent = true;
        run.started_ms = now_ms();
        post_to(&slot.worker, &ToRunner::Run(run.request.clone()));
        for message in run.pending.drain(..) {
            post_to(&slot.worker, &message);
        }
    }

    /// Takes in a batch of run `id`'s trace.
    fn take_batch(&self, id: u32, batch: protocol::packed::Batch) {
        let records = match batch.records() {
            Ok(records) => records,
            Err(e) => {
                web_sys::console::error_1(&format!("async-tutor: {e}").into());
                return;
            }
        };
        let events = {
            let mut runs = self.runs.borrow_mut();
            let Some(run) = runs.get_mut(&id) else { return };
            run.tally.extend(&records);
            run.events.clone()
        };
        (events.on_trace)(&records);
    }

    fn on_message(&self, slot: &Rc<Slot>, data: JsValue) {
        let message: FromRunner =
            match trace_batch(&data).map_or_else(|| serde_wasm_bindgen::from_value(data), Ok) {
                Ok(m) => m,
                Err(e) => {
                    web_sys::console::error_1(
                        &format!("async-tutor: odd message from the runner: {e}").into(),
                    );
                    return;
                }
            };
        match message {
            FromRunner::Ready => {
                slot.ready.set(true);
                self.send_if_ready(slot);
            }
            FromRunner::Trace { id, batch } => self.take_batch(id, batch),
            FromRunner::Recorded { id, batch } => {
                let first = {
                    let mut runs = self.runs.borrow_mut();
                    let Some(run) = runs.get_mut(&id) else { return };
                    run.recorded.push_back(batch);
                    run.recorded.len() == 1
                };
                if first {
                    drain_later(id);
                }
            }
            FromRunner::Alive { id } => {
                let events = self.runs.borrow().get(&id).map(|r| r.events.clone());
                if let Some(events) = events {
                    (events.on_trace)(&[]);
                }
            }
            FromRunner::Done { id, report } => {
                if !self.runs.borrow().contains_key(&id) {
                    return;
                }
                slot.run.set(None);
                // A worker serves one run: terminating it ends what the run left (its pool's
                // workers with it), and a warm worker already waits for the next run. (The run
                // may hold the slot a little longer, while its recorded trace is taken in.)
                slot.retire();
                self.end_when_in(id, Ending::Report(report));
                self.top_up();
            }
            FromRunner::Panic {
                id,
                message,
                location,
                report,
            } => {
                let error = RunError::Panic { message, location };
                // The runner's own report of the run up to the panic, when it could make one:
                // complete output, and on the virtual clock its virtual time.
                let report = report.map(|mut report| {
                    report.error = Some(error.to_string());
                    report.failure = Some(error.clone());
                    report
                });
                self.end_with_error(slot, id.or(slot.run.get()), error, report);
            }
            FromRunner::BootFailed { message } => {
                let error = runner_error(RunnerProblem::Boot { detail: message });
                self.end_with_error(slot, slot.run.get(), error, None);
            }
        }
    }

    fn on_crash(&self, slot: &Rc<Slot>, message: String) {
        let error = RunError::RunnerCrashed { message };
        self.end_with_error(slot, slot.run.get(), error, None);
    }

    /// A worker that panicked or crashed is never reused. The run ends with `report` when the
    /// runner sent one, else with one made from the trace that arrived.
    fn end_with_error(
        &self,
        slot: &Rc<Slot>,
        id: Option<u32>,
        error: RunError,
        report: Option<Report>,
    ) {
        slot.retire();
        slot.run.set(None);
        self.warm.borrow_mut().retain(|s| !Rc::ptr_eq(s, slot));
        let started_ms = id.and_then(|id| self.runs.borrow().get(&id).map(|r| r.started_ms));
        match (id, started_ms) {
            (Some(id), Some(started_ms)) => self.end_when_in(
                id,
                match report {
                    Some(report) => Ending::Report(report),
                    None => Ending::Failed {
                        error,
                        elapsed_ms: now_ms() - started_ms,
                    },
                },
            ),
            _ => web_sys::console::error_1(&format!("async-tutor: {error}").into()),
        }
        self.top_up();
    }

    /// Ends run `id` as `ending` says once every part of its trace is in: at once, or after
    /// the last part.
    fn end_when_in(&self, id: u32, ending: Ending) {
        let run = {
            let mut runs = self.runs.borrow_mut();
            match runs.get_mut(&id) {
                Some(run) if !run.recorded.is_empty() => {
                    run.ending = Some(ending);
                    return;
                }
                Some(_) => runs.remove(&id),
                None => return,
            }
        };
        if let Some(run) = run {
            end(run, ending);
        }
    }

    /// Takes in the next part of run `id`'s recorded trace, and ends the run after the last
    /// one if its end has come.
    fn drain(&self, id: u32) {
        let Some(batch) = self
            .runs
            .borrow_mut()
            .get_mut(&id)
            .and_then(|run| run.recorded.pop_front())
        else {
            return;
        };
        self.take_batch(id, batch);
        let finished = {
            let mut runs = self.runs.borrow_mut();
            let Some(run) = runs.get_mut(&id) else { return };
            if !run.recorded.is_empty() {
                drain_later(id);
                None
            } else if run.ending.is_some() {
                runs.remove(&id)
            } else {
                None
            }
        };
        if let Some(mut run) = finished {
            if let Some(ending) = run.ending.take() {
                end(run, ending);
            }
        }
    }
}

/// Takes in the next part of run `id`'s recorded trace in a task of its own, after the page
/// has had a chance to paint.
fn drain_later(id: u32) {
    gloo_timers::callback::Timeout::new(0, move || bridge().drain(id)).forget();
}

/// Tells run `run`'s caller that it ended as `ending` says.
fn end(mut run: ActiveRun, ending: Ending) {
    let report = match ending {
        // The lines printed came in the trace (the worker does not send them twice).
        Ending::Report(mut report) => {
            report.output = std::mem::take(&mut run.tally.output);
            report
        }
        Ending::Failed { error, elapsed_ms } => {
            run.tally
                .report(elapsed_ms, Some(error), run.request.network)
        }
    };
    (run.events.on_end)(RunEnd::Finished(report));
}

/// A `trace` or `recorded` message read straight from its `Uint8Array`, without the generic path (an
/// internally tagged enum is buffered whole first, byte by byte for an array of bytes); `None`
/// for any other message.
fn trace_batch(data: &JsValue) -> Option<FromRunner> {
    let kind = Reflect::get(data, &"type".into()).ok()?.as_string()?;
    if kind != "trace" && kind != "recorded" {
        return None;
    }
    let id = Reflect::get(data, &"id".into()).ok()?.as_f64()? as u32;
    let bytes: js_sys::Uint8Array = Reflect::get(data, &"batch".into()).ok()?.dyn_into().ok()?;
    let batch = protocol::packed::Batch(bytes.to_vec());
    Some(if kind == "trace" {
        FromRunner::Trace { id, batch }
    } else {
        FromRunner::Recorded { id, batch }
    })
}

/// A report for a run that ended without the worker's own report.
fn failure_report(
    request: &RunRequest,
    records: &[Record],
    elapsed_ms: f64,
    error: RunError,
) -> Report {
    Report::from_trace(records, elapsed_ms, Some(error), request.network)
}

fn runner_error(problem: RunnerProblem) -> RunError {
    RunError::Runner { problem }
}

/// Fetches and compiles the runner's wasm once; every worker instantiates the same module.
async fn compile_runner() -> Result<JsValue, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str("runner_bg.wasm"))
        .await
        .map_err(|e| js_error_text(&e))?
        .unchecked_into();
    if !response.ok() {
        return Err(format!(
            "runner_bg.wasm answered HTTP {}",
            response.status()
        ));
    }
    let bytes = JsFuture::from(response.array_buffer().map_err(|e| js_error_text(&e))?)
        .await
        .map_err(|e| js_error_text(&e))?;
    JsFuture::from(js_sys::WebAssembly::compile(&bytes))
        .await
        .map_err(|e| js_error_text(&e))
}

/// Registers the slow web's service worker and waits for it to control the page.
async fn detect_network() -> NetStatus {
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
            ))
        }
    };
    crate::update::watch(&registration);
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
            // deploy): look for that build's worker, which src/update.rs lets in.
            if let Ok(update) = registration.update() {
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = JsFuture::from(update).await;
                });
            }
            let claim = Object::new();
            let _ = Reflect::set(&claim, &"type".into(), &"claim".into());
            // The worker claims only a page of its own build: never a mix of two builds.
            if let Some(build) = crate::update::build() {
                let _ = Reflect::set(&claim, &"build".into(), &build.into());
            }
            let _ = active.post_message(&claim);
        }
        let _ = JsFuture::from(wait).await;
    }
    if container.controller().is_some() {
        NetStatus::SlowWeb
    } else {
        NetStatus::Virtual("the slow web's service worker did not take control of this page".into())
    }
}

/// The network status, kept current for a component.
#[yew::hook]
pub fn use_net_status() -> NetStatus {
    let net = yew::use_state(|| bridge().net());
    {
        let net = net.clone();
        yew::use_effect_with((), move |_| {
            let id = bridge().on_net(move |status| net.set(status.clone()));
            move || bridge().off_net(id)
        });
    }
    (*net).clone()
}
