//! Lesson 5's hand-made Future, coroutine and Task on the virtual host.

use executor::trace::{Event, Record};
use protocol::Report;

mod common;

fn run(knobs: &[(&str, f64)]) -> (Report, Vec<Record>) {
    common::run("05-coroutines", "task", knobs)
}

#[test]
fn coroutines_wait_together_two_latencies_for_two_requests_each() {
    let (report, trace) = run(&[("pages", 4.0), ("latency_ms", 500.0), ("broken_page", 0.0)]);
    assert_eq!(report.error, None);
    assert_eq!(report.elapsed_ms, 1000.0);
    assert_eq!(
        report.output.last().unwrap().text,
        "4 pages and their links, 16384 bytes"
    );
    // Each coroutine is resumed three times, in its states' order.
    let marks: Vec<&str> = trace
        .iter()
        .filter_map(|r| match &r.event {
            Event::Mark { label, .. } => Some(label.as_str()),
            _ => None,
        })
        .collect();
    for state in ["Start", "FetchingPage", "FetchingLink"] {
        assert_eq!(
            marks.iter().filter(|m| **m == state).count(),
            4,
            "{marks:?}"
        );
    }
    assert_eq!(&marks[..4], ["Start"; 4]);
}

#[test]
fn an_error_keeps_the_page_and_the_step_it_happened_in() {
    let (report, _) = run(&[("pages", 3.0), ("broken_page", 2.0)]);
    let error = report.error.expect("page 2's link fails");
    assert!(error.starts_with("page 2, following its link: "), "{error}");
    assert!(error.contains("HTTP 500"), "{error}");
}
