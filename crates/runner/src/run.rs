//! Running a snippet, and the report of what happened.

use std::cell::RefCell;
use std::rc::Rc;

use executor::trace::Record;
use executor::{BlockingError, Executor, VirtualHost};
use protocol::{Network, Report, RunError, RunRequest, knobs};

use crate::registry::{self, Snippet};

/// Finds the requested snippet and checks its knobs, and clears what an earlier run left. The
/// error says what is wrong (an unknown snippet, every knob out of range).
pub fn prepare(request: &RunRequest) -> Result<(&'static Snippet, Vec<u32>), RunError> {
    tutor::callbacks::reset();
    tutor::threads::forget_failures();
    let snippet = registry::find(&request.lesson, &request.snippet)?;
    let values = knobs::resolve(snippet.knobs, &request.knobs)
        .map_err(|errors| RunError::Knobs { errors })?;
    Ok((snippet, values))
}

/// Builds the report of a run from its trace.
pub fn report(
    records: &[Record],
    elapsed_us: u64,
    failure: Option<RunError>,
    network: Network,
) -> Report {
    Report::from_trace(records, elapsed_us as f64 / 1000.0, failure, network)
}

/// The error a snippet returned, as a value: the executor's errors and the worker threads' by
/// their kind (so the page can put them in the reader's language), anything else as the text
/// the snippet's author wrote.
///
/// ```
/// use protocol::{FetchProblem, RunError};
/// let e: tutor::Result = Err(executor::FetchError {
///     url: "api/page/3".into(),
///     kind: executor::FetchErrorKind::Status(500),
/// }
/// .into());
/// assert_eq!(
///     runner::run::snippet_error(&*e.unwrap_err()),
///     RunError::Fetch { url: "api/page/3".into(), problem: FetchProblem::Status { code: 500 } }
/// );
/// let e: tutor::Result = Err(format!("page {}: no title", 3).into());
/// assert_eq!(
///     runner::run::snippet_error(&*e.unwrap_err()),
///     RunError::Snippet { message: "page 3: no title".into() }
/// );
/// ```
pub fn snippet_error(error: &(dyn std::error::Error + 'static)) -> RunError {
    if let Some(e) = error.downcast_ref::<BlockingError>() {
        return RunError::Job {
            job: e.job.to_owned(),
            failure: tutor::threads::failure_of(&e.reason),
        };
    }
    RunError::of_executor(error).unwrap_or_else(|| RunError::Snippet {
        message: error.to_string(),
    })
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
    tutor::threads::set_backend(tutor::threads::Backend::Virtual);
    let ex = Executor::new(VirtualHost::new());
    let log = ex.record_trace();
    VIRTUAL_LOG.with(|l| *l.borrow_mut() = Some(log.clone()));
    let future = (snippet.start)(values);
    let error = match catch_panic(|| ex.block_on(future)) {
        Ok(Ok(Ok(()))) => None,
        Ok(Ok(Err(e))) => Some(snippet_error(&*e)),
        Ok(Err(stalled)) => Some(RunError::from(&stalled)),
        Err(message) => Some(RunError::Panic {
            message,
            location: None,
        }),
    };
    let elapsed = ex.now().as_micros() as u64;
    drop(ex);
    VIRTUAL_LOG.with(|l| l.borrow_mut().take());
    let records = log.take();
    (report(&records, elapsed, error, Network::Virtual), records)
}

thread_local! {
    /// The trace of the virtual run in progress, for [`virtual_so_far`].
    static VIRTUAL_LOG: RefCell<Option<Rc<RefCell<Vec<Record>>>>> = const { RefCell::new(None) };
}

/// The trace of the virtual run in progress, if one is: what a panic hook can still report on
/// wasm32, where a panic ends the run before [`run_virtual`] returns. Its time is the virtual
/// clock's at the last record. `None` when the trace is being written at this very moment.
pub fn virtual_so_far() -> Option<(Vec<Record>, u64)> {
    VIRTUAL_LOG.with(|l| {
        let log = l.try_borrow().ok()?;
        let records = log.as_ref()?.try_borrow().ok()?.clone();
        let at_us = records.last().map_or(0, |r| r.t_us);
        Some((records, at_us))
    })
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

#[cfg(test)]
mod tests {
    use executor::BlockingError;
    use protocol::{JobFailure, KnobError};

    use super::*;

    fn request(lesson: &str, snippet: &str, knobs: &[(&str, f64)]) -> RunRequest {
        RunRequest::on_virtual_network(lesson, snippet, knobs)
    }

    #[test]
    fn a_panicking_task_is_reported_as_one_with_the_snippets_message() {
        let (report, _) = run_virtual(&request("08-async-await", "panic", &[]));
        assert_eq!(
            report.failure,
            Some(RunError::TaskPanicked {
                message: "every page has a <title>".into()
            })
        );
        assert_eq!(
            report.error.as_deref(),
            Some("task panicked: every page has a <title>")
        );
    }

    #[test]
    fn a_failed_request_is_reported_with_its_url_and_status() {
        let (report, _) = run_virtual(&request(
            "08-async-await",
            "crawl",
            &[("pages", 2.0), ("fail_percent", 100.0)],
        ));
        let Some(RunError::Fetch { url, problem }) = &report.failure else {
            panic!("{:?}", report.failure);
        };
        assert!(url.starts_with("api/page/"), "{url}");
        assert_eq!(*problem, protocol::FetchProblem::Status { code: 500 });
    }

    #[test]
    fn refused_knobs_and_unknown_snippets_are_values() {
        let (report, _) = run_virtual(&request("08-async-await", "crawl", &[("pages", 99.0)]));
        assert_eq!(
            report.failure,
            Some(RunError::Knobs {
                errors: vec![KnobError::OutOfRange {
                    name: "pages".into(),
                    min: 1,
                    max: 50,
                    got: 99.0
                }]
            })
        );
        let (report, _) = run_virtual(&request("99-nope", "crawl", &[]));
        assert!(
            matches!(&report.failure, Some(RunError::NoSuchSnippet { lesson, known, .. })
                if lesson == "99-nope" && known.iter().any(|k| k == "08-async-await/crawl")),
            "{:?}",
            report.failure
        );
    }

    #[test]
    fn a_pools_failure_comes_back_as_the_value_it_was() {
        let ex = Executor::new(VirtualHost::new());
        tutor::threads::forget_failures();
        let error: Box<dyn std::error::Error> = ex
            .block_on(tutor::threads::start_pool(40))
            .unwrap()
            .unwrap_err()
            .into();
        assert_eq!(
            snippet_error(&*error),
            RunError::Job {
                job: "start-up".into(),
                failure: JobFailure::PoolSize {
                    workers: 40,
                    max: tutor::threads::MAX_WORKERS
                }
            }
        );
        // A reason the runner did not write (the executor's own pool) keeps its words.
        let other: Box<dyn std::error::Error> = Box::new(BlockingError {
            job: "resize",
            reason: "the worker panicked: boom".into(),
        });
        assert_eq!(
            snippet_error(&*other).to_string(),
            "the blocking job `resize` failed: the worker panicked: boom"
        );
    }
}
