//! Why a run failed, as a value: the runner names the kind and hands over the variable parts (a URL, a status, a panic's message and place); the page says it in the reader's language (`Lang::run_error` in `src/i18n/errors.rs`).

use serde::{Deserialize, Serialize};

use crate::KnobError;

mod english;
mod from_executor;

/// How a run failed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum RunError {
    /// The snippet returned an error of its own; `message` is its text, as the author wrote it.
    Snippet {
        /// The error's text.
        message: String,
    },
    /// A request gave no usable response (the executor's `FetchError`).
    Fetch {
        /// The URL asked for.
        url: String,
        /// What went wrong.
        problem: FetchProblem,
    },
    /// A task the snippet awaited panicked (its `JoinError`).
    TaskPanicked {
        /// The panic's message, as the snippet's code wrote it.
        message: String,
    },
    /// A task the snippet awaited was aborted, or its executor dropped, before it finished.
    TaskCancelled,
    /// A time limit (`timeout`) ran out.
    TimedOut {
        /// The limit, in milliseconds.
        ms: f64,
    },
    /// Every task was waiting and nothing could wake one (found on the virtual clock).
    Stalled {
        /// When the executor gave up, in milliseconds since the run started.
        at_ms: f64,
    },
    /// A job for the worker threads gave no output.
    Job {
        /// The job's name.
        job: String,
        /// Why.
        failure: JobFailure,
    },
    /// A channel, oneshot or semaphore of the executor refused.
    Sync {
        /// What it refused.
        problem: SyncProblem,
    },
    /// The snippet panicked on the runner's own thread: the runner is replaced.
    Panic {
        /// What the panic said, as the snippet's code wrote it.
        message: String,
        /// Where: `lessons/08-async-await/panic.rs:13:55`, when known.
        location: Option<String>,
    },
    /// The runner's worker stopped without saying why; the browser's words.
    RunnerCrashed {
        /// The browser's message.
        message: String,
    },
    /// The page could not get a runner to run the snippet.
    Runner {
        /// What failed.
        problem: RunnerProblem,
    },
    /// Knob values were refused (the scripting API passes them unchecked).
    Knobs {
        /// Every problem.
        errors: Vec<KnobError>,
    },
    /// No snippet has this name.
    NoSuchSnippet {
        /// The lesson asked for.
        lesson: String,
        /// The snippet asked for.
        snippet: String,
        /// Every `lesson/snippet` that exists.
        known: Vec<String>,
    },
    /// `asyncTutor.run` got options it does not understand.
    BadOptions {
        /// The parser's words.
        detail: String,
    },
    /// `asyncTutor.run` got a lesson or snippet id that is not a string.
    BadIds {
        /// What JavaScript's `typeof` says of the lesson id given.
        lesson: String,
        /// And of the snippet id.
        snippet: String,
    },
    /// `asyncTutor.run` got knobs that are not an object of numbers.
    BadKnobs {
        /// The parser's words.
        detail: String,
    },
    /// The run was stopped before it ended.
    Stopped,
}

/// What went wrong with a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum FetchProblem {
    /// A response came, with a status that is not 2xx.
    Status {
        /// The HTTP status.
        code: u16,
    },
    /// No response: the network is down, the host unreachable, or CORS refused this origin.
    NoResponse {
        /// The browser's own words (`Failed to fetch`).
        browser: String,
    },
    /// The request was aborted.
    Aborted,
    /// The virtual network failed the connection, as the snippet's knobs asked.
    SimulatedFailure,
    /// Some other network failure, in the host's words.
    Network {
        /// The host's words.
        detail: String,
    },
    /// The virtual network serves only the slow web's URLs.
    OnlySlowWeb {
        /// What the slow web's parser said about the URL.
        detail: String,
    },
    /// The URL could not be used.
    InvalidUrl {
        /// Why, in the host's words.
        detail: String,
    },
}

/// Why a job for the worker threads gave no output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum JobFailure {
    /// The worker running the job stopped.
    WorkerStopped {
        /// Which worker (from 1).
        worker: u32,
        /// Why it stopped.
        loss: WorkerLoss,
    },
    /// Every worker of the pool had stopped before the job could start.
    PoolStopped {
        /// Why the last one stopped.
        loss: WorkerLoss,
    },
    /// No worker of the pool could start.
    NoWorkerStarted,
    /// The job could not be sent to its worker; the browser's words.
    NotSent {
        /// The browser's words.
        detail: String,
    },
    /// The snippet does not list a job of that name in `tutor::jobs!`.
    NoSuchJob {
        /// `lesson/snippet`.
        snippet: String,
        /// The job asked for.
        name: String,
    },
    /// A pool was asked for a number of workers it cannot have.
    PoolSize {
        /// How many were asked for.
        workers: u32,
        /// The most a pool may have.
        max: u32,
    },
    /// A snippet on the page's own thread cannot start worker threads.
    OnPageThread,
    /// Anything else, in the words it came with.
    Other {
        /// The reason, as given.
        reason: String,
    },
}

/// Why a worker thread stopped for good.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum WorkerLoss {
    /// The job's code panicked.
    Panicked {
        /// What the panic said, as written.
        message: String,
        /// Where, when known.
        location: Option<String>,
    },
    /// The worker stopped with an error; the browser's words.
    Error {
        /// The browser's message.
        message: String,
    },
}

/// What a channel, oneshot or semaphore of the executor refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SyncProblem {
    /// Sending on a channel whose receiver is gone.
    ChannelClosed,
    /// `try_send` on a full channel.
    ChannelFull,
    /// `try_recv` on an empty channel.
    ChannelEmpty,
    /// `try_recv` on an empty channel whose senders are gone.
    ChannelEmptyAndClosed,
    /// A oneshot's sender was dropped without sending.
    SenderDropped,
    /// The semaphore is closed.
    SemaphoreClosed,
    /// `try_acquire` found no permit.
    NoPermits,
}

impl SyncProblem {
    /// Every problem, in declaration order (the order [`crate::wire`] numbers them in).
    pub const ALL: [SyncProblem; 7] = [
        SyncProblem::ChannelClosed,
        SyncProblem::ChannelFull,
        SyncProblem::ChannelEmpty,
        SyncProblem::ChannelEmptyAndClosed,
        SyncProblem::SenderDropped,
        SyncProblem::SemaphoreClosed,
        SyncProblem::NoPermits,
    ];
}

/// What the page could not do to get a runner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum RunnerProblem {
    /// Fetching or compiling the runner's program failed.
    Load {
        /// The browser's words.
        detail: String,
    },
    /// The browser would not start a worker.
    Start {
        /// The browser's words.
        detail: String,
    },
    /// The worker could not be handed, or could not start, the runner's program.
    Boot {
        /// The browser's words.
        detail: String,
    },
    /// A worker was asked for before the runner's program was compiled.
    NotCompiled,
    /// A run on the page's own thread could not be started or read back.
    PageThread {
        /// What went wrong, in the words of whoever noticed.
        detail: String,
    },
}

impl RunError {
    /// The place of a panic as a reader knows it: from `lessons/` on, when the file is a
    /// lesson's (snippets are compiled from absolute paths).
    ///
    /// ```
    /// assert_eq!(
    ///     protocol::RunError::place("/home/me/at/lessons/08-async-await/panic.rs", 13, 55),
    ///     "lessons/08-async-await/panic.rs:13:55"
    /// );
    /// ```
    pub fn place(file: &str, line: u32, column: u32) -> String {
        let file = file.find("lessons/").map_or(file, |i| &file[i..]);
        format!("{file}:{line}:{column}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_travel_as_tagged_json() {
        let error = RunError::Fetch {
            url: "api/page/3".into(),
            problem: FetchProblem::Status { code: 500 },
        };
        let json = serde_json::to_string(&error).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"fetch","url":"api/page/3","problem":{"kind":"status","code":500}}"#
        );
        assert_eq!(serde_json::from_str::<RunError>(&json).unwrap(), error);
        let knobs = RunError::Knobs {
            errors: vec![KnobError::OutOfRange {
                name: "pages".into(),
                min: 1,
                max: 50,
                got: 99.0,
            }],
        };
        let json = serde_json::to_string(&knobs).unwrap();
        assert_eq!(serde_json::from_str::<RunError>(&json).unwrap(), knobs);
        let stalled = serde_json::to_string(&RunError::Stalled { at_ms: 2.0 }).unwrap();
        assert_eq!(stalled, r#"{"kind":"stalled","atMs":2.0}"#);
    }
}
