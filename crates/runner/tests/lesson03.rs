//! Lesson 3's polling snippets on the virtual host.

use executor::trace::{Diagnostic, Event, Record};
use protocol::Report;

mod common;

fn run(snippet: &str, knobs: &[(&str, f64)]) -> (Report, Vec<Record>) {
    common::run("03-polling", snippet, knobs)
}

/// The number just before `word` in the first output line that has it.
fn number_before(report: &Report, word: &str) -> u64 {
    let line = report
        .output
        .iter()
        .find(|l| l.text.contains(word))
        .unwrap();
    let words: Vec<&str> = line.text.split(' ').collect();
    let at = words.iter().position(|w| *w == word).unwrap();
    words[at - 1].parse().unwrap()
}

#[test]
fn polling_everything_takes_one_latency_and_wastes_a_check_per_microsecond() {
    let (report, trace) = run("spin", &[("pages", 10.0), ("latency_ms", 1000.0)]);
    assert_eq!(report.error, None);
    assert_eq!(report.elapsed_ms, 1000.0);
    let checks = number_before(&report, "checks,");
    assert!(checks >= 1_000_000, "{checks} checks");
    assert!(checks > 10 * 10, "far more checks than pages");
    // The executor notices the task that keeps waking itself.
    let busy = trace.iter().any(|r| {
        matches!(
            r.event,
            Event::Diagnostic {
                problem: Diagnostic::BusySelfWake { .. },
                ..
            }
        )
    });
    assert!(busy);
}

#[test]
fn polling_one_request_at_a_time_is_as_slow_as_blocking() {
    let (report, _) = run("one_by_one", &[("pages", 5.0), ("latency_ms", 500.0)]);
    assert_eq!(report.error, None);
    assert_eq!(report.elapsed_ms, 2500.0);
    let (blocking, _) = common::run(
        "01-blocking",
        "crawl",
        &[("pages", 5.0), ("latency_ms", 500.0)],
    );
    assert_eq!(report.elapsed_ms, blocking.elapsed_ms);
}
