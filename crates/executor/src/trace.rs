//! The trace: a timestamped record of what the executor did, cheap when nobody listens.
//!
//! Every spawn, poll, wake, timer and request becomes an [`Event`] stamped with the host's clock
//! (microseconds since the executor started). The page's timeline, the tests and the benchmark
//! are all built on this stream. With no listener installed, [`emit`] costs one branch.

use std::fmt;

/// A task's number, unique for the life of one executor (1, 2, 3, …).
pub type TaskId = u64;
/// A request's number, unique for the life of one executor.
pub type RequestId = u64;
/// A job handed to a blocking pool ([`spawn_blocking`](crate::spawn_blocking)); ids count up from 1.
pub type JobId = u64;
/// A worker thread of a blocking pool; numbered from 1.
pub type WorkerId = u32;

/// What woke a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "kind", content = "id", rename_all = "camelCase")
)]
pub enum WakeSource {
    /// A sleeping task's deadline passed.
    Timer,
    /// A request finished (or failed).
    Network(RequestId),
    /// A blocking job ended on a worker of the pool.
    Job(JobId),
    /// Another task (or the task itself) called `wake` while it was being polled, or the task
    /// it was joining finished.
    Task(TaskId),
    /// A channel, semaphore or lock handed it something (a message, a permit, the lock, or
    /// the news that the other side is gone); the id is the task that did so, if any.
    Channel(Option<TaskId>),
    /// Code outside any task: a browser callback, or the test harness.
    External,
}

/// What a task that returned `Pending` is waiting for: whatever registered its waker during
/// that poll.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "kind", content = "id", rename_all = "camelCase")
)]
pub enum WaitOn {
    /// A sleep's deadline.
    Timer,
    /// A request.
    Network(RequestId),
    /// A blocking job running on a worker of the pool.
    Job(JobId),
    /// Another task's result.
    Task(TaskId),
    /// A channel, semaphore or lock.
    Channel,
    /// Something this executor does not know about (a future of another library).
    Other,
}

/// A problem the executor noticed in how a future behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub enum Diagnostic {
    /// The task returned `Pending` but no copy of its waker is kept anywhere: nothing can ever
    /// wake it. (A future forgot to store `cx.waker()`.)
    LostWakeup,
    /// The task woke itself in each of its last polls without waiting for anything: it is
    /// spinning, using the CPU without making progress.
    BusySelfWake {
        /// How many polls in a row it woke itself.
        polls: u32,
    },
    /// One poll of the task held the thread for at least
    /// [`LONG_POLL_US`](crate::runtime::LONG_POLL_US): no other task, timer or answer could run
    /// meanwhile. (Reported only while the trace is recorded.)
    LongPoll {
        /// How long the poll took, in milliseconds.
        ms: u32,
    },
}

/// Why a turn of the executor ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub enum TurnStop {
    /// The ready queue was empty: nothing to do until something wakes a task.
    Idle,
    /// It made as many polls as the host allows a turn (its budget).
    Budget,
    /// It ran for [`TURN_SLICE_US`](crate::runtime::TURN_SLICE_US): the browser gets the thread
    /// back, to paint and to handle input, before the next turn.
    Slice,
    /// Step mode: no step left.
    Paused,
}

/// How a task ended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "kind", content = "message", rename_all = "camelCase")
)]
pub enum Outcome {
    /// The future returned `Ready`.
    Finished,
    /// The future panicked; the message is what the panic said.
    Panicked(String),
    /// The task was aborted (or the executor was dropped) before it finished.
    Cancelled,
}

/// One thing that happened inside the executor.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "camelCase"))]
#[cfg_attr(feature = "serde", serde(rename_all_fields = "camelCase"))]
pub enum Event {
    /// A task was created. `parent` is the task that spawned it, if any.
    Spawn {
        /// The new task.
        task: TaskId,
        /// The name given to [`spawn_named`](crate::spawn_named), if any.
        name: Option<String>,
        /// The task that spawned it; `None` when spawned from outside any task.
        parent: Option<TaskId>,
    },
    /// The executor is about to poll a task.
    PollStart {
        /// The task polled.
        task: TaskId,
    },
    /// A poll returned; `ready` is true when the future finished.
    PollEnd {
        /// The task polled.
        task: TaskId,
        /// The poll returned `Ready` (or panicked): the task will not be polled again.
        ready: bool,
    },
    /// A task was put on the ready queue.
    Wake {
        /// The task woken.
        task: TaskId,
        /// What woke it.
        by: WakeSource,
    },
    /// A task ended and will not be polled again.
    Done {
        /// The task that ended.
        task: TaskId,
        /// How it ended.
        outcome: Outcome,
    },
    /// A task started sleeping until `until_us`.
    Sleep {
        /// The sleeping task; `None` for a sleep started outside any task.
        task: Option<TaskId>,
        /// The deadline, in microseconds on the host's clock.
        until_us: u64,
    },
    /// The host's single timer was (re)armed for `at_us`.
    TimerArmed {
        /// When the timer will go off, in microseconds on the host's clock.
        at_us: u64,
    },
    /// The host's timer fired and woke `woke` sleepers.
    TimerFired {
        /// How many sleepers were due.
        woke: u32,
    },
    /// A request went out.
    FetchStart {
        /// The request.
        request: RequestId,
        /// The task running when it was sent; `None` outside any task.
        task: Option<TaskId>,
        /// The URL requested.
        url: String,
    },
    /// A request finished with an HTTP status and a body of `bytes` bytes.
    FetchEnd {
        /// The request.
        request: RequestId,
        /// The HTTP status.
        status: u16,
        /// The body's length.
        bytes: u64,
    },
    /// A request failed before any HTTP status arrived (network error, CORS, bad URL).
    FetchError {
        /// The request.
        request: RequestId,
        /// What went wrong, as the host reported it.
        message: String,
    },
    /// A request was dropped before it finished, and the host aborted it.
    FetchAbort {
        /// The request.
        request: RequestId,
    },
    /// A part of a streamed body was read ([`fetch_stream`](crate::fetch_stream)).
    FetchChunk {
        /// The request.
        request: RequestId,
        /// The part's length.
        bytes: u64,
    },
    /// A task returned `Pending` and is now waiting for `on`.
    Wait {
        /// The waiting task.
        task: TaskId,
        /// What it waits for.
        on: WaitOn,
        /// Copies of its waker kept when the poll ended (by a timer, a request, a channel,
        /// another task…): one per source of news it waits on, at least 1.
        wakers: u32,
    },
    /// The executor noticed a problem with a task (see [`Diagnostic`]).
    Diagnostic {
        /// The task with the problem.
        task: TaskId,
        /// The problem.
        problem: Diagnostic,
    },
    /// A turn began: the host gave the executor the thread. Due timers fire first, then ready
    /// tasks are polled, at most `budget` of them.
    TurnStart {
        /// The most polls this turn may make.
        budget: u32,
    },
    /// The turn ended after `polls` polls, for the reason `why`; the host has the thread back.
    TurnEnd {
        /// Polls made in the turn.
        polls: u32,
        /// Why it ended.
        why: TurnStop,
    },
    /// Step mode: the executor stopped before polling `next` and waits for a step.
    Paused {
        /// The task the next step will poll.
        next: TaskId,
    },
    /// A task (or the thread, outside any task) printed a line.
    Print {
        /// The printing task; `None` outside any task.
        task: Option<TaskId>,
        /// The line, without its newline.
        text: String,
    },
    /// A blocking pool began starting worker thread `worker`.
    WorkerStart {
        /// The worker starting.
        worker: WorkerId,
    },
    /// Worker `worker` is ready for jobs; `memory_bytes` is the size of its own heap, where
    /// the host can measure it.
    WorkerReady {
        /// The worker now ready.
        worker: WorkerId,
        /// The size of the worker's heap, where the host can measure it.
        memory_bytes: Option<u64>,
    },
    /// Worker `worker` stopped for good (it crashed, or could not start): `reason` says why.
    WorkerGone {
        /// The worker gone.
        worker: WorkerId,
        /// Why it stopped.
        reason: String,
    },
    /// `task` handed job `job` (the function called `name`) to the blocking pool.
    JobQueued {
        /// The job.
        job: JobId,
        /// The task that handed it over; `None` outside any task.
        task: Option<TaskId>,
        /// The name the job's function is known by on the workers.
        name: String,
    },
    /// Job `job` began on worker `worker`.
    JobStart {
        /// The job.
        job: JobId,
        /// The worker running it.
        worker: WorkerId,
    },
    /// Job `job` ended: with output, or with the reason it has none.
    JobEnd {
        /// The job.
        job: JobId,
        /// `None` if the job gave its output; otherwise why it has none.
        error: Option<String>,
    },
    /// Code reached a point it named: a state of a state machine, at `line` of its source.
    Mark {
        /// The task that reached it; `None` outside any task.
        task: Option<TaskId>,
        /// The name of the point (a state's name).
        label: String,
        /// The source line it is at.
        line: u32,
    },
}

/// An [`Event`] with the time it happened, in microseconds on the host's clock.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct Record {
    /// Microseconds since the executor was created.
    pub t_us: u64,
    /// What happened.
    pub event: Event,
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:>10.3} ms  {:?}",
            self.t_us as f64 / 1000.0,
            self.event
        )
    }
}

/// Records an event on the current executor's trace, if it has a listener.
///
/// The closure runs only when someone listens, so building the event costs nothing otherwise.
/// Outside an executor this does nothing.
///
/// ```
/// use executor::{trace, Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let log = ex.record_trace();
/// trace::emit(|| trace::Event::Print { task: None, text: "hello".into() });
/// assert_eq!(log.borrow().len(), 1);
/// ```
#[inline]
pub fn emit(event: impl FnOnce() -> Event) {
    crate::runtime::with_current(|inner| inner.emit(event));
}
