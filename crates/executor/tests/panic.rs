//! A panicking task fails its own handle, and nothing else.

mod common;

use std::time::Duration;

use executor::trace::{Event, Outcome};
use executor::{JoinError, sleep, spawn};

#[test]
fn a_panic_fails_only_the_panicking_tasks_handle() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    let (bad, good) = ex
        .block_on(async {
            let bad = spawn(async {
                sleep(Duration::from_millis(10)).await;
                panic!("page 3 was malformed");
            });
            let good = spawn(async {
                sleep(Duration::from_millis(20)).await;
                "page 4"
            });
            let bad: Result<(), JoinError> = bad.await;
            (bad, good.await)
        })
        .unwrap();
    assert_eq!(bad, Err(JoinError::Panicked("page 3 was malformed".into())));
    assert_eq!(good, Ok("page 4"));
    assert!(log.borrow().iter().any(|r| matches!(
        &r.event,
        Event::Done { outcome: Outcome::Panicked(m), .. } if m == "page 3 was malformed"
    )));
}

#[test]
fn the_executor_keeps_working_after_a_detached_task_panics() {
    let ex = common::virtual_executor();
    let out = ex
        .block_on(async {
            drop(spawn(async { panic!("nobody is listening") }));
            sleep(Duration::from_millis(1)).await;
            spawn(async { 7 }).await.unwrap()
        })
        .unwrap();
    assert_eq!(out, 7);
    assert_eq!(ex.snapshot().live_tasks, 0);
}

#[test]
fn a_panic_message_survives_formatting() {
    let ex = common::virtual_executor();
    let err = ex
        .block_on(async {
            let n = 3;
            spawn(async move { panic!("bad page {n}") })
                .await
                .unwrap_err()
        })
        .unwrap();
    assert_eq!(err.to_string(), "task panicked: bad page 3");
}
