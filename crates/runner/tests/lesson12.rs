//! Lesson 12's cards on the virtual host, read from their traces: how many requests a stream
//! keeps in flight, when each part of a trickled body is read, and what cancellation leaves
//! behind.

use std::collections::HashMap;

use executor::trace::{Event, Outcome, WakeSource};

mod common;

use common::{lines, peak_in_flight};

#[test]
fn a_stream_taken_one_at_a_time_has_one_request_out() {
    let (report, trace) = common::run("12-streams", "one_at_a_time", &[]);
    assert_eq!(report.error, None);
    assert_eq!(peak_in_flight(&trace), 1);
    let pages: Vec<&str> = lines(&report).iter().map(|l| &l[..7]).collect();
    assert_eq!(
        pages,
        [
            "page 1:", "page 2:", "page 3:", "page 4:", "page 5:", "page 6:"
        ]
    );
}

#[test]
fn buffered_keeps_the_order_and_unordered_takes_them_as_they_come() {
    for limit in [1.0, 3.0, 6.0] {
        let (report, trace) = common::run("12-streams", "buffered", &[("limit", limit)]);
        assert_eq!(peak_in_flight(&trace), limit as usize);
        let order: Vec<&str> = lines(&report).iter().map(|l| &l[..6]).collect();
        assert_eq!(
            order,
            ["page 1", "page 2", "page 3", "page 4", "page 5", "page 6"]
        );
    }
    let (report, trace) = common::run("12-streams", "unordered", &[]);
    assert_eq!(peak_in_flight(&trace), 3);
    let order: Vec<&str> = lines(&report).iter().map(|l| &l[..6]).collect();
    assert_eq!(
        order,
        ["page 3", "page 2", "page 1", "page 4", "page 5", "page 6"]
    );
    // Each page is taken when it arrives: the two times on each line are the same.
    for line in lines(&report) {
        let times: Vec<&str> = line.split(" at ").skip(1).collect();
        assert_eq!(times[0].trim_end_matches(", taken"), times[1], "{line}");
    }
}

#[test]
fn a_trickled_body_is_read_part_by_part_on_schedule() {
    let (report, trace) = common::run("12-streams", "trickle", &[("pages", 1.0)]);
    assert_eq!(report.error, None);
    let parts: Vec<(u64, u64)> = trace
        .iter()
        .filter_map(|r| match r.event {
            Event::FetchChunk { bytes, .. } => Some((r.t_us / 1000, bytes)),
            _ => None,
        })
        .collect();
    assert_eq!(parts, [(200, 512), (350, 512), (500, 512), (650, 512)]);
    // The task waits on the network between parts, and is woken by it.
    let woken: Vec<WakeSource> = trace
        .iter()
        .filter_map(|r| match r.event {
            Event::Wake { task: 2, by } => Some(by),
            _ => None,
        })
        .collect();
    assert!(
        woken.len() >= 4 && woken.iter().all(|b| matches!(b, WakeSource::Network(1))),
        "{woken:?}"
    );
    // More parts than bytes in some parts: still the whole body, in order.
    let (report, _) = common::run(
        "12-streams",
        "trickle",
        &[("pages", 1.0), ("chunks", 32.0), ("every_ms", 0.0)],
    );
    assert!(lines(&report).contains(&"page 1: 2048 of 2048 bytes (100 %)"));
    assert_eq!(report.elapsed_ms, 200.0);
}

#[test]
fn a_cancelled_task_gives_its_permit_back_and_the_next_starts_at_once() {
    let (report, trace) = common::run("12-streams", "permit", &[]);
    assert_eq!(report.error, None);
    let mut names = HashMap::new();
    let mut page1_cancelled = None;
    let mut page2_started = None;
    for r in &trace {
        match &r.event {
            Event::Spawn { task, name, .. } => {
                names.insert(*task, name.clone().unwrap_or_default());
            }
            Event::Done {
                task,
                outcome: Outcome::Cancelled,
            } if names[task] == "page 1" => page1_cancelled = Some(r.t_us),
            Event::FetchStart {
                task: Some(task), ..
            } if names[task] == "page 2" => page2_started = Some(r.t_us),
            _ => {}
        }
    }
    assert_eq!(page1_cancelled, Some(300_000));
    assert_eq!(page2_started, Some(300_000));
    // The cancelled page's request was aborted; the other two completed.
    assert_eq!(
        trace
            .iter()
            .filter(|r| matches!(r.event, Event::FetchAbort { .. }))
            .count(),
        1
    );
}

#[test]
fn a_session_dropped_open_leaves_its_goodbye_unanswered() {
    let (report, trace) = common::run("12-streams", "close", &[("close", 0.0)]);
    assert_eq!(report.error, None);
    let goodbye_sent = trace.iter().any(
        |r| matches!(&r.event, Event::FetchStart { url, .. } if url.starts_with("api/page/101")),
    );
    let answers = trace
        .iter()
        .filter(|r| matches!(r.event, Event::FetchEnd { .. }))
        .count();
    assert!(goodbye_sent);
    assert_eq!(answers, 3, "the goodbye is never answered");
    let (_, trace) = common::run("12-streams", "close", &[]);
    let answers = trace
        .iter()
        .filter(|r| matches!(r.event, Event::FetchEnd { .. }))
        .count();
    assert_eq!(answers, 4);
}
