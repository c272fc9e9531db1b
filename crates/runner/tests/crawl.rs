//! The lesson snippets on the virtual host: their claims hold exactly in virtual time.

use executor::trace::{Event, Record};
use protocol::{KnobValues, Network, Report, RunRequest};
use runner::run::run_virtual;

mod common;

fn run(lesson: &str, knobs: &[(&str, f64)]) -> (Report, Vec<Record>) {
    common::run(lesson, "crawl", knobs)
}

/// (start, end) of each request, in microseconds, in request order.
fn request_spans(trace: &[Record]) -> Vec<(u64, u64)> {
    let mut spans = Vec::new();
    for r in trace {
        match r.event {
            Event::FetchStart { .. } => spans.push((r.t_us, u64::MAX)),
            Event::FetchEnd { request, .. } => spans[request as usize - 1].1 = r.t_us,
            _ => {}
        }
    }
    spans
}

const TEN_BY_A_SECOND: &[(&str, f64)] = &[("pages", 10.0), ("latency_ms", 1000.0)];

#[test]
fn the_async_crawl_of_ten_one_second_pages_takes_exactly_one_second() {
    let (report, trace) = run("08-async-await", TEN_BY_A_SECOND);
    assert_eq!(report.error, None);
    assert_eq!(report.elapsed_ms, 1000.0);
    assert_eq!(report.trace.requests, 10);
    let spans = request_spans(&trace);
    assert!(
        spans
            .iter()
            .all(|&(start, end)| start == 0 && end == 1_000_000),
        "{spans:?}"
    );
    assert_eq!(report.output.len(), 11, "a line per page and a total");
    assert_eq!(report.output[10].text, "10 pages, 20480 bytes");
}

#[test]
fn the_blocking_crawl_of_ten_one_second_pages_takes_exactly_ten_seconds() {
    let (report, trace) = run("01-blocking", TEN_BY_A_SECOND);
    assert_eq!(report.error, None);
    assert_eq!(report.elapsed_ms, 10_000.0);
    let spans = request_spans(&trace);
    assert_eq!(spans.len(), 10);
    // A staircase: each request starts when the previous one has ended.
    for (i, pair) in spans.windows(2).enumerate() {
        assert_eq!(
            pair[1].0,
            pair[0].1,
            "request {} overlapped the one before",
            i + 2
        );
    }
    assert_eq!(report.output[3].t_ms, 4000.0, "page 4 printed at 4 s");
}

#[test]
fn defaults_apply_when_knobs_are_left_out() {
    let (report, _) = run("08-async-await", &[]);
    assert_eq!(report.error, None);
    assert_eq!(report.trace.requests, 10);
    assert_eq!(report.elapsed_ms, 1000.0);
}

#[test]
fn an_out_of_range_knob_runs_nothing_and_says_why() {
    let (report, trace) = run("01-blocking", &[("pages", 51.0), ("latency_ms", -1.0)]);
    assert!(trace.is_empty(), "nothing ran");
    assert_eq!(
        report.error.as_deref(),
        Some(
            "pages must be a whole number from 1 to 50 (got 51); latency_ms must be a whole number from 0 to 3000 (got -1)"
        )
    );
}

#[test]
fn an_unknown_snippet_names_the_ones_that_exist() {
    let (report, _) = run_virtual(&RunRequest {
        id: 1,
        lesson: "99-nope".into(),
        snippet: "crawl".into(),
        knobs: KnobValues::new(),
        network: Network::Virtual,
        base_url: String::new(),
        scheduler: Default::default(),
        step_mode: false,
    });
    let error = report.error.unwrap();
    assert!(
        error.contains("there is no snippet 99-nope/crawl"),
        "{error}"
    );
    assert!(error.contains("08-async-await/crawl"), "{error}");
}

#[test]
fn every_registered_snippet_runs_with_its_defaults() {
    // Snippets named `panic` exist to panic; natively the panic fails one task's handle.
    // (Their own test is below.)
    for snippet in runner::registry::SNIPPETS
        .iter()
        .filter(|s| s.id != "panic")
    {
        let (report, _) = run_virtual(&RunRequest {
            id: 1,
            lesson: snippet.lesson.into(),
            snippet: snippet.id.into(),
            knobs: KnobValues::new(),
            network: Network::Virtual,
            base_url: String::new(),
            scheduler: Default::default(),
            step_mode: false,
        });
        // A snippet whose default breaks a page exists to show that failure, and only that:
        // it ends with it, or (lesson 10, which handles errors) reports it in its output.
        let breaks = snippet
            .knobs
            .iter()
            .any(|k| k.name == "broken_page" && k.default != 0);
        let name = format!("{}/{}", snippet.lesson, snippet.id);
        let reported = report.output.iter().any(|l| l.text.contains("HTTP 500"));
        match &report.error {
            None => assert!(!breaks || reported, "{name} should have failed or said so"),
            Some(error) => assert!(breaks && error.contains("HTTP 500"), "{name}: {error}"),
        }
    }
}

#[test]
fn a_panicking_task_fails_the_run_with_its_message_and_the_other_pages_still_arrive() {
    let (report, _) = run_virtual(&RunRequest {
        id: 1,
        lesson: "08-async-await".into(),
        snippet: "panic".into(),
        knobs: KnobValues::new(),
        network: Network::Virtual,
        base_url: String::new(),
        scheduler: Default::default(),
        step_mode: false,
    });
    assert_eq!(
        report.error.as_deref(),
        Some("task panicked: every page has a <title>")
    );
    let lines: Vec<_> = report.output.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        lines,
        [
            "page 1: Page 1",
            "page 2: Page 2",
            "page 4: Page 4",
            "page 5: Page 5"
        ]
    );
}

#[test]
fn a_failed_page_ends_the_crawl_with_an_error_naming_it() {
    let (report, _) = run("08-async-await", &[("pages", 10.0), ("fail_percent", 30.0)]);
    let error = report.error.expect("some page fails at 30 %");
    assert!(
        error.contains("api/page/") && error.contains("HTTP 500"),
        "{error}"
    );
}

#[test]
fn the_freeze_demo_holds_its_thread_for_pages_times_latency_in_one_poll() {
    let (report, _) = common::run(
        "01-blocking",
        "freeze",
        &[("pages", 3.0), ("latency_ms", 500.0)],
    );
    assert_eq!(report.error, None);
    assert_eq!(report.elapsed_ms, 1500.0);
    // One poll of main did it all: nothing else could run meanwhile.
    assert_eq!(report.trace.polls, 1);
}
