//! Running a snippet, and the report of what happened.

use executor::trace::Record;
use executor::{Executor, VirtualHost};
use protocol::{knobs, Network, Report, RunRequest};

use crate::registry::{self, Snippet};

/// Finds the requested snippet and checks its knobs, and clears what an earlier run left. The error says, in plain words, what is
/// wrong (an unknown snippet, every knob out of range).
pub fn prepare(request: &RunRequest) -> Result<(&'static Snippet, Vec<u32>), String> {
    crate::callbacks::reset();
    let snippet = registry::find(&request.lesson, &request.snippet)?;
    let values = knobs::resolve(snippet.knobs, &request.knobs).map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    Ok((snippet, values))
}

/// Builds the report of a run from its trace.
pub fn report(
    records: &[Record],
    elapsed_us: u64,
    error: Option<String>,
    network: Network,
) -> Report {
    Report::from_trace(records, elapsed_us as f64 / 1000.0, error, network)
}

/// Runs a snippet on the virtual host: simulated network, virtual clock. Deterministic, and
/// done at once however long the run takes in virtual time.
///
/// ```
/// use protocol::{KnobValues, Network, RunRequest};
/// let request = RunRequest {
///     id: 1,
///     lesson: "08-async-await".into(),
///     snippet: "crawl".into(),
///     knobs: KnobValues::from([("pages".into(), 10.0), ("latency_ms".into(), 1000.0)]),
///     network: Network::Virtual,
///     base_url: String::new(),
///     scheduler: Default::default(),
///     step_mode: false,
/// };
/// let (report, _trace) = runner::run::run_virtual(&request);
/// assert_eq!(report.error, None);
/// assert_eq!(report.elapsed_ms, 1000.0);
/// ```
pub fn run_virtual(request: &RunRequest) -> (Report, Vec<Record>) {
    let (snippet, values) = match prepare(request) {
        Ok(ready) => ready,
        Err(why) => return (report(&[], 0, Some(why), Network::Virtual), Vec::new()),
    };
    crate::threads::set_backend(crate::threads::Backend::Virtual);
    let ex = Executor::new(VirtualHost::new());
    let log = ex.record_trace();
    let future = (snippet.start)(values);
    let error = match catch_panic(|| ex.block_on(future)) {
        Ok(Ok(Ok(()))) => None,
        Ok(Ok(Err(e))) => Some(e.to_string()),
        Ok(Err(stalled)) => Some(stalled.to_string()),
        Err(panic) => Some(format!("the snippet panicked: {panic}")),
    };
    let elapsed = ex.now().as_micros() as u64;
    drop(ex);
    let records = log.take();
    (report(&records, elapsed, error, Network::Virtual), records)
}

#[cfg(panic = "unwind")]
fn catch_panic<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "(no message)".into())
    })
}

/// Without unwinding (wasm32) a panic aborts: the worker's panic hook reports it.
#[cfg(not(panic = "unwind"))]
fn catch_panic<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    Ok(f())
}
