//! Lesson 0's two tiny runs on the virtual host: taking turns on one thread, two workers at once.

use replay::{LaneOf, SegmentKind, timeline};

mod common;

#[test]
fn two_tasks_on_one_thread_take_turns_and_add_up() {
    let knobs = [("slices", 4.0), ("slice_ms", 50.0)];
    let (report, trace) = common::run("00-concepts", "interleave", &knobs);
    assert_eq!(report.error, None);
    assert_eq!(report.elapsed_ms, 2.0 * 4.0 * 50.0);
    let lines: Vec<&str> = report.output.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        lines[..4],
        [
            "A: slice 1 done",
            "B: slice 1 done",
            "A: slice 2 done",
            "B: slice 2 done"
        ]
    );
    // The running stretches of A and B never overlap: concurrent, not parallel.
    let lanes = timeline(&trace);
    let running = |label: &str| -> Vec<(u64, u64)> {
        let lane = lanes.iter().find(|l| l.label == label).unwrap();
        lane.segments
            .iter()
            .filter(|s| s.kind == SegmentKind::Running)
            .map(|s| (s.start_us, s.end_us.unwrap()))
            .collect()
    };
    for (a0, a1) in running("A") {
        for (b0, b1) in running("B") {
            assert!(a1 <= b0 || b1 <= a0, "A {a0}..{a1} overlaps B {b0}..{b1}");
        }
    }
}

#[test]
fn two_workers_run_at_once_and_take_one_jobs_time_plus_start_up() {
    let knobs = [("slices", 4.0), ("slice_ms", 50.0)];
    let (report, trace) = common::run("00-concepts", "parallel", &knobs);
    assert_eq!(report.error, None);
    let startup = tutor::threads::VIRTUAL_STARTUP.as_millis() as f64;
    assert_eq!(report.elapsed_ms, 2.0 * startup + 4.0 * 50.0);
    let jobs: Vec<(u64, u64)> = timeline(&trace)
        .iter()
        .filter(|l| matches!(l.of, LaneOf::Worker(_)))
        .flat_map(|l| l.segments.iter().filter(|s| s.kind == SegmentKind::Job))
        .map(|s| (s.start_us, s.end_us.unwrap()))
        .collect();
    assert_eq!(jobs.len(), 2);
    assert_eq!(
        jobs[0], jobs[1],
        "both jobs run over the same stretch of time"
    );
    // Faster than taking turns on one thread, by less than 2: the start-up costs.
    let (one_thread, _) = common::run("00-concepts", "interleave", &knobs);
    assert!(report.elapsed_ms < one_thread.elapsed_ms);
    // What the workers printed reaches the card, marked with their numbers.
    let from_workers = report
        .output
        .iter()
        .filter(|l| l.text.starts_with("[worker "))
        .count();
    assert_eq!(from_workers, 8);
}
