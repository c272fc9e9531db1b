//! Shared vocabulary of the page and the runner worker: knobs, run requests, reports, messages.

pub mod failure;
pub mod knobs;
mod messages;
pub mod replay;

pub use failure::{FetchProblem, JobFailure, RunError, RunnerProblem, SyncProblem, WorkerLoss};
pub use knobs::{KnobError, KnobSpec, KnobValues};
pub use messages::{
    final_state, FromRunner, Network, OutputLine, Report, RunRequest, ToRunner, TraceSummary,
    ALIVE_MS, MAX_TRACE_EVENTS,
};
