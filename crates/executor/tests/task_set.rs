//! `TaskSet`: results as tasks finish, cancellation when the set goes, and `try_join_all`
//! leaving nothing running after an error.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use common::virtual_executor;
use executor::trace::{Event, Outcome};
use executor::{JoinError, SetError, TaskSet, sleep, spawn};
use proptest::prelude::*;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Counts the futures dropped, finished or not.
struct Dropped(Rc<Cell<u32>>);

impl Drop for Dropped {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[test]
fn dropping_a_set_cancels_its_tasks_where_a_dropped_handle_detaches() {
    let ex = virtual_executor();
    let log = ex.record_trace();
    let dropped = Rc::new(Cell::new(0));
    let detached_ran = Rc::new(Cell::new(false));
    ex.block_on({
        let (dropped, detached_ran) = (dropped.clone(), detached_ran.clone());
        async move {
            let mut set = TaskSet::new();
            for _ in 0..3 {
                let guard = Dropped(dropped.clone());
                set.spawn(async move {
                    sleep(ms(1000)).await;
                    drop(guard);
                });
            }
            // A lone handle dropped: its task goes on to the end.
            drop(spawn(async move {
                sleep(ms(50)).await;
                detached_ran.set(true);
            }));
            sleep(ms(10)).await;
            drop(set);
            sleep(ms(100)).await;
        }
    })
    .unwrap();
    assert_eq!(dropped.get(), 3, "each task's future was dropped");
    assert!(detached_ran.get());
    // Nobody waited the second the set's tasks were sleeping for.
    assert_eq!(ex.now(), ms(110));
    let cancelled = log
        .borrow()
        .iter()
        .filter(|r| {
            matches!(
                r.event,
                Event::Done {
                    outcome: Outcome::Cancelled,
                    ..
                }
            )
        })
        .count();
    assert_eq!(cancelled, 3);
    assert_eq!(ex.snapshot().live_tasks, 0);
}

#[test]
fn join_next_hands_out_each_task_once_then_none() {
    let ex = virtual_executor();
    let got = ex
        .block_on(async {
            let mut set = TaskSet::new();
            assert!(set.join_next().await.is_none());
            let ids: Vec<_> = [20, 0, 20]
                .into_iter()
                .map(|delay| {
                    set.spawn(async move {
                        sleep(ms(delay)).await;
                        delay
                    })
                })
                .collect();
            assert_eq!(set.len(), 3);
            let mut got = Vec::new();
            while let Some((id, result)) = set.join_next().await {
                got.push((ids.iter().position(|i| *i == id).unwrap(), result.unwrap()));
            }
            assert!(set.is_empty());
            got
        })
        .unwrap();
    // The quick one first; the two that end together in the order they were spawned.
    assert_eq!(got, [(1, 0), (0, 20), (2, 20)]);
}

#[test]
fn abort_all_hands_out_the_tasks_as_cancelled() {
    let ex = virtual_executor();
    let results = ex
        .block_on(async {
            let mut set = TaskSet::new();
            set.spawn(async { 1 });
            set.spawn(async {
                sleep(ms(500)).await;
                2
            });
            sleep(ms(1)).await; // the first has finished by now
            set.abort_all();
            let mut results = Vec::new();
            while let Some((_, result)) = set.join_next().await {
                results.push(result);
            }
            results
        })
        .unwrap();
    assert_eq!(results, [Ok(1), Err(JoinError::Cancelled)]);
    assert_eq!(ex.now(), ms(1));
}

#[test]
fn a_panic_fails_the_batch_and_cancels_the_rest() {
    let ex = virtual_executor();
    let result = ex
        .block_on(async {
            let mut set: TaskSet<Result<u32, String>> = TaskSet::new();
            set.spawn(async {
                sleep(ms(1000)).await;
                Ok(1)
            });
            set.spawn(async {
                sleep(ms(5)).await;
                panic!("page 2 was malformed");
            });
            set.try_join_all().await
        })
        .unwrap();
    assert_eq!(
        result,
        Err(SetError::Join(JoinError::Panicked(
            "page 2 was malformed".into()
        )))
    );
    assert_eq!(ex.now(), ms(5));
    assert_eq!(ex.snapshot().live_tasks, 0);
}

/// A task of a random batch: when it ends, and whether it fails.
#[derive(Clone, Debug)]
struct Job {
    delay_ms: u64,
    fails: bool,
}

fn job() -> impl Strategy<Value = Job> {
    (0..50u64, prop::bool::weighted(0.2)).prop_map(|(delay_ms, fails)| Job { delay_ms, fails })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// `try_join_all` gives every output in spawn order when nothing fails; otherwise the error
    /// of the first task to fail (ties to the one spawned first), at the moment it failed, with
    /// every other task ended.
    #[test]
    fn try_join_all_agrees_with_a_model(jobs in prop::collection::vec(job(), 0..12)) {
        let ex = virtual_executor();
        let result = ex
            .block_on({
                let jobs = jobs.clone();
                async move {
                    let mut set = TaskSet::new();
                    for (i, job) in jobs.into_iter().enumerate() {
                        set.spawn(async move {
                            sleep(ms(job.delay_ms)).await;
                            if job.fails { Err(i) } else { Ok(i * 10) }
                        });
                    }
                    set.try_join_all().await
                }
            })
            .unwrap();
        let first_failure = jobs
            .iter()
            .enumerate()
            .filter(|(_, j)| j.fails)
            .min_by_key(|(i, j)| (j.delay_ms, *i));
        match first_failure {
            Some((i, j)) => {
                prop_assert_eq!(result, Err(SetError::Failed(i)));
                prop_assert_eq!(ex.now(), ms(j.delay_ms));
            }
            None => {
                let all: Vec<usize> = (0..jobs.len()).map(|i| i * 10).collect();
                prop_assert_eq!(result, Ok(all));
                let longest = jobs.iter().map(|j| j.delay_ms).max().unwrap_or(0);
                prop_assert_eq!(ex.now(), ms(longest));
            }
        }
        prop_assert_eq!(ex.snapshot().live_tasks, 0);
    }
}
