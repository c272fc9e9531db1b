//! Shared vocabulary of the page and the runner worker: knobs, run requests, reports, messages.

#![deny(missing_docs)]

pub mod bytes;
pub mod content;
pub mod failure;
pub mod knobs;
mod messages;
pub mod packed;
pub mod wire;

pub use failure::{FetchProblem, JobFailure, RunError, RunnerProblem, SyncProblem, WorkerLoss};
pub use knobs::{KnobError, KnobSpec, KnobValues};
pub use messages::{
    ALIVE_MS, FromRunner, MAX_TRACE_BYTES, Network, OutputLine, Report, RunRequest, Tally,
    ToRunner, TraceSummary, keeps, kept_len,
};

/// "page 3" for a slow-web URL, else the URL itself (request lanes say "GET page 3").
pub fn request_label(url: &str) -> String {
    url.rsplit_once("api/page/")
        .and_then(|(_, rest)| rest.split(['?', '#']).next())
        .map(|n| format!("page {n}"))
        .unwrap_or_else(|| url.to_owned())
}
