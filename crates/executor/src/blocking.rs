//! `spawn_blocking`: hand a blocking job to a pool and await its result without blocking the executor.
//!
//! A browser worker cannot be sent a closure, so a job here is shaped like a message: a name,
//! a plain function, and bytes in and out. A pool that runs jobs in the same thread calls the
//! function; a pool of Web Workers (the runner's, lesson 2) posts the name and the input to a
//! worker running the same wasm module, which looks the function up by name. Until a pool is
//! installed with [`Executor::set_blocking_pool`] or [`install`], jobs run inline: at once, on
//! the executor's own thread, blocking it for as long as they take, which is what a blocking
//! call does. [`VirtualPool`] simulates a pool of workers on the virtual clock.
//!
//! A job sent to an installed pool is traced: `JobQueued` when it is handed over, `JobStart`
//! and `JobEnd` as a worker runs it, and the workers' own `WorkerStart` and `WorkerReady`.
//!
//! [`Executor::set_blocking_pool`]: crate::Executor::set_blocking_pool

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use std::time::Duration;

use crate::Executor;
use crate::host::virtual_host::VirtualHost;
use crate::runtime::{note_wait, with_current, with_wake_source};
use crate::trace::{Event, JobId, WaitOn, WakeSource, WorkerId, emit};

/// One blocking job: what a pool runs.
///
/// ```
/// use executor::blocking::BlockingJob;
/// fn shout(bytes: Vec<u8>) -> Vec<u8> {
///     bytes.to_ascii_uppercase()
/// }
/// let job = BlockingJob { id: 1, name: "shout", run: shout, input: b"hi".to_vec() };
/// assert_eq!(job.run_here(), b"HI");
/// ```
#[derive(Clone, Debug)]
pub struct BlockingJob {
    /// Its number in the trace (0 for a job run inline, which is not traced as a job).
    pub id: JobId,
    /// The job's name: how a pool in another worker finds `run` in its copy of the program.
    pub name: &'static str,
    /// The work itself. A plain function, so a copy of the same program anywhere can run it.
    pub run: fn(Vec<u8>) -> Vec<u8>,
    /// What the job works on.
    pub input: Vec<u8>,
}

impl BlockingJob {
    /// Runs the job here and now.
    pub fn run_here(self) -> Vec<u8> {
        (self.run)(self.input)
    }
}

/// Somewhere to run blocking jobs off the executor's thread.
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use executor::blocking::{BlockingDone, BlockingJob, BlockingPool};
/// use executor::{spawn_blocking, Executor, VirtualHost};
///
/// /// Keeps jobs until `run_all` is called: a stand-in for a pool of workers.
/// #[derive(Default)]
/// struct Later(RefCell<Vec<(BlockingJob, BlockingDone)>>);
///
/// impl BlockingPool for Later {
///     fn submit(&self, job: BlockingJob, done: BlockingDone) {
///         self.0.borrow_mut().push((job, done));
///     }
/// }
///
/// let ex = Executor::new(VirtualHost::new());
/// let pool = Rc::new(Later::default());
/// ex.set_blocking_pool(pool.clone());
/// let handle = ex.spawn(spawn_blocking("double", |v| v.iter().map(|b| b * 2).collect(), vec![1, 2]));
/// ex.turn(usize::MAX);
/// assert!(!handle.is_finished()); // the job is queued in the pool; the executor is free
/// for (job, done) in pool.0.borrow_mut().drain(..) {
///     done.finish(Ok(job.run_here()));
/// }
/// ex.turn(usize::MAX);
/// assert!(handle.is_finished());
/// ```
pub trait BlockingPool {
    /// Starts `job`. When it ends, the pool calls [`BlockingDone::finish`] on the executor's
    /// thread (from a callback, never from inside `submit` unless it ran the job inline).
    fn submit(&self, job: BlockingJob, done: BlockingDone);
}

/// The pool used until another is installed: runs each job at once on the calling thread.
///
/// ```
/// use std::rc::Rc;
/// use executor::blocking::InlinePool;
/// use executor::{spawn_blocking, Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// ex.set_blocking_pool(Rc::new(InlinePool)); // the same as installing nothing
/// let out = ex.block_on(spawn_blocking("len", |v| vec![v.len() as u8], vec![0; 3])).unwrap();
/// assert_eq!(out, Ok(vec![3]));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct InlinePool;

impl BlockingPool for InlinePool {
    fn submit(&self, job: BlockingJob, done: BlockingDone) {
        done.finish(Ok(job.run_here()));
    }
}

/// Why a blocking job gave no output.
///
/// ```
/// use executor::BlockingError;
/// let e = BlockingError { job: "resize", reason: "the worker crashed".into() };
/// assert_eq!(e.to_string(), "the blocking job `resize` failed: the worker crashed");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockingError {
    /// The job's name.
    pub job: &'static str,
    /// What the pool said went wrong (a worker that crashed, for example).
    pub reason: String,
}

impl fmt::Display for BlockingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the blocking job `{}` failed: {}", self.job, self.reason)
    }
}

impl std::error::Error for BlockingError {}

#[derive(Default)]
struct Shared {
    result: Option<Result<Vec<u8>, String>>,
    waker: Option<Waker>,
}

/// The pool's half of a job: how it reports the end (see the example on [`BlockingPool`]).
pub struct BlockingDone(Rc<RefCell<Shared>>, JobId);

impl fmt::Debug for BlockingDone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingDone").finish_non_exhaustive()
    }
}

impl BlockingDone {
    /// Hands the job's output (or why there is none) to the task awaiting it, and wakes it.
    pub fn finish(self, result: Result<Vec<u8>, String>) {
        let waker = {
            let mut shared = self.0.borrow_mut();
            shared.result = Some(result);
            shared.waker.take()
        };
        if let Some(w) = waker {
            with_wake_source(WakeSource::Job(self.1), || w.wake());
        }
    }
}

/// A result that some other code will hand over later, and the future that waits for it: how
/// a pool tells a task that its workers are ready, for example.
///
/// ```
/// use executor::{blocking, Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let (done, ready) = blocking::pending("start-up");
/// let waiting = ex.spawn(ready);
/// ex.turn(usize::MAX);
/// done.finish(Ok(vec![]));
/// ex.turn(usize::MAX);
/// assert!(waiting.is_finished());
/// ```
pub fn pending(name: &'static str) -> (BlockingDone, Blocking) {
    let shared = Rc::new(RefCell::new(Shared::default()));
    (
        BlockingDone(shared.clone(), 0),
        Blocking {
            name,
            id: 0,
            shared,
        },
    )
}

/// Makes `pool` the current executor's blocking pool: [`spawn_blocking`] sends its jobs there
/// from now on. The same as [`Executor::set_blocking_pool`](crate::Executor::set_blocking_pool),
/// for code that has no handle on its executor (a snippet).
///
/// # Panics
/// Outside an executor.
pub fn install(pool: Rc<dyn BlockingPool>) {
    crate::runtime::expect_current("blocking::install", |inner| inner.set_blocking_pool(pool));
}

/// Runs `run(input)` on the executor's blocking pool and returns a future of its output.
///
/// The job starts at once, not when the future is first polled, and dropping the future does
/// not stop it (nothing can stop a blocking call midway); its output is then thrown away.
///
/// ```
/// use executor::{spawn_blocking, Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let out = ex
///     .block_on(spawn_blocking("sum", |v| vec![v.iter().sum()], vec![1, 2, 3]))
///     .unwrap();
/// assert_eq!(out, Ok(vec![6])); // no pool installed: it ran inline
/// ```
pub fn spawn_blocking(name: &'static str, run: fn(Vec<u8>) -> Vec<u8>, input: Vec<u8>) -> Blocking {
    let shared = Rc::new(RefCell::new(Shared::default()));
    let pool = with_current(|inner| {
        inner
            .blocking_pool()
            .map(|pool| (pool, inner.next_job_id()))
    })
    .flatten();
    let Some((pool, id)) = pool else {
        let job = BlockingJob {
            id: 0,
            name,
            run,
            input,
        };
        InlinePool.submit(job, BlockingDone(shared.clone(), 0));
        return Blocking {
            name,
            id: 0,
            shared,
        };
    };
    let task = crate::current_task();
    emit(|| Event::JobQueued {
        job: id,
        task,
        name: name.to_owned(),
    });
    let job = BlockingJob {
        id,
        name,
        run,
        input,
    };
    pool.submit(job, BlockingDone(shared.clone(), id));
    Blocking { name, id, shared }
}

/// Made by [`spawn_blocking`]: the job's output.
#[must_use = "futures do nothing unless awaited"]
pub struct Blocking {
    name: &'static str,
    id: JobId,
    shared: Rc<RefCell<Shared>>,
}

impl fmt::Debug for Blocking {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Blocking").field("job", &self.name).finish()
    }
}

impl Future for Blocking {
    type Output = Result<Vec<u8>, BlockingError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let name = self.name;
        let mut shared = self.shared.borrow_mut();
        if let Some(result) = shared.result.take() {
            return Poll::Ready(result.map_err(|reason| BlockingError { job: name, reason }));
        }
        let stale = !shared
            .waker
            .as_ref()
            .is_some_and(|w| w.will_wake(cx.waker()));
        let old = stale.then(|| shared.waker.replace(cx.waker().clone()));
        drop(shared);
        drop(old);
        note_wait(if self.id == 0 {
            WaitOn::Other
        } else {
            WaitOn::Job(self.id)
        });
        Poll::Pending
    }
}

/// A pool of worker threads simulated on the virtual clock, for deterministic runs and tests.
///
/// The workers start one after another, as a browser starting Web Workers on a busy machine
/// roughly does: worker `n` is ready `n × startup` after the pool started. A job goes to the
/// worker that is free first (the lowest number on a tie) and starts when it is free. It runs
/// on its own copy of the virtual clock, forked at its start: its blocking calls move that copy
/// on, not the executor's. Its output arrives when its copy of the clock says it ended. So N
/// downloads of latency L on N workers take the start-up plus about L, the way threads would.
///
/// ```
/// use std::time::Duration;
/// use executor::blocking::{self, VirtualPool};
/// use executor::{fetch_blocking, now, spawn_blocking, Executor, VirtualHost};
///
/// fn download(url: Vec<u8>) -> Vec<u8> {
///     let url = String::from_utf8(url).unwrap();
///     fetch_blocking(&url).unwrap().body
/// }
///
/// let ex = Executor::new(VirtualHost::new());
/// let done = ex.block_on(async {
///     let pool = VirtualPool::start(4, Duration::from_millis(30), None);
///     blocking::install(pool.clone());
///     pool.ready().await.unwrap();
///     let jobs: Vec<_> = (1..=4)
///         .map(|n| spawn_blocking("download", download, format!("api/page/{n}?delay=1000").into_bytes()))
///         .collect();
///     for job in jobs {
///         job.await.unwrap();
///     }
///     now()
/// });
/// // Four workers ready after 4 × 30 ms, then one latency.
/// assert_eq!(done.unwrap(), Duration::from_millis(1120));
/// ```
pub struct VirtualPool {
    /// When each worker is next free, in µs of the executor's clock.
    free_at: RefCell<Vec<u64>>,
    ready_at_us: u64,
}

impl fmt::Debug for VirtualPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VirtualPool")
            .field("workers", &self.free_at.borrow().len())
            .field("ready_at_us", &self.ready_at_us)
            .finish()
    }
}

impl VirtualPool {
    /// Starts `workers` simulated workers (at least one), one after another, each taking
    /// `startup`; `memory_bytes` is what each reports as its heap.
    ///
    /// # Panics
    /// Outside an executor.
    pub fn start(workers: u32, startup: Duration, memory_bytes: Option<u64>) -> Rc<VirtualPool> {
        let workers = workers.max(1);
        let now = crate::runtime::expect_current("VirtualPool::start", |inner| inner.now_us());
        let each_us = startup.as_micros() as u64;
        let ready_at: Vec<u64> = (1..=workers)
            .map(|n| now + u64::from(n) * each_us)
            .collect();
        for (worker, at) in (1..=workers).zip(&ready_at) {
            emit(|| Event::WorkerStart { worker });
            crate::call_at(Duration::from_micros(*at), move || {
                emit(|| Event::WorkerReady {
                    worker,
                    memory_bytes,
                });
            });
        }
        Rc::new(VirtualPool {
            ready_at_us: ready_at.last().copied().unwrap_or(now),
            free_at: RefCell::new(ready_at),
        })
    }

    /// Waits until every worker is ready.
    pub fn ready(&self) -> Blocking {
        let (done, ready) = pending("start-up");
        crate::call_at(Duration::from_micros(self.ready_at_us), move || {
            done.finish(Ok(Vec::new()));
        });
        ready
    }

    /// How long after the executor started the workers were (or will be) ready.
    pub fn ready_at(&self) -> Duration {
        Duration::from_micros(self.ready_at_us)
    }
}

impl BlockingPool for VirtualPool {
    fn submit(&self, job: BlockingJob, done: BlockingDone) {
        let now = crate::runtime::expect_current("VirtualPool::submit", |inner| inner.now_us());
        let (index, start) = {
            let free_at = self.free_at.borrow();
            let (index, free) = free_at
                .iter()
                .enumerate()
                .min_by_key(|&(i, &at)| (at, i))
                .expect("a pool has at least one worker");
            (index, (*free).max(now))
        };
        let worker = index as WorkerId + 1;
        let id = job.id;
        // Run it now, on a fork of the clock that starts where the job starts.
        let (output, end, prints) = run_forked(job, start);
        self.free_at.borrow_mut()[index] = end;
        crate::call_at(Duration::from_micros(start), move || {
            emit(|| Event::JobStart { job: id, worker });
        });
        // What the job printed shows up when it was printed, marked with its worker.
        for (at, text) in prints {
            crate::call_at(Duration::from_micros(at), move || {
                emit(|| Event::Print {
                    task: None,
                    text: format!("[worker {worker}] {text}"),
                });
            });
        }
        crate::call_at(Duration::from_micros(end), move || {
            let error = output.as_ref().err().cloned();
            emit(|| Event::JobEnd { job: id, error });
            done.finish(output);
        });
    }
}

/// Runs `job` on an executor of its own whose virtual clock starts at `start_us`: its output
/// (or the panic that stopped it), when it ended, and the lines it printed, with their times.
type Forked = (Result<Vec<u8>, String>, u64, Vec<(u64, String)>);

fn run_forked(job: BlockingJob, start_us: u64) -> Forked {
    let host = VirtualHost::new();
    crate::Host::advance_to(&host, start_us);
    let fork = Executor::new(host);
    let log = fork.record_trace();
    let output = catch_panic(move || job.run_here());
    let end = fork.now().as_micros() as u64;
    drop(fork);
    let prints = log
        .take()
        .into_iter()
        .filter_map(|r| match r.event {
            Event::Print { text, .. } => Some((r.t_us, text)),
            _ => None,
        })
        .collect();
    (output, end, prints)
}

#[cfg(panic = "unwind")]
fn catch_panic(f: impl FnOnce() -> Vec<u8>) -> Result<Vec<u8>, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| {
        let message = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "(no message)".into());
        format!("the worker panicked: {message}")
    })
}

/// Without unwinding (wasm32), a panic aborts the whole program: nothing to catch.
#[cfg(not(panic = "unwind"))]
fn catch_panic(f: impl FnOnce() -> Vec<u8>) -> Result<Vec<u8>, String> {
    Ok(f())
}
