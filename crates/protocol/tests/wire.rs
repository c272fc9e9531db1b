//! Runner → page messages cross as bytes and come back as they went; bad bytes say so.

use executor::host::Scheduler;
use protocol::packed::Batch;
use protocol::wire::{self, Wire};
use protocol::{
    FetchProblem, FromRunner, JobFailure, KnobError, Network, OutputLine, Report, RunError,
    RunRequest, RunnerProblem, SyncProblem, ToRunner, TraceSummary, WorkerLoss,
};

fn losses() -> Vec<WorkerLoss> {
    vec![
        WorkerLoss::Panicked {
            message: "boom".into(),
            location: Some("lessons/08-async-await/panic.rs:9:5".into()),
        },
        WorkerLoss::Panicked {
            message: String::new(),
            location: None,
        },
        WorkerLoss::Error {
            message: "out of memory".into(),
        },
    ]
}

fn job_failures() -> Vec<JobFailure> {
    let mut all: Vec<JobFailure> = losses()
        .into_iter()
        .flat_map(|loss| {
            [
                JobFailure::WorkerStopped {
                    worker: 3,
                    loss: loss.clone(),
                },
                JobFailure::PoolStopped { loss },
            ]
        })
        .collect();
    all.extend([
        JobFailure::NoWorkerStarted,
        JobFailure::NotSent {
            detail: "DataCloneError".into(),
        },
        JobFailure::NoSuchJob {
            snippet: "pool".into(),
            name: "hash".into(),
        },
        JobFailure::PoolSize {
            workers: 40,
            max: u32::MAX,
        },
        JobFailure::OnPageThread,
        JobFailure::Other {
            reason: "页面".into(),
        },
    ]);
    all
}

/// Every variant of every failure type, nested ones included.
fn run_errors() -> Vec<RunError> {
    let mut all = vec![
        RunError::Snippet {
            message: "bad page".into(),
        },
        RunError::TaskPanicked {
            message: "index out of bounds".into(),
        },
        RunError::TaskCancelled,
        RunError::TimedOut { ms: 1500.25 },
        RunError::Stalled { at_ms: -0.0 },
        RunError::Panic {
            message: "boom".into(),
            location: Some("lessons/08-async-await/panic.rs:13:55".into()),
        },
        RunError::Panic {
            message: "boom".into(),
            location: None,
        },
        RunError::RunnerCrashed {
            message: "unreachable".into(),
        },
        RunError::Knobs {
            errors: vec![
                KnobError::OutOfRange {
                    name: "pages".into(),
                    min: 1,
                    max: 50,
                    got: 51.5,
                },
                KnobError::Unknown {
                    name: "page".into(),
                    known: vec!["pages".into(), "latency_ms".into()],
                },
            ],
        },
        RunError::Knobs { errors: vec![] },
        RunError::NoSuchSnippet {
            lesson: "08-async-await".into(),
            snippet: "crawl2".into(),
            known: vec!["crawl".into()],
        },
        RunError::BadOptions {
            detail: "expected an object".into(),
        },
        RunError::BadIds {
            lesson: "x".into(),
            snippet: "y".into(),
        },
        RunError::BadKnobs {
            detail: "not a number".into(),
        },
        RunError::Stopped,
    ];
    for problem in [
        FetchProblem::Status { code: 503 },
        FetchProblem::NoResponse {
            browser: "TypeError: Failed to fetch".into(),
        },
        FetchProblem::Aborted,
        FetchProblem::SimulatedFailure,
        FetchProblem::Network {
            detail: "reset".into(),
        },
        FetchProblem::OnlySlowWeb {
            detail: "https://example.com".into(),
        },
        FetchProblem::InvalidUrl {
            detail: "::".into(),
        },
    ] {
        all.push(RunError::Fetch {
            url: "api/page/3".into(),
            problem,
        });
    }
    for failure in job_failures() {
        all.push(RunError::Job {
            job: "hash".into(),
            failure,
        });
    }
    for problem in SyncProblem::ALL {
        all.push(RunError::Sync { problem });
    }
    for problem in [
        RunnerProblem::Load {
            detail: "404".into(),
        },
        RunnerProblem::Start {
            detail: "CSP".into(),
        },
        RunnerProblem::Boot {
            detail: "clone".into(),
        },
        RunnerProblem::NotCompiled,
        RunnerProblem::PageThread {
            detail: "bad answer".into(),
        },
    ] {
        all.push(RunError::Runner { problem });
    }
    all
}

fn report(failure: Option<RunError>) -> Report {
    Report {
        elapsed_ms: 1234.5,
        output: vec![
            OutputLine {
                t_ms: 0.0,
                text: "start".into(),
            },
            OutputLine {
                t_ms: 99.125,
                text: "第 3 页: 2048 bytes".into(),
            },
        ],
        error: failure.as_ref().map(ToString::to_string),
        failure,
        network: Network::Virtual,
        trace: TraceSummary {
            events: u64::MAX,
            tasks: 11,
            polls: 40,
            wakes: 29,
            requests: 10,
            failed_requests: 1,
            timers_armed: 3,
            turns: 12,
            peak_in_flight: 10,
        },
    }
}

fn messages() -> Vec<FromRunner> {
    let batch = Batch(vec![1, 2, 0, 255]);
    let mut all = vec![
        FromRunner::Ready,
        FromRunner::Trace {
            id: 7,
            batch: batch.clone(),
        },
        FromRunner::Recorded {
            id: u32::MAX,
            batch: Batch(vec![]),
        },
        FromRunner::Alive { id: 0 },
        FromRunner::Panic {
            id: None,
            message: "boom".into(),
            location: None,
            report: None,
        },
        FromRunner::Panic {
            id: Some(4),
            message: "boom".into(),
            location: Some("lessons/08-async-await/panic.rs:13:55".into()),
            report: Some(report(None)),
        },
        FromRunner::BootFailed {
            message: "no wasm".into(),
        },
    ];
    all.push(FromRunner::Done {
        id: 1,
        report: Report {
            network: Network::SlowWeb,
            ..report(None)
        },
    });
    for error in run_errors() {
        all.push(FromRunner::Done {
            id: 2,
            report: report(Some(error)),
        });
    }
    all
}

#[test]
fn every_message_comes_back_as_it_went() {
    for message in messages() {
        let bytes = wire::encode(&message);
        assert_eq!(wire::decode::<FromRunner>(&bytes), Ok(message));
    }
}

#[test]
fn every_request_to_a_runner_comes_back_as_it_went() {
    let mut requests = vec![
        ToRunner::Step { id: 4 },
        ToRunner::RunToEnd { id: u32::MAX },
    ];
    for (i, scheduler) in Scheduler::ALL.into_iter().enumerate() {
        let mut request = RunRequest::on_virtual_network(
            "08-async-await",
            "crawl",
            &[("pages", 3.0), ("latency_ms", 250.5)],
        );
        request.id = 90 + i as u32;
        request.scheduler = scheduler;
        request.step_mode = i % 2 == 0;
        request.network = if i == 1 {
            Network::SlowWeb
        } else {
            Network::Virtual
        };
        request.base_url = "http://127.0.0.1:8080/async-tutor/".into();
        requests.push(ToRunner::Run(request));
    }
    requests.push(ToRunner::Run(RunRequest::on_virtual_network(
        "00-x",
        "",
        &[],
    )));
    for request in requests {
        let bytes = wire::encode(&request);
        assert_eq!(wire::decode::<ToRunner>(&bytes), Ok(request.clone()));
        for end in 0..bytes.len() {
            assert!(wire::decode::<ToRunner>(&bytes[..end]).is_err());
        }
    }
}

#[test]
fn sync_problems_are_listed_in_the_order_they_are_declared() {
    // The wire writes a problem as its discriminant and reads it back by index into ALL.
    for (i, problem) in SyncProblem::ALL.into_iter().enumerate() {
        assert_eq!(problem as usize, i);
    }
}

#[test]
fn a_page_run_answer_comes_back_as_it_went() {
    let answer = (report(Some(RunError::Stopped)), Batch(vec![9; 300]));
    let bytes = wire::encode(&answer);
    assert_eq!(wire::decode::<(Report, Batch)>(&bytes), Ok(answer));
}

#[test]
fn every_job_failure_comes_back_alone_too() {
    for failure in job_failures() {
        let mut out = Vec::new();
        failure.put(&mut out);
        let mut r = protocol::bytes::Reader::new(&out);
        assert_eq!(JobFailure::get(&mut r), Some(failure));
        assert_eq!(r.left(), 0);
    }
}

#[test]
fn a_message_cut_anywhere_is_refused_not_misread() {
    for message in messages() {
        let bytes = wire::encode(&message);
        for end in 0..bytes.len() {
            assert!(
                wire::decode::<FromRunner>(&bytes[..end]).is_err(),
                "{message:?} cut at {end} of {} bytes",
                bytes.len()
            );
        }
    }
}

#[test]
fn a_foreign_message_says_what_is_wrong() {
    assert_eq!(
        wire::decode::<FromRunner>(&[]),
        Err("an empty message".into())
    );
    assert_eq!(
        wire::decode::<FromRunner>(&[2, 0]),
        Err("a message of format 2, not 1".into())
    );
    assert_eq!(
        wire::decode::<FromRunner>(&[1, 99]),
        Err("a message cut short or garbled (read 2 of its 2 bytes)".into())
    );
    let mut ready = wire::encode(&FromRunner::Ready);
    ready.push(0);
    assert_eq!(
        wire::decode::<FromRunner>(&ready),
        Err("a message with 1 bytes past its end".into())
    );
}
