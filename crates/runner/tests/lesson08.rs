//! Lesson 8's state machine and many-task snippets on the virtual host.

use executor::trace::{Event, Record};
use protocol::Report;

mod common;

fn run(snippet: &str, knobs: &[(&str, f64)]) -> (Report, Vec<Record>) {
    common::run("08-async-await", snippet, knobs)
}

#[test]
fn each_download_walks_start_fetching_finished_on_the_lines_that_mark_them() {
    let (report, trace) = run("states", &[("pages", 2.0), ("latency_ms", 300.0)]);
    assert_eq!(report.error, None);
    assert_eq!(report.elapsed_ms, 300.0);
    let source = include_str!("../../../lessons/08-async-await/states.rs");
    for task in [2, 3] {
        let marks: Vec<(String, u32)> = trace
            .iter()
            .filter_map(|r| match &r.event {
                Event::Mark {
                    task: Some(t),
                    label,
                    line,
                } if *t == task => Some((label.clone(), *line)),
                _ => None,
            })
            .collect();
        let labels: Vec<&str> = marks.iter().map(|(l, _)| l.as_str()).collect();
        // The first poll starts the request and stops at Fetching; the wake-up polls it again.
        assert_eq!(labels, ["Start", "Fetching", "Fetching", "Finished"]);
        for (label, line) in &marks {
            let text = source.lines().nth(*line as usize - 1).unwrap();
            assert!(
                text.contains(&format!("tutor::state!({label:?})")),
                "line {line}: {text}"
            );
        }
    }
}

#[test]
fn thirty_thousand_sleeping_tasks_take_one_sleep() {
    let (report, trace) = run("many", &[("tasks", 30000.0), ("sleep_ms", 100.0)]);
    assert_eq!(report.error, None);
    assert_eq!(report.elapsed_ms, 100.0);
    assert_eq!(report.trace.tasks, 30001);
    // One browser timer for them all, and far more events than a card keeps.
    assert_eq!(report.trace.timers_armed, 1);
    assert!(trace.len() > 100_000, "{} events", trace.len());
}

#[test]
fn fifty_thousand_tasks_record_more_than_a_card_keeps() {
    // The prose: "hundreds of thousands of events", of which the card keeps the first 1 MiB,
    // packed: "about 170 000".
    let (report, trace) = run("many", &[("tasks", 50000.0)]);
    assert_eq!(report.error, None);
    assert!(trace.len() >= 300_000, "{} events", trace.len());
    let kept = protocol::kept_len(&trace);
    assert!((160_000..=180_000).contains(&kept), "{kept} kept");
}
