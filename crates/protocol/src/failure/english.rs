//! The English words of a failure (`Display`): what an English page, the scripting API and native tools show; text a snippet's author wrote is carried as written.

use std::fmt;

use super::{FetchProblem, JobFailure, RunError, RunnerProblem, SyncProblem, WorkerLoss};

/// The words of the executor's `NetworkError::NoResponse`, around the browser's own.
const NO_RESPONSE: (&str, &str) = (
    "no response (",
    "): the network is down, the host is unreachable, or the server does not allow this origin (CORS)",
);
/// The words of the executor's `NetworkError::Aborted`.
const ABORTED: &str = "the request was aborted";
/// The words of the executor's `NetworkError::Simulated`.
const SIMULATED: &str = "the connection failed (simulated)";
/// How the executor's `UrlError::NotSlowWeb` starts, before the slow web's reason.
const ONLY_SLOW_WEB: &str = "the virtual network only serves the slow web (api/page/<n>): ";

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
            RunError::BadIds { lesson, snippet } => write!(
                f,
                "the lesson id and the snippet id must be strings (got {lesson} and {snippet})"
            ),
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
    use super::*;

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
}
