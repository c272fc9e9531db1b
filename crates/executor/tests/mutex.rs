//! The async mutex on the virtual host: consistency across `.await`, fairness, cancellation.

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use executor::sync::Mutex;
use executor::{now, sleep, spawn, timeout, yield_now};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn increments_across_an_await_in_the_critical_section_are_never_lost() {
    let ex = common::virtual_executor();
    let total = ex
        .block_on(async {
            let counter = Rc::new(Mutex::new(0u32));
            let tasks: Vec<_> = (0..10)
                .map(|_| {
                    let counter = counter.clone();
                    spawn(async move {
                        let mut n = counter.lock().await;
                        let seen = *n;
                        sleep(ms(10)).await; // read, wait, write: a race without the lock
                        *n = seen + 1;
                    })
                })
                .collect();
            for t in tasks {
                t.await.unwrap();
            }

            *counter.lock().await
        })
        .unwrap();
    assert_eq!(total, 10);
    assert_eq!(
        ex.now(),
        ms(100),
        "the critical sections ran one after another"
    );
}

#[test]
fn the_lock_goes_to_waiters_in_arrival_order() {
    let ex = common::virtual_executor();
    let order = ex
        .block_on(async {
            let log = Rc::new(Mutex::new(Vec::new()));
            let guard = log.lock().await;
            let tasks: Vec<_> = (0..5)
                .map(|i| {
                    let log = log.clone();
                    spawn(async move {
                        let mut log = log.lock().await;
                        yield_now().await;
                        log.push(i);
                    })
                })
                .collect();
            yield_now().await; // all five are queued
            assert!(log.try_lock().is_none());
            drop(guard);
            for t in tasks {
                t.await.unwrap();
            }

            log.lock().await.clone()
        })
        .unwrap();
    assert_eq!(order, [0, 1, 2, 3, 4]);
}

#[test]
fn a_waiter_cancelled_while_queued_does_not_deadlock_the_others() {
    let ex = common::virtual_executor();
    let got = ex
        .block_on(async {
            let m = Rc::new(Mutex::new(Vec::new()));
            let guard = m.lock().await;
            let m1 = m.clone();
            let impatient = spawn(async move { timeout(ms(10), m1.lock()).await.is_err() });
            let m2 = m.clone();
            let patient = spawn(async move { m2.lock().await.push("patient") });
            assert!(impatient.await.unwrap(), "gave up at 10 ms");
            sleep(ms(10)).await;
            drop(guard);
            patient.await.unwrap();

            (m.lock().await.clone(), now())
        })
        .unwrap();
    assert_eq!(got, (vec!["patient"], ms(20)));
}

#[test]
fn a_waiter_aborted_after_being_handed_the_lock_passes_it_on() {
    let ex = common::virtual_executor();
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    ex.block_on(async move {
        let m = Rc::new(Mutex::new(()));
        let guard = m.lock().await;
        let (m1, l1) = (m.clone(), l.clone());
        let a = spawn(async move {
            let _g = m1.lock().await;
            l1.borrow_mut().push("a");
        });
        let (m2, l2) = (m.clone(), l.clone());
        let b = spawn(async move {
            let _g = m2.lock().await;
            l2.borrow_mut().push("b");
        });
        yield_now().await; // a, then b, wait for the lock
        drop(guard); // handed to a, not yet run
        a.abort();
        b.await.unwrap();
        assert!(m.try_lock().is_some(), "and the lock is free afterwards");
    })
    .unwrap();
    assert_eq!(*log.borrow(), ["b"]);
}
