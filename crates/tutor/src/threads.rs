//! Worker threads for snippets: a pool of Web Workers in the browser, simulated on the virtual clock.
//!
//! A snippet names the functions its workers may run with [`jobs!`](crate::jobs), starts a
//! pool with [`start_pool`], and hands jobs over with [`Job::spawn`]. Each worker is a Web
//! Worker running its own copy of the runner's wasm module, with its own memory: nothing is
//! shared, so a job gets bytes in and gives bytes back. On the virtual host the pool is an
//! [`executor::blocking::VirtualPool`], so runs stay deterministic.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use executor::blocking::{self, VirtualPool};
use executor::{Blocking, BlockingError};
use protocol::JobFailure;

/// A function a worker thread can run: what [`jobs!`](crate::jobs) declares.
#[derive(Clone, Copy, Debug)]
pub struct Job {
    /// How a worker finds it in its own copy of the program.
    pub name: &'static str,
    /// The function. It may block (a worker has nothing else to do meanwhile).
    pub run: fn(Vec<u8>) -> Vec<u8>,
}

impl Job {
    /// Hands the job and its input to the pool; the future gives its output.
    ///
    /// Without a pool (see [`start_pool`]) it runs at once, on this thread.
    pub fn spawn(self, input: impl Into<Vec<u8>>) -> Blocking {
        executor::spawn_blocking(self.name, self.run, input.into())
    }
}

/// Declares the functions of a snippet that its worker threads may run, by name.
///
/// It defines `JOBS` (the table a worker looks a job up in) and a module `jobs` with one
/// [`Job`] constant per function, so the snippet writes `jobs::download.spawn(input)`.
///
/// ```
/// mod snippet {
///     fn shout(text: Vec<u8>) -> Vec<u8> {
///         text.to_ascii_uppercase()
///     }
///     tutor::jobs! { shout }
/// }
/// assert_eq!(snippet::JOBS[0].name, "shout");
/// assert_eq!((snippet::jobs::shout.run)(b"hi".to_vec()), b"HI");
/// ```
#[macro_export]
macro_rules! jobs {
    ($($name:ident),* $(,)?) => {
        /// The jobs this snippet's worker threads can run.
        pub const JOBS: &[$crate::threads::Job] = &[$(
            $crate::threads::Job { name: stringify!($name), run: $name },
        )*];

        /// One constant per job: `jobs::name.spawn(input)`.
        #[allow(
            non_upper_case_globals,
            reason = "each job's constant has its function's name: `jobs::checksum`"
        )]
        pub mod jobs {
            $(
                /// A job for the pool's workers.
                pub const $name: $crate::threads::Job =
                    $crate::threads::Job { name: stringify!($name), run: super::$name };
            )*
        }
    };
}

/// Real worker threads: what starts a pool of them. The runner gives one per run in the
/// browser (Web Workers that run the snippet's jobs); a test could give its own.
pub trait Workers {
    /// Starts `workers` worker threads, installs them as the executor's blocking pool
    /// ([`executor::blocking::install`]) and resolves when none is starting any more: to the
    /// heap size of one worker's copy of the program, if it measured it, or to why none could
    /// start.
    fn start(&self, workers: u32) -> Pin<Box<dyn Future<Output = WorkersReady>>>;
}

/// What [`Workers::start`] resolves to.
pub type WorkersReady = Result<Option<u64>, BlockingError>;

/// Where pools of the current run get their workers; set by whoever runs the snippet.
#[derive(Clone, Default)]
pub enum Backend {
    /// Simulated workers on the virtual clock.
    #[default]
    Virtual,
    /// Real worker threads.
    Workers(Rc<dyn Workers>),
    /// No worker threads here, and why.
    Unavailable(JobFailure),
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Backend::Virtual => f.write_str("Virtual"),
            Backend::Workers(_) => f.write_str("Workers"),
            Backend::Unavailable(why) => f.debug_tuple("Unavailable").field(why).finish(),
        }
    }
}

thread_local! {
    static BACKEND: RefCell<Backend> = const { RefCell::new(Backend::Virtual) };
    /// The failures of this run's jobs, by the text they travel as (see [`failure_text`]).
    static FAILURES: RefCell<Vec<(String, JobFailure)>> = const { RefCell::new(Vec::new()) };
}

/// The text a job's failure travels as through the executor (a pool hands the executor a
/// reason as text, and the snippet gets it back as [`BlockingError::reason`]). The failure is
/// remembered, so that the run's report can name it as a value again ([`failure_of`]).
pub fn failure_text(failure: JobFailure) -> String {
    let text = failure.to_string();
    FAILURES.with(|f| f.borrow_mut().push((text.clone(), failure)));
    text
}

/// The failure behind a [`BlockingError::reason`]: one given to [`failure_text`] in this run,
/// or else the text itself (a reason of the executor's own pool).
pub fn failure_of(reason: &str) -> JobFailure {
    FAILURES
        .with(|f| {
            f.borrow()
                .iter()
                .rev()
                .find(|(text, _)| text == reason)
                .map(|(_, failure)| failure.clone())
        })
        .unwrap_or_else(|| JobFailure::Other {
            reason: reason.to_owned(),
        })
}

/// Forgets the failures of an earlier run.
pub fn forget_failures() {
    FAILURES.with(|f| f.borrow_mut().clear());
}

/// Sets where the pools of the runs that follow get their workers.
pub fn set_backend(backend: Backend) {
    BACKEND.with(|b| *b.borrow_mut() = backend);
}

/// How long each simulated worker takes to start (they start one after another). Measured in
/// headless Chromium on two cores, a pool of 1 Web Worker took about 70 ms to be ready, 2 took
/// 116 ms and 16 took 620 ms: roughly 40 ms a worker. The browser card measures its own.
pub const VIRTUAL_STARTUP: Duration = Duration::from_millis(40);

/// Most workers one pool may have.
pub const MAX_WORKERS: u32 = 32;

/// A started pool of worker threads.
#[derive(Clone, Debug)]
pub struct Pool {
    workers: u32,
    startup: Duration,
    memory_bytes: Option<u64>,
}

impl Pool {
    /// How many workers it has.
    pub fn workers(&self) -> u32 {
        self.workers
    }

    /// How long it took from starting the pool until every worker was ready.
    pub fn startup(&self) -> Duration {
        self.startup
    }

    /// The memory of one worker's own copy of the program (its wasm heap), as the worker
    /// measured it; `None` for simulated workers.
    pub fn memory_per_worker(&self) -> Option<u64> {
        self.memory_bytes
    }
}

/// Starts `workers` worker threads (1 to [`MAX_WORKERS`]), sends the jobs of
/// [`Job::spawn`] to them from now on, and waits until every one is ready.
///
/// ```
/// use executor::{Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let pool = ex.block_on(tutor::threads::start_pool(4)).unwrap().unwrap();
/// assert_eq!(pool.startup(), 4 * tutor::threads::VIRTUAL_STARTUP);
/// ```
pub async fn start_pool(workers: u32) -> Result<Pool, BlockingError> {
    let fail = |failure: JobFailure| BlockingError {
        job: "start-up",
        reason: failure_text(failure),
    };
    if !(1..=MAX_WORKERS).contains(&workers) {
        return Err(fail(JobFailure::PoolSize {
            workers,
            max: MAX_WORKERS,
        }));
    }
    let started = executor::now();
    let backend = BACKEND.with(|b| b.borrow().clone());
    let memory_bytes = match backend {
        Backend::Virtual => {
            let pool = VirtualPool::start(workers, VIRTUAL_STARTUP, None);
            blocking::install(pool.clone());
            pool.ready().await?;
            None
        }
        Backend::Workers(workers_of) => workers_of.start(workers).await?,
        Backend::Unavailable(why) => return Err(fail(why)),
    };
    Ok(Pool {
        workers,
        startup: executor::now().saturating_sub(started),
        memory_bytes,
    })
}
