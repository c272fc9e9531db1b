//! Why a run failed, as a value: the runner says what kind of failure it was and hands over the
//! variable parts (a URL, a status, a panic's message and place); the page puts them into words
//! in the reader's language (`Lang::run_error` in `src/i18n.rs`).
//!
//! [`Display`](fmt::Display) gives the English words: the same text the scripting API returns
//! on an English page and native tools print. Text a snippet's author wrote (the snippet's own
//! `Err`, a panic's message) is carried as written, in every language.

use std::fmt;

use executor::{FetchError, FetchErrorKind, JoinError};
use serde::{Deserialize, Serialize};

use crate::KnobError;

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
    /// Worker threads exist only in a browser.
    NotInBrowser,
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

/// The executor's words for a request that got no response at all (its browser host).
const NO_RESPONSE: (&str, &str) = (
    "no response (",
    "): the network is down, the host is unreachable, or the server does not allow this origin (CORS)",
);
/// The executor's words for an aborted request (its browser host).
const ABORTED: &str = "the request was aborted";
/// The virtual host's words for a failure the slow web's `fail=…&status=network` asked for.
const SIMULATED: &str = "the connection failed (simulated)";
/// How the virtual host starts the reason for a URL that is not the slow web's.
const ONLY_SLOW_WEB: &str = "the virtual network only serves the slow web (api/page/<n>): ";

impl FetchProblem {
    /// The problem of a `FetchErrorKind`. The executor describes network failures in English
    /// sentences of its own; the ones it writes are recognised here, and anything else is kept
    /// in its words.
    pub fn of(kind: &FetchErrorKind) -> FetchProblem {
        match kind {
            FetchErrorKind::Status(code) => FetchProblem::Status { code: *code },
            FetchErrorKind::Network(why) if why == ABORTED => FetchProblem::Aborted,
            FetchErrorKind::Network(why) if why == SIMULATED => FetchProblem::SimulatedFailure,
            FetchErrorKind::Network(why) => match why
                .strip_prefix(NO_RESPONSE.0)
                .and_then(|rest| rest.strip_suffix(NO_RESPONSE.1))
            {
                Some(browser) => FetchProblem::NoResponse {
                    browser: browser.to_owned(),
                },
                None => FetchProblem::Network {
                    detail: why.clone(),
                },
            },
            FetchErrorKind::InvalidUrl(why) => match why.strip_prefix(ONLY_SLOW_WEB) {
                Some(detail) => FetchProblem::OnlySlowWeb {
                    detail: detail.to_owned(),
                },
                None => FetchProblem::InvalidUrl {
                    detail: why.clone(),
                },
            },
        }
    }
}

impl From<&FetchError> for RunError {
    fn from(e: &FetchError) -> RunError {
        RunError::Fetch {
            url: e.url.clone(),
            problem: FetchProblem::of(&e.kind),
        }
    }
}

impl From<&JoinError> for RunError {
    fn from(e: &JoinError) -> RunError {
        match e {
            JoinError::Panicked(message) => RunError::TaskPanicked {
                message: message.clone(),
            },
            JoinError::Cancelled => RunError::TaskCancelled,
        }
    }
}

impl From<&executor::Stalled> for RunError {
    fn from(e: &executor::Stalled) -> RunError {
        RunError::Stalled {
            at_ms: e.now_us as f64 / 1000.0,
        }
    }
}

impl From<&executor::Elapsed> for RunError {
    fn from(e: &executor::Elapsed) -> RunError {
        RunError::TimedOut {
            ms: e.duration().as_secs_f64() * 1000.0,
        }
    }
}

impl RunError {
    /// An error of the executor by its kind, when `error` is one: a request's, a task's, a
    /// time limit's, a stall, a channel's or a semaphore's. `None` for anything else (the
    /// snippet's own errors, and blocking jobs, whose reasons the runner knows).
    pub fn of_executor(error: &(dyn std::error::Error + 'static)) -> Option<RunError> {
        use executor::sync::{mpsc, oneshot, AcquireError, TryAcquireError};
        if let Some(e) = error.downcast_ref::<FetchError>() {
            return Some(e.into());
        }
        if let Some(e) = error.downcast_ref::<JoinError>() {
            return Some(e.into());
        }
        if let Some(e) = error.downcast_ref::<executor::Elapsed>() {
            return Some(e.into());
        }
        if let Some(e) = error.downcast_ref::<executor::Stalled>() {
            return Some(e.into());
        }
        let problem = if let Some(e) = error.downcast_ref::<mpsc::TryRecvError>() {
            match e {
                mpsc::TryRecvError::Empty => SyncProblem::ChannelEmpty,
                mpsc::TryRecvError::Disconnected => SyncProblem::ChannelEmptyAndClosed,
            }
        } else if error.is::<oneshot::RecvError>() {
            SyncProblem::SenderDropped
        } else if error.is::<AcquireError>() {
            SyncProblem::SemaphoreClosed
        } else if let Some(e) = error.downcast_ref::<TryAcquireError>() {
            match e {
                TryAcquireError::NoPermits => SyncProblem::NoPermits,
                TryAcquireError::Closed => SyncProblem::SemaphoreClosed,
            }
        } else {
            // `SendError<T>` and `TrySendError<T>` are generic over the value sent back, so
            // they cannot be downcast here: they are known by their words.
            match error.to_string().as_str() {
                "sending on a closed channel" => SyncProblem::ChannelClosed,
                "the channel is full" => SyncProblem::ChannelFull,
                _ => return None,
            }
        };
        Some(RunError::Sync { problem })
    }

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

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Snippet { message } => f.write_str(message),
            RunError::Fetch { url, problem } => match problem {
                FetchProblem::Status { code } => write!(f, "{url} answered HTTP {code}"),
                FetchProblem::InvalidUrl { detail } => write!(f, "bad URL {url}: {detail}"),
                FetchProblem::OnlySlowWeb { detail } => {
                    write!(f, "bad URL {url}: {ONLY_SLOW_WEB}{detail}")
                }
                network => write!(f, "could not fetch {url}: {network}"),
            },
            RunError::TaskPanicked { message } => write!(f, "task panicked: {message}"),
            RunError::TaskCancelled => f.write_str("task was cancelled"),
            // f64's Display prints 100.0 as "100" and 1.5 as "1.5", as `Elapsed` does.
            RunError::TimedOut { ms } => write!(f, "timed out after {ms} ms"),
            RunError::Stalled { at_ms } => write!(
                f,
                "stalled at {at_ms:.3} ms: every task is waiting and nothing can wake one"
            ),
            RunError::Job { job, failure } => {
                write!(f, "the blocking job `{job}` failed: {failure}")
            }
            RunError::Sync { problem } => write!(f, "{problem}"),
            RunError::Panic { message, location } => {
                write!(f, "The snippet panicked: {message}")?;
                match location {
                    Some(place) => write!(f, " (at {place})"),
                    None => Ok(()),
                }
            }
            RunError::RunnerCrashed { message } => {
                write!(f, "The runner stopped unexpectedly: {message}")
            }
            RunError::Runner { problem } => write!(f, "{problem}"),
            RunError::Knobs { errors } => {
                for (i, e) in errors.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
            RunError::NoSuchSnippet {
                lesson,
                snippet,
                known,
            } => write!(
                f,
                "there is no snippet {lesson}/{snippet}; there are: {}",
                known.join(", ")
            ),
            RunError::BadOptions { detail } => write!(f, "bad run options: {detail}"),
            RunError::BadKnobs { detail } => {
                write!(f, "knobs must be an object of numbers: {detail}")
            }
            RunError::Stopped => f.write_str("stopped"),
        }
    }
}

impl std::error::Error for RunError {}

/// The network part of a request's failure ("could not fetch URL: …"), as the executor says it.
impl fmt::Display for FetchProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchProblem::Status { code } => write!(f, "HTTP {code}"),
            FetchProblem::NoResponse { browser } => {
                write!(f, "{}{browser}{}", NO_RESPONSE.0, NO_RESPONSE.1)
            }
            FetchProblem::Aborted => f.write_str(ABORTED),
            FetchProblem::SimulatedFailure => f.write_str(SIMULATED),
            FetchProblem::Network { detail } | FetchProblem::InvalidUrl { detail } => {
                f.write_str(detail)
            }
            FetchProblem::OnlySlowWeb { detail } => write!(f, "{ONLY_SLOW_WEB}{detail}"),
        }
    }
}

impl fmt::Display for JobFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobFailure::WorkerStopped { worker, loss } => {
                write!(f, "worker {worker} stopped while running it: {loss}")
            }
            JobFailure::PoolStopped { loss } => {
                write!(f, "every worker of the pool has stopped (the last: {loss})")
            }
            JobFailure::NoWorkerStarted => {
                f.write_str("no worker could start (see the browser console)")
            }
            JobFailure::NotSent { detail } => write!(f, "could not send the job: {detail}"),
            JobFailure::NoSuchJob { snippet, name } => write!(
                f,
                "{snippet} has no job named `{name}`: list it in `tutor::jobs! {{ … }}`"
            ),
            JobFailure::PoolSize { workers, max } => {
                write!(f, "a pool has 1 to {max} workers, not {workers}")
            }
            JobFailure::NotInBrowser => f.write_str("Web Workers exist only in a browser"),
            JobFailure::OnPageThread => {
                f.write_str("worker threads are not started from the page's own thread")
            }
            JobFailure::Other { reason } => f.write_str(reason),
        }
    }
}

impl fmt::Display for WorkerLoss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorkerLoss::Panicked { message, location } => {
                write!(f, "it panicked: {message}")?;
                match location {
                    Some(place) => write!(f, " (at {place})"),
                    None => Ok(()),
                }
            }
            WorkerLoss::Error { message } => write!(f, "it stopped with an error: {message}"),
        }
    }
}

impl fmt::Display for SyncProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SyncProblem::ChannelClosed => "sending on a closed channel",
            SyncProblem::ChannelFull => "the channel is full",
            SyncProblem::ChannelEmpty => "the channel is empty",
            SyncProblem::ChannelEmptyAndClosed => "the channel is empty and closed",
            SyncProblem::SenderDropped => "the sender was dropped without sending",
            SyncProblem::SemaphoreClosed => "the semaphore is closed",
            SyncProblem::NoPermits => "no permits available",
        })
    }
}

impl fmt::Display for RunnerProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunnerProblem::Load { detail } => write!(f, "could not load the runner: {detail}"),
            RunnerProblem::Start { detail } => {
                write!(f, "could not start the runner worker: {detail}")
            }
            RunnerProblem::Boot { detail } => write!(f, "could not boot the runner: {detail}"),
            RunnerProblem::NotCompiled => f.write_str("the runner is not compiled yet"),
            RunnerProblem::PageThread { detail } => {
                write!(f, "could not run on the page's thread: {detail}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use executor::sync::{mpsc, oneshot, Semaphore};
    use executor::{fetch, sleep, timeout, Executor, VirtualHost};

    use super::*;

    fn boxed(e: impl std::error::Error + 'static) -> Box<dyn std::error::Error> {
        Box::new(e)
    }

    /// Every error of the executor becomes a value whose English words are the executor's own.
    #[test]
    fn executor_errors_keep_their_words() {
        let ex = Executor::new(VirtualHost::new());
        let errors: Vec<Box<dyn std::error::Error>> = ex
            .block_on(async {
                let mut errors = Vec::new();
                let fetched = fetch("api/page/1?fail=100").await.unwrap();
                errors.push(boxed(fetched.error_for_status().unwrap_err()));
                errors.push(boxed(
                    fetch("api/page/1?fail=100&status=network")
                        .await
                        .unwrap_err(),
                ));
                errors.push(boxed(fetch("https://example.com/").await.unwrap_err()));
                let limit = Duration::from_micros(1500);
                errors.push(boxed(
                    timeout(limit, sleep(Duration::from_secs(1)))
                        .await
                        .unwrap_err(),
                ));
                let task = executor::spawn(sleep(Duration::from_secs(1)));
                task.abort();
                errors.push(boxed(task.await.unwrap_err()));
                let (tx, rx) = oneshot::channel::<u8>();
                drop(tx);
                errors.push(boxed(rx.await.unwrap_err()));
                let (tx, mut rx) = mpsc::channel::<u8>(1);
                errors.push(boxed(rx.try_recv().unwrap_err()));
                tx.try_send(1).unwrap();
                errors.push(boxed(tx.try_send(2).unwrap_err()));
                drop(rx);
                errors.push(boxed(tx.send(3).await.unwrap_err()));
                let semaphore = Semaphore::new(0);
                errors.push(boxed(semaphore.try_acquire().unwrap_err()));
                semaphore.close();
                errors.push(boxed(semaphore.acquire().await.unwrap_err()));
                errors
            })
            .unwrap();
        let kinds: Vec<RunError> = errors
            .iter()
            .map(|e| RunError::of_executor(&**e).unwrap_or_else(|| panic!("not known: {e}")))
            .collect();
        for (e, kind) in errors.iter().zip(&kinds) {
            assert_eq!(kind.to_string(), e.to_string());
        }
        assert_eq!(
            kinds[0],
            RunError::Fetch {
                url: "api/page/1?fail=100".into(),
                problem: FetchProblem::Status { code: 500 }
            }
        );
        assert!(matches!(
            &kinds[1],
            RunError::Fetch {
                problem: FetchProblem::SimulatedFailure,
                ..
            }
        ));
        assert!(matches!(
            &kinds[2],
            RunError::Fetch {
                problem: FetchProblem::OnlySlowWeb { .. },
                ..
            }
        ));
        assert_eq!(kinds[3], RunError::TimedOut { ms: 1.5 });
        assert_eq!(kinds[4], RunError::TaskCancelled);
        let sync: Vec<_> = kinds[5..]
            .iter()
            .map(|k| match k {
                RunError::Sync { problem } => *problem,
                other => panic!("{other:?}"),
            })
            .collect();
        use SyncProblem::*;
        assert_eq!(
            sync,
            [
                SenderDropped,
                ChannelEmpty,
                ChannelFull,
                ChannelClosed,
                NoPermits,
                SemaphoreClosed
            ]
        );
    }

    #[test]
    fn a_stall_and_a_panicked_task_keep_their_words() {
        let stalled = executor::Stalled { now_us: 1_234_567 };
        assert_eq!(RunError::from(&stalled).to_string(), stalled.to_string());
        let panicked = JoinError::Panicked("boom".into());
        assert_eq!(RunError::from(&panicked).to_string(), "task panicked: boom");
    }

    #[test]
    fn the_browsers_no_response_words_are_recognised() {
        let why = format!("{}Failed to fetch{}", NO_RESPONSE.0, NO_RESPONSE.1);
        let problem = FetchProblem::of(&FetchErrorKind::Network(why.clone()));
        assert_eq!(
            problem,
            FetchProblem::NoResponse {
                browser: "Failed to fetch".into()
            }
        );
        assert_eq!(problem.to_string(), why);
        assert_eq!(
            FetchProblem::of(&FetchErrorKind::Network(ABORTED.into())),
            FetchProblem::Aborted
        );
        assert_eq!(
            FetchProblem::of(&FetchErrorKind::Network("odd".into())),
            FetchProblem::Network {
                detail: "odd".into()
            }
        );
    }

    #[test]
    fn a_snippets_own_error_is_not_the_executors() {
        let own: Box<dyn std::error::Error> = "page 3: no title".into();
        assert_eq!(RunError::of_executor(&*own), None);
    }

    #[test]
    fn a_panic_is_told_with_its_place() {
        let panic = RunError::Panic {
            message: "every page has a <title>".into(),
            location: Some("lessons/08-async-await/panic.rs:13:55".into()),
        };
        assert_eq!(
            panic.to_string(),
            "The snippet panicked: every page has a <title> (at lessons/08-async-await/panic.rs:13:55)"
        );
        let job = RunError::Job {
            job: "download".into(),
            failure: JobFailure::PoolStopped {
                loss: WorkerLoss::Error {
                    message: "out of memory".into(),
                },
            },
        };
        assert_eq!(
            job.to_string(),
            "the blocking job `download` failed: every worker of the pool has stopped (the last: it stopped with an error: out of memory)"
        );
    }

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

    #[test]
    fn a_panic_message_without_a_place_still_parses() {
        use crate::FromRunner;
        let message: FromRunner =
            serde_json::from_str(r#"{"type":"panic","id":null,"message":"boom"}"#).unwrap();
        assert_eq!(
            message,
            FromRunner::Panic {
                id: None,
                message: "boom".into(),
                location: None
            }
        );
        let boot: FromRunner =
            serde_json::from_str(r#"{"type":"bootFailed","message":"no wasm"}"#).unwrap();
        assert_eq!(
            boot,
            FromRunner::BootFailed {
                message: "no wasm".into()
            }
        );
    }
}
