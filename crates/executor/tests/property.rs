//! Random programs of spawns, sleeps, yields, nested spawns and aborts: no task is ever lost,
//! no finished future is polled again, and the executor always ends empty.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use executor::trace::{Event, Outcome};
use executor::{JoinError, JoinHandle, sleep, spawn, yield_now};
use proptest::prelude::*;

/// Panics if its future is polled after it returned `Ready`.
struct Checked<F> {
    inner: Pin<Box<F>>,
    done: bool,
}

impl<F: Future> Future for Checked<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        assert!(!self.done, "a finished future was polled again");
        let out = self.inner.as_mut().poll(cx);
        if out.is_ready() {
            self.done = true;
        }
        out
    }
}

fn checked<F: Future>(f: F) -> Checked<F> {
    Checked {
        inner: Box::pin(f),
        done: false,
    }
}

#[derive(Clone, Debug)]
enum Step {
    /// Spawn a task that sleeps, yields `yields` times, maybe spawns a child, and finishes.
    Spawn {
        sleep_ms: u64,
        yields: u8,
        child_ms: Option<u64>,
    },
    /// Abort the n-th task spawned so far (if any).
    Abort(usize),
    /// Drop (detach) the n-th handle.
    Detach(usize),
    /// Let the program's own clock advance.
    Wait(u64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0u64..200, 0u8..4, proptest::option::of(0u64..100))
            .prop_map(|(sleep_ms, yields, child_ms)| Step::Spawn { sleep_ms, yields, child_ms }),
        1 => (0usize..32).prop_map(Step::Abort),
        1 => (0usize..32).prop_map(Step::Detach),
        1 => (0u64..150).prop_map(Step::Wait),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_programs_lose_no_task_and_end_empty(steps in proptest::collection::vec(step(), 1..40)) {
        let ex = common::virtual_executor();
        let log = ex.record_trace();
        let finished = Rc::new(Cell::new(0u32));
        let results: Rc<RefCell<Vec<Result<(), JoinError>>>> = Rc::default();
        let (f, r) = (finished.clone(), results.clone());
        ex.block_on(checked(async move {
            let mut handles: Vec<Option<JoinHandle<()>>> = Vec::new();
            for step in steps {
                match step {
                    Step::Spawn { sleep_ms, yields, child_ms } => {
                        let f = f.clone();
                        handles.push(Some(spawn(checked(async move {
                            sleep(Duration::from_millis(sleep_ms)).await;
                            for _ in 0..yields {
                                yield_now().await;
                            }
                            if let Some(ms) = child_ms {
                                let f = f.clone();
                                drop(spawn(checked(async move {
                                    sleep(Duration::from_millis(ms)).await;
                                    f.set(f.get() + 1);
                                })));
                            }
                            f.set(f.get() + 1);
                        }))));
                    }
                    Step::Abort(i) => {
                        if let Some(Some(h)) = handles.get(i) {
                            h.abort();
                        }
                    }
                    Step::Detach(i) => {
                        if let Some(h) = handles.get_mut(i) {
                            h.take();
                        }
                    }
                    Step::Wait(ms) => sleep(Duration::from_millis(ms)).await,
                }
            }
            for h in handles.into_iter().flatten() {
                let result = h.await;
                r.borrow_mut().push(result);
            }
            // Let detached tasks and children finish before the program ends.
            sleep(Duration::from_millis(400)).await;
        }))
        .unwrap();

        let log = log.borrow();
        let spawned = log.iter().filter(|r| matches!(r.event, Event::Spawn { .. })).count();
        let done: Vec<&Outcome> = log
            .iter()
            .filter_map(|r| match &r.event {
                Event::Done { outcome, .. } => Some(outcome),
                _ => None,
            })
            .collect();
        // Every task ended exactly once, finished or cancelled, and none panicked.
        prop_assert_eq!(done.len(), spawned);
        prop_assert!(!done.iter().any(|o| matches!(o, Outcome::Panicked(_))));
        let cancelled = done.iter().filter(|o| ***o == Outcome::Cancelled).count();
        prop_assert_eq!(finished.get() as usize + cancelled + 1, spawned, "the +1 is main");
        // Joined handles agree with the trace.
        prop_assert!(results.borrow().iter().all(|r| matches!(r, Ok(()) | Err(JoinError::Cancelled))));
        // Nothing is left behind.
        let end = ex.snapshot();
        prop_assert_eq!(end.live_tasks, 0);
        prop_assert_eq!(end.sleepers, 0);
        prop_assert_eq!(end.ready, 0);
        prop_assert_eq!(end.stats.lost_wakeups, 0);
    }
}
