//! Shared vocabulary of the page and the runner worker: knobs, run requests, reports, messages.

#![deny(missing_docs)]

pub mod failure;
pub mod knobs;
mod messages;
pub mod packed;
pub mod replay;

pub use failure::{FetchProblem, JobFailure, RunError, RunnerProblem, SyncProblem, WorkerLoss};
pub use knobs::{KnobError, KnobSpec, KnobValues};
pub use messages::{
    keeps, kept_len, FromRunner, Network, OutputLine, Report, RunRequest, Tally, ToRunner,
    TraceSummary, ALIVE_MS, MAX_TRACE_BYTES,
};
