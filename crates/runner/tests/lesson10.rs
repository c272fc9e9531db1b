//! Lesson 10's cards on the virtual host, read from their traces: which requests are aborted,
//! which tasks are cancelled and which run on, and what a `select` loop loses.

use std::collections::HashMap;

use executor::trace::{Event, Outcome, Record, WakeSource};

mod common;

use common::lines;

/// Each named task's outcome and the time it ended (µs).
fn endings(trace: &[Record]) -> HashMap<String, (Outcome, u64)> {
    let mut names = HashMap::new();
    let mut out = HashMap::new();
    for r in trace {
        match &r.event {
            Event::Spawn { task, name, .. } => {
                names.insert(*task, name.clone().unwrap_or_default());
            }
            Event::Done { task, outcome } => {
                out.insert(names[task].clone(), (outcome.clone(), r.t_us));
            }
            _ => {}
        }
    }
    out
}

/// The times (µs) at which requests were aborted.
fn aborts(trace: &[Record]) -> Vec<u64> {
    trace
        .iter()
        .filter(|r| matches!(r.event, Event::FetchAbort { .. }))
        .map(|r| r.t_us)
        .collect()
}

/// How many requests were answered.
fn answered(trace: &[Record]) -> usize {
    trace
        .iter()
        .filter(|r| matches!(r.event, Event::FetchEnd { .. }))
        .count()
}

#[test]
fn join_waits_for_both_mirrors_and_aborts_nothing() {
    let (report, trace) = common::run("10-coordinating", "both", &[]);
    assert_eq!(report.error, None);
    assert_eq!(answered(&trace), 2);
    assert!(aborts(&trace).is_empty());
}

#[test]
fn select_aborts_the_losing_mirror_when_the_winner_answers() {
    let (report, trace) = common::run("10-coordinating", "first", &[]);
    assert_eq!(report.error, None);
    assert_eq!(answered(&trace), 1);
    assert_eq!(aborts(&trace), [300_000], "B is aborted the moment A wins");
    let (_, trace) = common::run("10-coordinating", "first", &[("mirror_a_ms", 1200.0)]);
    assert_eq!(aborts(&trace), [900_000], "now A loses");
}

#[test]
fn each_time_limit_aborts_its_own_request_and_the_deadline_aborts_the_rest_at_once() {
    let (_, trace) = common::run("10-coordinating", "deadline", &[]);
    assert_eq!(aborts(&trace), [550_000; 3]);
    assert_eq!(answered(&trace), 5);
    let (_, trace) = common::run("10-coordinating", "deadline", &[("deadline_ms", 350.0)]);
    assert_eq!(aborts(&trace), [350_000; 5]);
    assert_eq!(answered(&trace), 3);
}

#[test]
fn the_pending_tasks_keep_running_after_the_first_ones_are_taken() {
    let (report, trace) = common::run("10-coordinating", "first_n", &[]);
    assert_eq!(report.error, None);
    let first = report
        .output
        .iter()
        .find(|l| l.text.starts_with("first 3 at"))
        .expect("the first three are reported");
    let first_us = (first.t_ms * 1000.0) as u64;
    let ends = endings(&trace);
    let pages: Vec<_> = ends
        .iter()
        .filter(|(n, _)| n.starts_with("page "))
        .collect();
    assert_eq!(pages.len(), 10);
    assert!(pages.iter().all(|(_, (o, _))| *o == Outcome::Finished));
    let later = pages.iter().filter(|(_, (_, t))| *t > first_us).count();
    assert_eq!(
        later, 7,
        "seven tasks end after the first three are reported"
    );
}

#[test]
fn dropping_the_future_aborts_its_request_without_any_task() {
    let (report, trace) = common::run("10-coordinating", "drop_future", &[]);
    assert_eq!(report.error, None);
    assert_eq!(aborts(&trace), [300_000]);
    assert_eq!(report.trace.tasks, 1);
}

#[test]
fn abort_cancels_the_task_and_its_request() {
    let (report, trace) = common::run("10-coordinating", "abort", &[]);
    assert_eq!(report.error, None);
    assert_eq!(endings(&trace)["page 2"], (Outcome::Cancelled, 300_000));
    assert_eq!(aborts(&trace), [300_000]);
    // Too late to cancel: the task had finished, and its result is still there.
    let (report, trace) = common::run("10-coordinating", "abort", &[("patience_ms", 1500.0)]);
    assert_eq!(endings(&trace)["page 2"].0, Outcome::Finished);
    assert!(aborts(&trace).is_empty());
    assert!(lines(&report).contains(&"too late to cancel: page 2 had 2048 bytes"));
}

#[test]
fn a_dropped_handle_leaves_its_task_running_to_the_end() {
    let (report, trace) = common::run("10-coordinating", "detach", &[]);
    assert_eq!(report.error, None);
    assert_eq!(endings(&trace)["page 3"], (Outcome::Finished, 1_000_000));
    assert!(aborts(&trace).is_empty());
    assert_eq!(answered(&trace), 1);
}

#[test]
fn gather_lets_every_task_finish_and_a_scope_cancels_the_rest() {
    let (_, trace) = common::run("10-coordinating", "gather", &[]);
    let ends = endings(&trace);
    assert!(
        (1..=5).all(|n| ends[&format!("page {n}")].0 == Outcome::Finished),
        "{ends:?}"
    );
    assert!(aborts(&trace).is_empty());

    let (_, trace) = common::run("10-coordinating", "scope", &[]);
    let ends = endings(&trace);
    assert_eq!(ends["page 1"].0, Outcome::Finished);
    assert_eq!(ends["page 2"].0, Outcome::Finished, "it returned its error");
    for n in 3..=5 {
        assert_eq!(ends[&format!("page {n}")], (Outcome::Cancelled, 600_000));
    }
    assert_eq!(aborts(&trace), [600_000; 3]);
    // `main` goes on only once the cancelled tasks have ended.
    assert!(ends["main"].1 >= 600_000);
}

#[test]
fn the_callback_completes_the_future_and_a_dropped_sender_wakes_the_receiver() {
    for send in [1.0, 0.0] {
        let (report, trace) = common::run("10-coordinating", "by_hand", &[("send_answer", send)]);
        assert_eq!(report.error, None);
        assert!(
            matches!(&trace[0].event, Event::Spawn { task: 1, name: Some(n), .. } if n == "main")
        );
        let main_woken_by: Vec<_> = trace
            .iter()
            .filter_map(|r| match r.event {
                Event::Wake { task: 1, by } => Some(by),
                _ => None,
            })
            .collect();
        assert!(!main_woken_by.is_empty());
        assert!(
            main_woken_by
                .iter()
                .all(|b| matches!(b, WakeSource::Channel(_))),
            "{main_woken_by:?}"
        );
        assert_eq!(report.elapsed_ms, 300.0);
    }
}

#[test]
fn a_careless_select_loop_loses_the_first_page_of_each_interrupted_pair() {
    let (report, _) = common::run("10-coordinating", "pairs", &[]);
    assert_eq!(report.error, None);
    let out = lines(&report);
    assert!(out.contains(&"pair: pages 2 and 3"), "{out:?}");
    assert!(
        out.contains(&"received 5 of 8 pages; lost: [1, 4, 7]"),
        "{out:?}"
    );
    // With a timer longer than two pages, no pair is cut short.
    let (report, _) = common::run("10-coordinating", "pairs", &[("quiet_ms", 700.0)]);
    assert!(lines(&report).contains(&"received 8 of 8 pages; lost: []"));
}

#[test]
fn keeping_the_pair_future_loses_nothing_and_keeps_the_order() {
    let (report, _) = common::run("10-coordinating", "pairs", &[("keep_future", 1.0)]);
    let pairs: Vec<_> = lines(&report)
        .into_iter()
        .filter(|l| l.starts_with("pair: "))
        .collect();
    assert_eq!(
        pairs,
        [
            "pair: pages 1 and 2",
            "pair: pages 3 and 4",
            "pair: pages 5 and 6",
            "pair: pages 7 and 8"
        ]
    );
    // An odd number of pages leaves the last one alone, in both loops.
    for keep in [0.0, 1.0] {
        let (report, _) = common::run(
            "10-coordinating",
            "pairs",
            &[("pages", 3.0), ("keep_future", keep), ("quiet_ms", 3000.0)],
        );
        assert!(lines(&report).contains(&"last page alone: page 3"));
    }
}
