//! Lesson 4's callback snippets on the virtual host.

use executor::trace::{Event, Record};
use protocol::Report;

mod common;

fn run(snippet: &str, knobs: &[(&str, f64)]) -> (Report, Vec<Record>) {
    common::run("04-callbacks", snippet, knobs)
}

#[test]
fn callbacks_wait_together_one_latency_for_every_page() {
    let (report, trace) = run(
        "crawl",
        &[("pages", 10.0), ("latency_ms", 1000.0), ("jitter_ms", 0.0)],
    );
    assert_eq!(report.error, None);
    assert_eq!(report.elapsed_ms, 1000.0);
    // main, then one task per callback.
    assert_eq!(report.trace.tasks, 11);
    let last = report.output.last().unwrap();
    assert_eq!(last.text, "10 pages, 20480 bytes");
    // Every request went out before the first answer came back.
    let first_end = trace
        .iter()
        .position(|r| matches!(r.event, Event::FetchEnd { .. }));
    let last_start = trace
        .iter()
        .rposition(|r| matches!(r.event, Event::FetchStart { .. }));
    assert!(last_start < first_end);
    // "… requests sent, none answered yet" is true when printed: every request is out by then.
    let sent = trace
        .iter()
        .position(
            |r| matches!(&r.event, Event::Print { text, .. } if text.contains("requests sent")),
        )
        .unwrap();
    assert!(
        last_start.unwrap() < sent,
        "a request went out after the line"
    );
    assert!(first_end.unwrap() > sent);
}

#[test]
fn with_jitter_the_pages_arrive_out_of_order() {
    let (report, _) = run(
        "crawl",
        &[
            ("pages", 10.0),
            ("latency_ms", 1000.0),
            ("jitter_ms", 500.0),
        ],
    );
    assert!(report.elapsed_ms > 1000.0 && report.elapsed_ms <= 1500.0);
    let order = report
        .output
        .iter()
        .find_map(|l| l.text.strip_prefix("in the order they arrived: "))
        .unwrap();
    let mut pages: Vec<u32> = order.split(", ").map(|n| n.parse().unwrap()).collect();
    assert_ne!(pages, (1..=10).collect::<Vec<_>>(), "shuffled");
    pages.sort();
    assert_eq!(pages, (1..=10).collect::<Vec<_>>(), "every page once");
}

#[test]
fn three_nested_steps_take_two_latencies_and_a_pause() {
    let (report, _) = run(
        "steps",
        &[("pages", 3.0), ("latency_ms", 500.0), ("broken_page", 0.0)],
    );
    assert_eq!(report.error, None);
    assert_eq!(report.elapsed_ms, 1100.0);
    let done = report
        .output
        .iter()
        .filter(|l| l.text.contains("step 3 done"))
        .count();
    assert_eq!(done, 3);
}

#[test]
fn the_error_of_a_third_step_arrives_as_a_bare_message() {
    let (report, _) = run("steps", &[("pages", 3.0), ("broken_page", 2.0)]);
    let error = report.error.expect("page 2's link fails");
    assert!(error.contains("HTTP 500"), "{error}");
    // Only the URL is left: not which page of the crawl, nor which step.
    assert!(!error.contains("step"), "{error}");
    // The other pages still finished their three steps.
    let done = report
        .output
        .iter()
        .filter(|l| l.text.contains("step 3 done"))
        .count();
    assert_eq!(done, 2);
}
