//! `spawn_blocking` on the virtual host: inline by default, off the executor with a pool.

mod common;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use executor::blocking::{BlockingDone, BlockingJob, BlockingPool};
use executor::sync::Semaphore;
use executor::{Executor, join_all, now, sleep, spawn, spawn_blocking};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn reverse(mut bytes: Vec<u8>) -> Vec<u8> {
    bytes.reverse();
    bytes
}

/// A simulated pool of `workers` workers where every job takes `cost` of virtual time.
struct SlowPool {
    workers: Rc<Semaphore>,
    cost: Duration,
    started: Rc<Cell<u32>>,
}

impl BlockingPool for SlowPool {
    fn submit(&self, job: BlockingJob, done: BlockingDone) {
        let (workers, cost, started) = (self.workers.clone(), self.cost, self.started.clone());
        drop(spawn(async move {
            let _worker = workers.acquire().await.unwrap();
            started.set(started.get() + 1);
            sleep(cost).await;
            if job.name == "explode" {
                done.finish(Err("the worker crashed".into()));
            } else {
                done.finish(Ok(job.run_here()));
            }
        }));
    }
}

fn slow_pool(ex: &Executor, workers: usize, cost: Duration) -> Rc<Cell<u32>> {
    let started = Rc::new(Cell::new(0));
    ex.set_blocking_pool(Rc::new(SlowPool {
        workers: Rc::new(Semaphore::new(workers)),
        cost,
        started: started.clone(),
    }));
    started
}

#[test]
fn without_a_pool_a_job_runs_inline_at_once() {
    let ex = common::virtual_executor();
    let out = ex
        .block_on(async {
            let job = spawn_blocking("reverse", reverse, vec![1, 2, 3]);
            (job.await, now())
        })
        .unwrap();
    assert_eq!(out, (Ok(vec![3, 2, 1]), ms(0)));
}

#[test]
fn a_pool_runs_jobs_while_the_executor_keeps_going() {
    let ex = common::virtual_executor();
    slow_pool(&ex, 2, ms(100));
    let (outputs, ticks, end) = ex
        .block_on(async {
            let ticker = spawn(async {
                let mut ticks = 0;
                while now() < ms(200) {
                    sleep(ms(10)).await;
                    ticks += 1;
                }
                ticks
            });
            let jobs = (0..4u8).map(|i| spawn_blocking("reverse", reverse, vec![i, 9]));
            let outputs = join_all(jobs).await;
            (outputs, ticker.await.unwrap(), now())
        })
        .unwrap();
    let outputs: Vec<_> = outputs.into_iter().map(Result::unwrap).collect();
    assert_eq!(outputs, [[9, 0], [9, 1], [9, 2], [9, 3]]);
    assert_eq!(end, ms(200)); // four 100 ms jobs on two workers
    assert_eq!(ticks, 20); // the executor was never blocked
}

#[test]
fn a_failed_job_says_which_and_why() {
    let ex = common::virtual_executor();
    slow_pool(&ex, 1, ms(5));
    let err = ex
        .block_on(spawn_blocking("explode", reverse, vec![]))
        .unwrap()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the blocking job `explode` failed: the worker crashed"
    );
}

#[test]
fn a_dropped_job_still_runs_and_its_output_is_thrown_away() {
    let ex = common::virtual_executor();
    let started = slow_pool(&ex, 1, ms(50));
    let end = ex
        .block_on(async {
            drop(spawn_blocking("reverse", reverse, vec![1]));
            sleep(ms(100)).await;
            now()
        })
        .unwrap();
    assert_eq!(end, ms(100));
    assert_eq!(started.get(), 1);
    assert_eq!(ex.snapshot().live_tasks, 0);
}
