//! Lesson 9's wakers card on the virtual host: how many copies of its waker each task keeps
//! while it waits, and what wakes it.

use std::collections::HashMap;

use executor::trace::{Event, Record, WakeSource};

mod common;

/// Task names by id.
fn names(trace: &[Record]) -> HashMap<u64, String> {
    trace
        .iter()
        .filter_map(|r| match &r.event {
            Event::Spawn { task, name, .. } => Some((*task, name.clone().unwrap_or_default())),
            _ => None,
        })
        .collect()
}

/// Each named task's first `Wait`: the waker copies it kept.
fn first_wait_wakers(trace: &[Record]) -> HashMap<String, u32> {
    let names = names(trace);
    let mut out = HashMap::new();
    for r in trace {
        if let Event::Wait { task, wakers, .. } = r.event {
            out.entry(names[&task].clone()).or_insert(wakers);
        }
    }
    out
}

/// What woke each named task first.
fn first_wake(trace: &[Record]) -> HashMap<String, WakeSource> {
    let names = names(trace);
    let mut out = HashMap::new();
    for r in trace {
        if let Event::Wake { task, by } = r.event {
            out.entry(names[&task].clone()).or_insert(by);
        }
    }
    out
}

#[test]
fn each_task_keeps_one_waker_per_source_of_news() {
    let (report, trace) = common::run("09-executor", "wakers", &[]);
    assert_eq!(report.error, None);
    let kept = first_wait_wakers(&trace);
    assert_eq!(kept["page"], 1);
    assert_eq!(kept["page or deadline"], 2);
    assert_eq!(kept["listener"], 1);
    assert_eq!(kept["main"], 1);
    let woke = first_wake(&trace);
    assert!(matches!(woke["page"], WakeSource::Network(_)), "{woke:?}");
    assert!(
        matches!(woke["page or deadline"], WakeSource::Network(_)),
        "{woke:?}"
    );
    assert_eq!(woke["main"], WakeSource::Task(2));
    assert_eq!(woke["listener"], WakeSource::Channel(Some(1)));
}

#[test]
fn a_deadline_that_comes_first_wakes_by_timer_and_aborts_the_request() {
    let (report, trace) = common::run("09-executor", "wakers", &[("deadline_ms", 100.0)]);
    assert_eq!(report.error, None);
    assert_eq!(first_wake(&trace)["page or deadline"], WakeSource::Timer);
    assert!(
        trace
            .iter()
            .any(|r| matches!(r.event, Event::FetchAbort { .. })),
        "the dropped request is aborted"
    );
    assert!(
        report
            .output
            .iter()
            .any(|l| l.text == "the deadline came first: page 2 was dropped")
    );
}
