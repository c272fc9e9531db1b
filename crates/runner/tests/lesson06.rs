//! Lesson 6's delegating coroutines on the virtual host.

use executor::trace::{Event, Record};
use protocol::Report;

mod common;

fn run(knobs: &[(&str, f64)]) -> (Report, Vec<Record>) {
    common::run("06-delegation", "delegate", knobs)
}

#[test]
fn a_page_of_k_parts_takes_k_plus_one_latencies_and_pages_wait_together() {
    for parts in [1.0, 3.0] {
        let (report, trace) = run(&[("pages", 3.0), ("parts", parts), ("latency_ms", 300.0)]);
        assert_eq!(report.error, None);
        assert_eq!(report.elapsed_ms, (parts + 1.0) * 300.0);
        // A handshake and every part, for every page.
        assert_eq!(report.trace.requests as f64, 3.0 * (parts + 1.0));
        let reads = trace
            .iter()
            .filter(
                |r| matches!(&r.event, Event::Mark { label, .. } if label == "read: part arrived"),
            )
            .count();
        assert_eq!(reads as f64, 3.0 * parts);
    }
}

#[test]
fn an_inner_error_reaches_the_top_with_each_level_s_context() {
    let (report, _) = run(&[("pages", 2.0), ("parts", 3.0), ("broken_page", 2.0)]);
    let error = report.error.expect("page 2's second part fails");
    assert!(error.starts_with("page 2: reading part 2: "), "{error}");
    assert!(error.ends_with("HTTP 500"), "{error}");
}
