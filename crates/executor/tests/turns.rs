//! Turns on the trace: each begins with its budget and ends with its polls and why it ended.

mod common;

use std::time::Duration;

use executor::trace::{Event, Record, TurnStop};
use executor::{TURN_SLICE_US, busy, sleep, yield_now};

/// The turns the trace shows: (budget, polls, why), in order; a turn whose end is missing fails.
fn turns(log: &[Record]) -> Vec<(u32, u32, TurnStop)> {
    let mut out = Vec::new();
    let mut open = None;
    for r in log {
        match r.event {
            Event::TurnStart { budget } => {
                assert!(open.is_none(), "a turn began inside another");
                open = Some(budget);
            }
            Event::TurnEnd { polls, why } => {
                let budget = open.take().expect("a turn ended that had not begun");
                out.push((budget, polls, why));
            }
            Event::PollStart { .. } => assert!(open.is_some(), "a poll outside any turn"),
            _ => {}
        }
    }
    assert!(open.is_none(), "the last turn never ended");
    out
}

#[test]
fn a_turn_polls_every_ready_task_then_ends_idle() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    for _ in 0..3 {
        drop(ex.spawn(async {}));
    }
    assert_eq!(ex.turn(4096), 3);
    assert_eq!(turns(&log.borrow()), [(4096, 3, TurnStop::Idle)]);
}

#[test]
fn a_turn_that_uses_its_budget_ends_and_the_next_one_goes_on() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    for _ in 0..5 {
        drop(ex.spawn(async {}));
    }
    assert_eq!(ex.turn(2), 2);
    assert_eq!(ex.turn(2), 2);
    assert_eq!(ex.turn(2), 1);
    assert_eq!(
        turns(&log.borrow()),
        [
            (2, 2, TurnStop::Budget),
            (2, 2, TurnStop::Budget),
            (2, 1, TurnStop::Idle)
        ]
    );
}

#[test]
fn a_turn_ends_once_its_time_slice_is_used_even_with_budget_left() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    // A task that computes for 100 µs and yields, forever: each poll costs 100 µs of the slice.
    drop(ex.spawn(async {
        loop {
            busy(Duration::from_micros(100));
            yield_now().await;
        }
    }));
    let polls = ex.turn(usize::MAX);
    let seen = turns(&log.borrow());
    assert_eq!(seen, [(u32::MAX, polls as u32, TurnStop::Slice)]);
    // The clock is read after 1, 2, 4, … polls: the turn ends at the first reading past the
    // slice, so within twice the slice.
    assert!(polls.is_power_of_two(), "{polls} polls");
    assert!(
        polls as u64 * 100 >= TURN_SLICE_US,
        "{polls} polls of 100 µs"
    );
    assert!(
        (polls as u64 / 2) * 100 < TURN_SLICE_US,
        "{polls} polls of 100 µs"
    );
    assert_eq!(polls, 64);
}

#[test]
fn a_turn_with_nothing_to_do_is_not_a_turn() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    assert_eq!(ex.turn(4096), 0);
    assert!(log.borrow().is_empty(), "{:?}", log.borrow());
    assert_eq!(ex.snapshot().stats.turns, 0);
}

#[test]
fn a_turn_of_slow_polls_ends_soon_after_its_slice() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    // 10 ms a poll: more than the whole slice in one.
    drop(ex.spawn(async {
        loop {
            busy(Duration::from_millis(10));
            yield_now().await;
        }
    }));
    assert_eq!(ex.turn(usize::MAX), 1);
    assert_eq!(ex.turn(usize::MAX), 1);
    // A cheap task queued behind it waits for the next turn, which it begins: the clock,
    // read after each of the first two polls, says the slice is gone after the slow one.
    drop(ex.spawn(async {}));
    assert_eq!(ex.turn(usize::MAX), 1);
    assert_eq!(ex.turn(usize::MAX), 2);
    let seen = turns(&log.borrow());
    assert!(seen.iter().all(|t| t.2 == TurnStop::Slice), "{seen:?}");
}

#[test]
fn in_step_mode_a_turn_ends_paused() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    ex.set_step_mode(true);
    drop(ex.spawn(async {}));
    drop(ex.spawn(async {}));
    ex.step();
    assert_eq!(ex.turn(4096), 1);
    assert_eq!(turns(&log.borrow()), [(4096, 1, TurnStop::Paused)]);
}

#[test]
fn timers_fire_at_the_start_of_a_turn_before_its_polls() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    ex.block_on(async {
        sleep(Duration::from_millis(10)).await;
    })
    .unwrap();
    let log = log.borrow();
    let fired = log
        .iter()
        .position(|r| matches!(r.event, Event::TimerFired { .. }))
        .expect("the timer fired");
    assert!(
        matches!(log[fired - 1].event, Event::TurnStart { .. }),
        "{:?} before the timer fired",
        log[fired - 1].event
    );
    // Two turns: the first polls the task (it sleeps), the second fires the timer and polls it
    // to the end. (`block_on` also checks for work between them, which is not a turn.)
    let seen = turns(&log);
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(
        seen.iter().all(|t| t.1 == 1 && t.2 == TurnStop::Idle),
        "{seen:?}"
    );
}
