//! Step mode and the inspector's view of the executor.

mod common;

use std::time::Duration;

use executor::trace::{Event, Record, WaitOn};
use executor::{TaskState, fetch, sleep};

/// The tasks the trace says the executor paused before, in order.
fn pauses(log: &[Record]) -> Vec<u64> {
    log.iter()
        .filter_map(|r| match r.event {
            Event::Paused { next } => Some(next),
            _ => None,
        })
        .collect()
}

#[test]
fn step_mode_polls_one_task_per_step_and_says_which_is_next() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    ex.set_step_mode(true);
    for _ in 0..3 {
        drop(ex.spawn(async {}));
    }
    assert_eq!(ex.turn(usize::MAX), 0);
    assert!(ex.inspect().paused);
    assert_eq!(ex.inspect().ready, [1, 2, 3]);
    for expected_ready in [vec![2, 3], vec![3], vec![]] {
        ex.step();
        assert_eq!(ex.turn(usize::MAX), 1);
        assert_eq!(ex.inspect().ready, expected_ready);
    }
    let paused = pauses(&log.borrow());
    assert_eq!(paused, [1, 2, 3], "one pause before each poll");
}

#[test]
fn run_to_end_leaves_step_mode() {
    let ex = common::virtual_executor();
    ex.set_step_mode(true);
    for _ in 0..5 {
        drop(ex.spawn(async {}));
    }
    ex.step();
    ex.step();
    assert_eq!(ex.turn(usize::MAX), 2);
    ex.run_to_end();
    assert_eq!(ex.turn(usize::MAX), 3);
    assert!(!ex.inspect().paused);
}

#[test]
fn block_on_runs_to_the_end_even_in_step_mode() {
    let ex = common::virtual_executor();
    ex.set_step_mode(true);
    let out = ex
        .block_on(async {
            sleep(Duration::from_millis(5)).await;
            7
        })
        .unwrap();
    assert_eq!(out, 7);
    // Still in step mode afterwards.
    drop(ex.spawn(async {}));
    assert_eq!(ex.turn(usize::MAX), 0);
}

#[test]
fn the_inspector_says_what_each_task_waits_for() {
    let ex = common::virtual_executor();
    let sleeper = ex.spawn(sleep(Duration::from_secs(1)));
    let fetcher = ex.spawn(fetch("api/page/1?delay=500"));
    let joiner = ex.spawn(async move { sleeper.await.unwrap() });
    ex.turn(usize::MAX);
    let view = ex.inspect();
    let states: Vec<_> = view.tasks.iter().map(|t| (t.id, t.state)).collect();
    assert_eq!(
        states,
        [
            (1, TaskState::Waiting(WaitOn::Timer)),
            (2, TaskState::Waiting(WaitOn::Network(1))),
            (3, TaskState::Waiting(WaitOn::Task(1))),
        ]
    );
    assert_eq!(view.requests_in_flight, 1);
    assert_eq!(view.sleepers, 2, "the sleep and the simulated transfer");
    assert_eq!(view.alarm_us, Some(500_000));
    drop((fetcher, joiner));
}

#[test]
fn requests_in_flight_count_down_when_they_end_or_are_dropped() {
    let ex = common::virtual_executor();
    ex.block_on(async {
        let slow = executor::spawn(fetch("api/page/1?delay=900"));
        fetch("api/page/2?delay=100").await.unwrap();
        slow.abort();
    })
    .unwrap();
    assert_eq!(ex.inspect().requests_in_flight, 0);
}

#[test]
fn the_inspector_tells_done_failed_and_cancelled_apart() {
    let ex = common::virtual_executor();
    let done = ex.spawn(async { 1 });
    let failed = ex.spawn(async { panic!("boom") });
    let cancelled = ex.spawn(executor::sleep(Duration::from_secs(1)));
    ex.turn(usize::MAX);
    cancelled.abort();
    let states: Vec<_> = ex.inspect().tasks.iter().map(|t| (t.id, t.state)).collect();
    assert_eq!(
        states,
        [
            (done.id(), TaskState::Done),
            (failed.id(), TaskState::Failed),
            (cancelled.id(), TaskState::Cancelled),
        ]
    );
}

#[test]
fn a_paused_executor_says_at_once_which_task_a_step_would_poll() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    ex.set_step_mode(true);
    let _main = ex.spawn(async {});
    // No turn has run, yet the trace already names the next task.
    let paused = pauses(&log.borrow());
    assert_eq!(paused, [1]);
    assert!(ex.inspect().paused);
}
