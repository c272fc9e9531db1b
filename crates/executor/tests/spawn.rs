//! Spawning, joining, detaching and aborting tasks on the virtual host.

mod common;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use executor::trace::{Event, Outcome};
use executor::{JoinError, sleep, spawn};

#[test]
fn join_handles_return_each_tasks_output() {
    let ex = common::virtual_executor();
    let out = ex
        .block_on(async {
            let a = spawn(async { "a" });
            let b = spawn(async { 2 });
            (a.await.unwrap(), b.await.unwrap())
        })
        .unwrap();
    assert_eq!(out, ("a", 2));
    assert_eq!(
        ex.snapshot().live_tasks,
        0,
        "joined tasks leave nothing behind"
    );
}

#[test]
fn a_dropped_handle_detaches_and_the_task_still_runs() {
    let ex = common::virtual_executor();
    let ran = Rc::new(Cell::new(false));
    let flag = ran.clone();
    ex.block_on(async move {
        drop(spawn(async move {
            sleep(Duration::from_millis(10)).await;
            flag.set(true);
        }));
        sleep(Duration::from_millis(20)).await;
    })
    .unwrap();
    assert!(ran.get());
    assert_eq!(
        ex.snapshot().live_tasks,
        0,
        "a detached task frees its slot when done"
    );
}

#[test]
fn abort_cancels_a_sleeping_task_and_drops_its_future() {
    struct Flag(Rc<Cell<bool>>);
    impl Drop for Flag {
        fn drop(&mut self) {
            self.0.set(true);
        }
    }
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    let dropped = Rc::new(Cell::new(false));
    let flag = Flag(dropped.clone());
    let result = ex
        .block_on(async move {
            let task = spawn(async move {
                let _flag = flag;
                sleep(Duration::from_secs(10)).await;
                "finished"
            });
            sleep(Duration::from_millis(5)).await;
            assert!(!task.is_finished());
            task.abort();
            assert!(task.is_finished());
            task.await
        })
        .unwrap();
    assert_eq!(result, Err(JoinError::Cancelled));
    assert!(dropped.get(), "the aborted future was dropped");
    assert_eq!(
        ex.now(),
        Duration::from_millis(5),
        "nobody waited for the 10 s sleep"
    );
    assert!(log.borrow().iter().any(|r| matches!(
        r.event,
        Event::Done {
            outcome: Outcome::Cancelled,
            ..
        }
    )));
}

#[test]
fn a_task_can_abort_itself_and_stops_at_its_next_await() {
    let ex = common::virtual_executor();
    let reached = Rc::new(Cell::new(0));
    let r = reached.clone();
    let out = ex
        .block_on(async move {
            let me: Rc<Cell<Option<executor::JoinHandle<()>>>> = Rc::new(Cell::new(None));
            let slot = me.clone();
            let handle = spawn(async move {
                r.set(1);
                executor::yield_now().await;
                if let Some(h) = slot.take() {
                    h.abort();
                    slot.set(Some(h));
                }
                r.set(2);
                executor::yield_now().await;
                r.set(3);
            });
            // Hand the task its own handle through the cell; join through a second wait.
            me.set(Some(handle));
            sleep(Duration::from_millis(1)).await;
            me.take().unwrap().await
        })
        .unwrap();
    assert_eq!(out, Err(JoinError::Cancelled));
    assert_eq!(
        reached.get(),
        2,
        "the poll that aborted finished; the next never ran"
    );
}

#[test]
fn spawned_tasks_record_their_parent_and_name() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    ex.block_on(async {
        executor::spawn_named("child", async {}).await.unwrap();
    })
    .unwrap();
    let log = log.borrow();
    let spawns: Vec<_> = log
        .iter()
        .filter_map(|r| match &r.event {
            Event::Spawn { task, name, parent } => Some((*task, name.clone(), *parent)),
            _ => None,
        })
        .collect();
    assert_eq!(spawns[0], (1, Some("main".into()), None));
    assert_eq!(spawns[1], (2, Some("child".into()), Some(1)));
}

#[test]
fn a_future_that_never_finishes_is_reported_as_stalled() {
    let ex = common::virtual_executor();
    let err = ex.block_on(std::future::pending::<()>()).unwrap_err();
    assert!(err.to_string().contains("stalled"), "{err}");
}

#[test]
fn thousands_of_tasks_run_and_leave_no_slot_behind() {
    let ex = common::virtual_executor();
    let sum = ex
        .block_on(async {
            let handles: Vec<_> = (0..5000u64).map(|i| spawn(async move { i })).collect();
            let mut sum = 0;
            for h in handles {
                sum += h.await.unwrap();
            }
            sum
        })
        .unwrap();
    assert_eq!(sum, (0..5000).sum::<u64>());
    assert_eq!(ex.snapshot().live_tasks, 0);
    assert_eq!(ex.snapshot().stats.spawned, 5001);
}
