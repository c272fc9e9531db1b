//! A blocking pool of Web Workers, each running its own copy of the runner's compiled module.
//!
//! The runner worker starts pool workers from its own script (`runner-boot.js`) with the name
//! [`POOL_WORKER_NAME`] and sends them the module it was booted with. A pool worker answers
//! `ready` with the size of its heap, then runs jobs one at a time: it finds the job by name in
//! the snippet's `JOBS`, runs it (a blocking call only blocks that worker), and posts the
//! output back. What it prints comes back as it is printed.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};

use executor::blocking::{BlockingDone, BlockingJob, BlockingPool, pending};
use executor::host::browser::{BrowserHost, BrowserOptions};
use executor::trace::{Event, JobId, WorkerId, emit};
use executor::{Blocking, Executor};
use protocol::bytes::{Reader, write_bytes, write_opt_str, write_str, write_u64};
use protocol::wire::{self, Wire};
use protocol::{JobFailure, WorkerLoss};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{
    DedicatedWorkerGlobalScope, ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType,
};

use tutor::threads::{WorkersReady, failure_text};

/// The `name` a pool worker is started with: how the module knows its role when it boots.
pub const POOL_WORKER_NAME: &str = "async-tutor-pool";

/// From the runner to a pool worker.
#[derive(Debug, PartialEq)]
enum ToPoolWorker {
    Job {
        job: JobId,
        lesson: String,
        snippet: String,
        name: String,
        input: Vec<u8>,
        base_url: String,
    },
}

/// From a pool worker to the runner.
#[derive(Debug, PartialEq)]
enum FromPoolWorker {
    Ready {
        memory_bytes: u64,
    },
    Print {
        text: String,
    },
    Done {
        job: JobId,
        output: Result<Vec<u8>, JobFailure>,
    },
    Panic {
        message: String,
        location: Option<String>,
    },
}

// Both cross as `protocol::wire` bytes (one `Uint8Array`), like the runner's own messages.
impl Wire for ToPoolWorker {
    fn put(&self, out: &mut Vec<u8>) {
        let ToPoolWorker::Job {
            job,
            lesson,
            snippet,
            name,
            input,
            base_url,
        } = self;
        write_u64(out, *job);
        for s in [lesson, snippet, name] {
            write_str(out, s);
        }
        write_bytes(out, input);
        write_str(out, base_url);
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        Some(ToPoolWorker::Job {
            job: r.u64()?,
            lesson: r.str()?,
            snippet: r.str()?,
            name: r.str()?,
            input: r.bytes()?,
            base_url: r.str()?,
        })
    }
}

impl Wire for FromPoolWorker {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            FromPoolWorker::Ready { memory_bytes } => {
                out.push(0);
                write_u64(out, *memory_bytes);
            }
            FromPoolWorker::Print { text } => {
                out.push(1);
                write_str(out, text);
            }
            FromPoolWorker::Done { job, output } => {
                out.push(2);
                write_u64(out, *job);
                match output {
                    Ok(bytes) => {
                        out.push(0);
                        write_bytes(out, bytes);
                    }
                    Err(failure) => {
                        out.push(1);
                        failure.put(out);
                    }
                }
            }
            FromPoolWorker::Panic { message, location } => {
                out.push(3);
                write_str(out, message);
                write_opt_str(out, location.as_deref());
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        Some(match r.u8()? {
            0 => FromPoolWorker::Ready {
                memory_bytes: r.u64()?,
            },
            1 => FromPoolWorker::Print { text: r.str()? },
            2 => FromPoolWorker::Done {
                job: r.u64()?,
                output: match r.u8()? {
                    0 => Ok(r.bytes()?),
                    1 => Err(JobFailure::get(r)?),
                    _ => return None,
                },
            },
            3 => FromPoolWorker::Panic {
                message: r.str()?,
                location: r.opt_str()?,
            },
            _ => return None,
        })
    }
}

/// `message` as one `Uint8Array` of wire bytes.
fn encode<T: Wire>(message: &T) -> JsValue {
    js_sys::Uint8Array::from(wire::encode(message).as_slice()).into()
}

/// A message [`encode`]d by the other side.
fn decode<T: Wire>(data: &JsValue) -> Result<T, String> {
    let bytes = data
        .dyn_ref::<js_sys::Uint8Array>()
        .ok_or_else(|| format!("not bytes: {data:?}"))?;
    wire::decode(&bytes.to_vec())
}

enum Phase {
    Starting,
    Idle,
    Busy(JobId, BlockingDone),
    Gone,
}

struct Slot {
    id: WorkerId,
    worker: Worker,
    phase: Phase,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

struct State {
    slots: Vec<Slot>,
    queue: VecDeque<(BlockingJob, BlockingDone)>,
    /// Told once no worker is starting any more: the heap size, or why none started.
    ready: Option<BlockingDone>,
    memory_bytes: Option<u64>,
    lesson: String,
    snippet: String,
    base_url: String,
}

/// A pool of Web Workers; dropping it stops them.
pub struct WebPool(Rc<RefCell<State>>);

/// Where the pools of a run in the browser get their workers: Web Workers that run the jobs of
/// this snippet ([`tutor::threads::Backend::Workers`]).
pub struct WebWorkers {
    /// The lesson of the snippet whose jobs the workers run.
    pub lesson: String,
    /// The snippet, within that lesson.
    pub snippet: String,
    /// Where the site is served from, for the workers' requests.
    pub base_url: String,
}

impl tutor::threads::Workers for WebWorkers {
    fn start(&self, workers: u32) -> Pin<Box<dyn Future<Output = WorkersReady>>> {
        let (pool, ready) = WebPool::start(
            workers,
            self.lesson.clone(),
            self.snippet.clone(),
            self.base_url.clone(),
        );
        executor::blocking::install(pool);
        Box::pin(async move {
            let memory = ready.await?;
            Ok(memory.try_into().ok().map(u64::from_le_bytes))
        })
    }
}

impl WebPool {
    /// Starts `workers` pool workers. The future resolves when none is starting any more: to
    /// the heap size of one (eight little-endian bytes), or to why none could start.
    pub fn start(
        workers: u32,
        lesson: String,
        snippet: String,
        base_url: String,
    ) -> (Rc<WebPool>, Blocking) {
        let (done, ready) = pending("start-up");
        let state = Rc::new(RefCell::new(State {
            slots: Vec::new(),
            queue: VecDeque::new(),
            ready: Some(done),
            memory_bytes: None,
            lesson,
            snippet,
            base_url,
        }));
        for id in 1..=workers {
            emit(|| Event::WorkerStart { worker: id });
            match spawn_worker(id, Rc::downgrade(&state)) {
                Ok(slot) => state.borrow_mut().slots.push(slot),
                Err(why) => {
                    emit(|| Event::WorkerGone {
                        worker: id,
                        reason: why.clone(),
                    });
                    web_sys::console::error_1(&format!("pool worker {id}: {why}").into());
                }
            }
        }
        settle(&state);
        (Rc::new(WebPool(state)), ready)
    }
}

impl Drop for WebPool {
    fn drop(&mut self) {
        for slot in &self.0.borrow().slots {
            slot.worker.terminate();
        }
    }
}

impl BlockingPool for WebPool {
    fn submit(&self, job: BlockingJob, done: BlockingDone) {
        self.0.borrow_mut().queue.push_back((job, done));
        pump(&self.0);
    }
}

fn spawn_worker(id: WorkerId, state: Weak<RefCell<State>>) -> Result<Slot, String> {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    // The runner's own first script boots a pool worker too; its name tells it the role.
    let script = scope.location().href();
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    options.set_name(POOL_WORKER_NAME);
    let worker = Worker::new_with_options(&script, &options)
        .map_err(|e| format!("the browser would not start a worker: {e:?}"))?;
    let on_message = {
        let state = state.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(state) = state.upgrade() else { return };
            match decode::<FromPoolWorker>(&event.data()) {
                Ok(message) => on_message(&state, id, message),
                Err(e) => {
                    web_sys::console::error_1(&format!("pool worker {id}: bad message: {e}").into())
                }
            }
        })
    };
    let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
        // Handled here: without this the error would travel on to the page as the runner's.
        event.prevent_default();
        if let Some(state) = state.upgrade() {
            let message = event.message();
            lose(&state, id, WorkerLoss::Error { message });
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let boot = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&boot, &"type".into(), &"boot".into());
    let _ = js_sys::Reflect::set(&boot, &"module".into(), &wasm_bindgen::module());
    let _ = js_sys::Reflect::set(&boot, &"glue".into(), &crate::worker::glue().into());
    worker
        .post_message(&boot)
        .map_err(|e| format!("could not send it the program: {e:?}"))?;
    Ok(Slot {
        id,
        worker,
        phase: Phase::Starting,
        _on_message: on_message,
        _on_error: on_error,
    })
}

fn on_message(state: &Rc<RefCell<State>>, id: WorkerId, message: FromPoolWorker) {
    match message {
        FromPoolWorker::Ready { memory_bytes } => {
            {
                let mut s = state.borrow_mut();
                let Some(slot) = s.slots.iter_mut().find(|w| w.id == id) else {
                    return;
                };
                slot.phase = Phase::Idle;
                s.memory_bytes = Some(memory_bytes);
            }
            emit(|| Event::WorkerReady {
                worker: id,
                memory_bytes: Some(memory_bytes),
            });
            settle(state);
            pump(state);
        }
        FromPoolWorker::Print { text } => emit(|| Event::Print {
            task: None,
            text: format!("[worker {id}] {text}"),
        }),
        FromPoolWorker::Done { job, output } => {
            let done = {
                let mut s = state.borrow_mut();
                let Some(slot) = s.slots.iter_mut().find(|w| w.id == id) else {
                    return;
                };
                match std::mem::replace(&mut slot.phase, Phase::Idle) {
                    Phase::Busy(running, done) if running == job => Some(done),
                    other => {
                        slot.phase = other;
                        None
                    }
                }
            };
            if let Some(done) = done {
                let output = output.map_err(failure_text);
                let error = output.as_ref().err().cloned();
                emit(|| Event::JobEnd { job, error });
                done.finish(output);
            }
            pump(state);
        }
        FromPoolWorker::Panic { message, location } => {
            lose(state, id, WorkerLoss::Panicked { message, location })
        }
    }
}

/// Worker `id` is gone for good: its job fails, and so does everything queued once no
/// worker is left.
fn lose(state: &Rc<RefCell<State>>, id: WorkerId, loss: WorkerLoss) {
    let (job, orphans) = {
        let mut s = state.borrow_mut();
        let Some(slot) = s.slots.iter_mut().find(|w| w.id == id) else {
            return;
        };
        if matches!(slot.phase, Phase::Gone) {
            return;
        }
        slot.worker.terminate();
        let job = match std::mem::replace(&mut slot.phase, Phase::Gone) {
            Phase::Busy(job, done) => Some((job, done)),
            _ => None,
        };
        let none_left = s.slots.iter().all(|w| matches!(w.phase, Phase::Gone));
        let orphans: Vec<_> = if none_left {
            s.queue.drain(..).collect()
        } else {
            Vec::new()
        };
        (job, orphans)
    };
    emit(|| Event::WorkerGone {
        worker: id,
        reason: loss.to_string(),
    });
    if let Some((job, done)) = job {
        let why = failure_text(JobFailure::WorkerStopped {
            worker: id,
            loss: loss.clone(),
        });
        emit(|| Event::JobEnd {
            job,
            error: Some(why.clone()),
        });
        done.finish(Err(why));
    }
    for (job, done) in orphans {
        let why = failure_text(JobFailure::PoolStopped { loss: loss.clone() });
        emit(|| Event::JobEnd {
            job: job.id,
            error: Some(why.clone()),
        });
        done.finish(Err(why));
    }
    settle(state);
}

/// Once no worker is starting, tells whoever waits for the pool to be ready.
fn settle(state: &Rc<RefCell<State>>) {
    let (done, result) = {
        let mut s = state.borrow_mut();
        if s.ready.is_none() || s.slots.iter().any(|w| matches!(w.phase, Phase::Starting)) {
            return;
        }
        let result = match s.memory_bytes {
            Some(bytes) => Ok(bytes.to_le_bytes().to_vec()),
            None => Err(failure_text(JobFailure::NoWorkerStarted)),
        };
        (s.ready.take().expect("checked above"), result)
    };
    done.finish(result);
}

/// Hands queued jobs to idle workers.
fn pump(state: &Rc<RefCell<State>>) {
    loop {
        let started = {
            let mut s = state.borrow_mut();
            let s = &mut *s;
            let Some(slot) = s.slots.iter_mut().find(|w| matches!(w.phase, Phase::Idle)) else {
                return;
            };
            let Some((job, done)) = s.queue.pop_front() else {
                return;
            };
            let message = ToPoolWorker::Job {
                job: job.id,
                lesson: s.lesson.clone(),
                snippet: s.snippet.clone(),
                name: job.name.to_owned(),
                input: job.input,
                base_url: s.base_url.clone(),
            };
            match slot.worker.post_message(&encode(&message)) {
                Ok(()) => {
                    slot.phase = Phase::Busy(job.id, done);
                    Ok((job.id, slot.id))
                }
                Err(e) => Err((
                    job.id,
                    done,
                    failure_text(JobFailure::NotSent {
                        detail: format!("{e:?}"),
                    }),
                )),
            }
        };
        match started {
            Ok((job, worker)) => emit(|| Event::JobStart { job, worker }),
            Err((job, done, why)) => {
                emit(|| Event::JobEnd {
                    job,
                    error: Some(why.clone()),
                });
                done.finish(Err(why));
            }
        }
    }
}

/// A pool worker's side: answers jobs until the runner stops it.
pub fn serve() {
    std::panic::set_hook(Box::new(|info| {
        let (message, location) = crate::worker::panic_parts(info);
        post(&FromPoolWorker::Panic { message, location });
    }));
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        match decode::<ToPoolWorker>(&event.data()) {
            Ok(ToPoolWorker::Job {
                job,
                lesson,
                snippet,
                name,
                input,
                base_url,
            }) => {
                let output = run_job(&lesson, &snippet, &name, input, base_url);
                post(&FromPoolWorker::Done { job, output });
            }
            Err(e) => web_sys::console::error_1(&format!("pool worker: bad message: {e}").into()),
        }
    });
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let memory_bytes = wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as u64;
    post(&FromPoolWorker::Ready { memory_bytes });
}

fn post(message: &FromPoolWorker) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let _ = scope.post_message(&encode(message));
}

/// Finds the job and runs it, on an executor of its own so blocking calls and prints work.
fn run_job(
    lesson: &str,
    snippet: &str,
    name: &str,
    input: Vec<u8>,
    base_url: String,
) -> Result<Vec<u8>, JobFailure> {
    let snippet = crate::registry::find(lesson, snippet).map_err(|e| JobFailure::Other {
        reason: e.to_string(),
    })?;
    let job = snippet
        .jobs
        .iter()
        .find(|j| j.name == name)
        .ok_or_else(|| JobFailure::NoSuchJob {
            snippet: format!("{}/{}", snippet.lesson, snippet.id),
            name: name.to_owned(),
        })?;
    let executor = Executor::new(BrowserHost::new(BrowserOptions {
        base_url: Some(base_url),
        ..BrowserOptions::default()
    }));
    executor.on_trace(|record| {
        if let Event::Print { text, .. } = &record.event {
            post(&FromPoolWorker::Print { text: text.clone() });
        }
    });
    let output = (job.run)(input);
    drop(executor);
    Ok(output)
}
