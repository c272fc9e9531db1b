//! Lesson 7's hand-made leaf futures, minimal executor and lost wake-up on the virtual host.

use executor::trace::{Diagnostic, Event, Record};
use protocol::Report;

mod common;

fn run(snippet: &str, knobs: &[(&str, f64)]) -> (Report, Vec<Record>) {
    common::run("07-futures", snippet, knobs)
}

#[test]
fn hand_made_sleep_and_fetch_take_a_sleep_plus_a_latency() {
    let (report, _) = run(
        "leaf",
        &[("pages", 4.0), ("latency_ms", 500.0), ("sleep_ms", 300.0)],
    );
    assert_eq!(report.error, None);
    assert_eq!(report.elapsed_ms, 800.0);
    assert_eq!(report.output.last().unwrap().text, "4 pages, 8192 bytes");
}

#[test]
fn the_minimal_executor_crawls_in_one_latency_as_one_task_of_the_page() {
    let (report, _) = run("executor", &[("pages", 10.0), ("latency_ms", 700.0)]);
    assert_eq!(report.error, None);
    assert_eq!(report.elapsed_ms, 700.0);
    // The page's executor sees one task: the learner's executor runs inside it.
    assert_eq!(report.trace.tasks, 1);
    assert_eq!(report.trace.requests, 10);
}

#[test]
fn a_forgotten_waker_is_reported_as_a_lost_wake_up() {
    let (report, trace) = run("lost", &[("keep_waker", 0.0)]);
    assert_eq!(report.error, None);
    assert_eq!(report.elapsed_ms, 2000.0);
    let lost = trace.iter().any(|r| {
        matches!(
            r.event,
            Event::Diagnostic {
                problem: Diagnostic::LostWakeup,
                ..
            }
        )
    });
    assert!(lost, "the executor reports the lost wake-up");

    let (report, trace) = run("lost", &[("keep_waker", 1.0)]);
    assert_eq!(report.elapsed_ms, 500.0);
    assert_eq!(report.output[0].text, "ready after 500 ms");
    assert!(
        !trace
            .iter()
            .any(|r| matches!(r.event, Event::Diagnostic { .. }))
    );
}
