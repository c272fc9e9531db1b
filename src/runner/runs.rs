//! The runs in progress, routed by id: what their workers say, and how each run ends.
//!
//! A run's messages reach its caller's [`RunEvents`]; a run ends once, with the worker's
//! report, with one made from the trace that arrived (after a panic or a crash), or on Stop.

use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::Reflect;
use protocol::{FromRunner, Report, RunError, RunRequest, RunnerProblem, Tally, ToRunner};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::pool::Slot;
use super::{Bridge, RunEnd, RunEvents, bridge, now_ms};

/// A run between its start and its end.
pub(super) struct ActiveRun {
    pub(super) slot: Rc<Slot>,
    pub(super) request: RunRequest,
    pub(super) sent: bool,
    /// Steps and the like asked for before the run reached its worker.
    pub(super) pending: Vec<ToRunner>,
    /// The report so far, for a run that ends without the worker's own.
    pub(super) tally: Tally,
    pub(super) started_ms: f64,
    pub(super) events: Rc<RunEvents>,
    /// Parts of a recorded trace not yet taken in (see [`FromRunner::Recorded`]).
    pub(super) recorded: VecDeque<protocol::packed::Batch>,
    /// How the run ended, when that came while parts were still to be taken in.
    pub(super) ending: Option<Ending>,
}

impl ActiveRun {
    /// A run about to be sent to `slot`'s worker.
    pub(super) fn new(slot: Rc<Slot>, request: RunRequest, events: Rc<RunEvents>) -> Self {
        ActiveRun {
            slot,
            request,
            sent: false,
            pending: Vec::new(),
            tally: Tally::default(),
            started_ms: now_ms(),
            events,
            recorded: VecDeque::new(),
            ending: None,
        }
    }
}

/// How a run ended, to be told once its whole trace is in: the worker's report (its output
/// comes from the trace), or an error and the time it came.
pub(super) enum Ending {
    Report(Report),
    Failed { error: RunError, elapsed_ms: f64 },
}

/// Sends a message to a runner worker, as [`protocol::wire`] bytes.
pub(super) fn post_to(worker: &web_sys::Worker, message: &ToRunner) {
    let bytes = js_sys::Uint8Array::from(protocol::wire::encode(message).as_slice());
    let _ = worker.post_message(&bytes);
}

impl Bridge {
    /// Sends the run `slot` serves, once its worker has booted, with what was asked of it
    /// meanwhile.
    pub(super) fn send_if_ready(&self, slot: &Rc<Slot>) {
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

    /// A message from `slot`'s worker.
    pub(super) fn on_message(&self, slot: &Rc<Slot>, data: JsValue) {
        let message = match runner_message(&data) {
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

    /// `slot`'s worker failed outside the runner's own panic hook.
    pub(super) fn on_crash(&self, slot: &Rc<Slot>, message: String) {
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
        self.forget_warm(slot);
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
        if let Some(mut run) = finished
            && let Some(ending) = run.ending.take()
        {
            end(run, ending);
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

/// A runner worker's message: [`protocol::wire`] bytes from the runner, or the one message
/// `www/runner-boot.js` sends itself, `{type: "bootFailed", message}`.
fn runner_message(data: &JsValue) -> Result<FromRunner, String> {
    if let Some(bytes) = data.dyn_ref::<js_sys::Uint8Array>() {
        return protocol::wire::decode(&bytes.to_vec());
    }
    let field = |name: &str| Reflect::get(data, &name.into()).ok()?.as_string();
    match (field("type").as_deref(), field("message")) {
        (Some("bootFailed"), Some(message)) => Ok(FromRunner::BootFailed { message }),
        _ => Err(format!("{data:?}")),
    }
}

/// A report for a run that ended without the worker's own report.
pub(super) fn failure_report(request: &RunRequest, error: RunError) -> Report {
    Report::from_trace(&[], 0.0, Some(error), request.network)
}

/// A problem of the runner itself, as a run's error.
pub(super) fn runner_error(problem: RunnerProblem) -> RunError {
    RunError::Runner { problem }
}
