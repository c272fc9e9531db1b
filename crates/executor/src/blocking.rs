//! `spawn_blocking`: hand a blocking job to a pool and await its result without blocking the executor.
//!
//! A browser worker cannot be sent a closure, so a job here is shaped like a message: a name,
//! a plain function, and bytes in and out. A pool that runs jobs in the same thread calls the
//! function; a pool of Web Workers (lesson 14 builds one) posts the name and the input to a
//! worker running the same wasm module, which looks the function up by name. Until a pool is
//! installed with [`Executor::set_blocking_pool`], jobs run inline: at once, on the executor's
//! own thread, blocking it for as long as they take, which is what a blocking call does.
//!
//! [`Executor::set_blocking_pool`]: crate::Executor::set_blocking_pool

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::runtime::{note_wait, with_current};
use crate::trace::WaitOn;

/// One blocking job: what a pool runs.
///
/// ```
/// use executor::blocking::BlockingJob;
/// fn shout(bytes: Vec<u8>) -> Vec<u8> {
///     bytes.to_ascii_uppercase()
/// }
/// let job = BlockingJob { name: "shout", run: shout, input: b"hi".to_vec() };
/// assert_eq!(job.run_here(), b"HI");
/// ```
#[derive(Clone, Debug)]
pub struct BlockingJob {
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
pub struct BlockingDone(Rc<RefCell<Shared>>);

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
            w.wake();
        }
    }
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
    let job = BlockingJob { name, run, input };
    let done = BlockingDone(shared.clone());
    let pool = with_current(|inner| inner.blocking_pool()).flatten();
    match pool {
        Some(pool) => pool.submit(job, done),
        None => InlinePool.submit(job, done),
    }
    Blocking { name, shared }
}

/// Made by [`spawn_blocking`]: the job's output.
#[must_use = "futures do nothing unless awaited"]
pub struct Blocking {
    name: &'static str,
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
        note_wait(WaitOn::Other);
        Poll::Pending
    }
}
