//! Diagnostics: a task whose waker was lost, a task that spins waking itself, and a poll that
//! holds the thread too long.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use executor::trace::{Diagnostic, Event};
use std::time::Duration;

use executor::{BUSY_POLLS, LONG_POLL_US, TaskState, busy, yield_now};

/// A future with the classic bug: it returns `Pending` without keeping the waker.
struct ForgetfulTimer {
    polled: bool,
}

impl Future for ForgetfulTimer {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.polled {
            Poll::Ready(())
        } else {
            self.polled = true;
            Poll::Pending // nobody will ever call wake()
        }
    }
}

/// A correct one, for contrast: it keeps the waker (and wakes it later).
struct KeepsWaker(Option<std::task::Waker>);

impl Future for KeepsWaker {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.0 = Some(cx.waker().clone());
        Poll::Pending
    }
}

fn diagnostics(log: &[executor::trace::Record]) -> Vec<(u64, Diagnostic)> {
    log.iter()
        .filter_map(|r| match r.event {
            Event::Diagnostic { task, problem } => Some((task, problem)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_pending_future_that_kept_no_waker_is_reported_as_a_lost_wakeup() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    let stuck = ex.spawn(ForgetfulTimer { polled: false });
    let fine = ex.spawn(KeepsWaker(None));
    ex.turn(usize::MAX);
    assert_eq!(diagnostics(&log.borrow()), [(1, Diagnostic::LostWakeup)]);
    assert_eq!(ex.inspect().tasks[0].state, TaskState::Stuck);
    assert_ne!(ex.inspect().tasks[1].state, TaskState::Stuck);
    assert_eq!(ex.snapshot().stats.lost_wakeups, 1);
    drop((stuck, fine));
}

#[test]
fn sleeping_fetching_and_joining_are_not_lost_wakeups() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    ex.block_on(async {
        let page = executor::spawn(executor::fetch("api/page/1?delay=20"));
        executor::sleep(std::time::Duration::from_millis(10)).await;
        // Polled twice while waiting: the second poll keeps the stored waker.
        page.await.unwrap().unwrap();
    })
    .unwrap();
    assert_eq!(diagnostics(&log.borrow()), []);
}

#[test]
fn a_task_that_keeps_waking_itself_is_reported_busy_once() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    ex.block_on(async {
        for _ in 0..(BUSY_POLLS * 2) {
            yield_now().await;
        }
    })
    .unwrap();
    assert_eq!(
        diagnostics(&log.borrow()),
        [(1, Diagnostic::BusySelfWake { polls: BUSY_POLLS })]
    );
    let stats = ex.snapshot().stats;
    assert_eq!(stats.self_wakes, u64::from(BUSY_POLLS * 2));
    assert_eq!(stats.busy_tasks, 1);
}

#[test]
fn a_poll_that_holds_the_thread_past_a_long_task_is_reported_with_its_length() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    let long = Duration::from_micros(LONG_POLL_US + 10_000);
    let hog = ex.spawn(async move { busy(long) });
    // Just under the threshold, in two polls: nothing to report.
    let fair = ex.spawn(async move {
        busy(Duration::from_micros(LONG_POLL_US - 1));
        yield_now().await;
        busy(Duration::from_micros(LONG_POLL_US - 1));
    });
    ex.block_on(async {
        hog.await.unwrap();
        fair.await.unwrap();
    })
    .unwrap();
    let long_polls: Vec<_> = log
        .borrow()
        .iter()
        .filter_map(|r| match r.event {
            Event::Diagnostic {
                task,
                problem: Diagnostic::LongPoll { ms },
            } => Some((task, ms)),
            _ => None,
        })
        .collect();
    // `hog` is task 1 (spawned first); `block_on`'s own task comes after `fair`.
    assert_eq!(long_polls, [(1, 60)]);
}
