//! The semaphore on the virtual host: bounded concurrency, fairness, cancellation, closing.

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use executor::sync::{Semaphore, TryAcquireError};
use executor::{now, sleep, spawn, yield_now};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn a_semaphore_of_3_over_9_tasks_of_100_ms_ends_at_exactly_300_ms() {
    let ex = common::virtual_executor();
    ex.block_on(async {
        let sem = Rc::new(Semaphore::new(3));
        let tasks: Vec<_> = (0..9)
            .map(|_| {
                let sem = sem.clone();
                spawn(async move {
                    let _permit = sem.acquire().await.unwrap();
                    sleep(ms(100)).await;
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(sem.available_permits(), 3);
    })
    .unwrap();
    assert_eq!(ex.now(), ms(300));
}

#[test]
fn never_more_than_three_hold_a_permit_at_once() {
    let ex = common::virtual_executor();
    let holders = Rc::new(Cell::new(0));
    let most = Rc::new(Cell::new(0));
    let (h, m) = (holders.clone(), most.clone());
    ex.block_on(async move {
        let sem = Rc::new(Semaphore::new(3));
        let tasks: Vec<_> = (0..20u64)
            .map(|i| {
                let (sem, h, m) = (sem.clone(), h.clone(), m.clone());
                spawn(async move {
                    let permit = sem.acquire_owned().await.unwrap();
                    h.set(h.get() + 1);
                    m.set(m.get().max(h.get()));
                    sleep(ms(10 + i % 7 * 13)).await; // uneven work
                    h.set(h.get() - 1);
                    drop(permit);
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    })
    .unwrap();
    assert_eq!(
        most.get(),
        3,
        "the pool was used fully and never overfilled"
    );
    assert_eq!(holders.get(), 0);
}

#[test]
fn waiters_get_permits_in_the_order_they_asked() {
    let ex = common::virtual_executor();
    let order = ex
        .block_on(async {
            let sem = Rc::new(Semaphore::new(1));
            let order = Rc::new(RefCell::new(Vec::new()));
            let held = sem.acquire().await.unwrap();
            let tasks: Vec<_> = (0..6)
                .map(|i| {
                    let (sem, order) = (sem.clone(), order.clone());
                    spawn(async move {
                        let _p = sem.acquire().await.unwrap();
                        order.borrow_mut().push(i);
                        sleep(ms(5)).await;
                    })
                })
                .collect();
            yield_now().await; // everyone is queued
            drop(held);
            for t in tasks {
                t.await.unwrap();
            }

            order.borrow().clone()
        })
        .unwrap();
    assert_eq!(order, [0, 1, 2, 3, 4, 5]);
    assert_eq!(ex.now(), ms(30));
}

#[test]
fn a_released_permit_goes_to_the_head_of_the_queue_not_to_a_later_arrival() {
    let ex = common::virtual_executor();
    let order = ex
        .block_on(async {
            let sem = Rc::new(Semaphore::new(1));
            let order = Rc::new(RefCell::new(Vec::new()));
            let held = sem.acquire().await.unwrap();
            let (s, o) = (sem.clone(), order.clone());
            let first = spawn(async move {
                let _p = s.acquire().await.unwrap();
                o.borrow_mut().push("queued first");
            });
            yield_now().await; // `first` waits in the queue
            drop(held); // handed to `first`, which has not run yet
            assert_eq!(sem.available_permits(), 0);
            assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
            let _p = sem.acquire().await.unwrap(); // a later arrival waits its turn
            order.borrow_mut().push("arrived later");
            first.await.unwrap();

            order.borrow().clone()
        })
        .unwrap();
    assert_eq!(order, ["queued first", "arrived later"]);
}

#[test]
fn aborting_tasks_that_wait_on_acquire_leaks_no_permit() {
    let ex = common::virtual_executor();
    ex.block_on(async {
        let sem = Rc::new(Semaphore::new(3));
        let work = |sem: Rc<Semaphore>| {
            spawn(async move {
                let _p = sem.acquire().await.unwrap();
                sleep(ms(100)).await;
            })
        };
        let busy: Vec<_> = (0..3).map(|_| work(sem.clone())).collect();
        let waiting: Vec<_> = (0..4).map(|_| work(sem.clone())).collect();
        sleep(ms(50)).await;
        // Aborted while still queued.
        waiting[1].abort();
        sleep(ms(50)).await;
        // At 100 ms the three holders finished and handed their permits to waiting[0],
        // [2] and [3]; abort one of them before (or after) it runs.
        waiting[2].abort();
        for t in busy {
            t.await.unwrap();
        }
        for t in waiting {
            let _ = t.await;
        }
        assert_eq!(sem.available_permits(), 3, "every permit came back");
        assert_eq!(now(), ms(200));
    })
    .unwrap();
}

#[test]
fn a_waiter_aborted_after_being_granted_passes_its_permit_on() {
    let ex = common::virtual_executor();
    ex.block_on(async {
        let sem = Rc::new(Semaphore::new(1));
        let held = sem.acquire().await.unwrap();
        let s = sem.clone();
        let a = spawn(async move { s.acquire().await.map(drop) });
        let s = sem.clone();
        let b = spawn(async move {
            let _p = s.acquire().await.unwrap();
            sleep(ms(10)).await;
        });
        yield_now().await; // a then b are queued
        drop(held); // granted to a, which is woken but not run
        a.abort(); // its permit must go on to b
        b.await.unwrap();
        assert_eq!(now(), ms(10));
        assert_eq!(sem.available_permits(), 1);
    })
    .unwrap();
}

#[test]
fn close_wakes_every_waiter_with_an_error() {
    let ex = common::virtual_executor();
    ex.block_on(async {
        let sem = Rc::new(Semaphore::new(1));
        let held = sem.acquire().await.unwrap();
        let waiters: Vec<_> = (0..3)
            .map(|_| {
                let s = sem.clone();
                spawn(async move { s.acquire().await.is_err() })
            })
            .collect();
        sleep(ms(5)).await;
        sem.close();
        for w in waiters {
            assert!(w.await.unwrap(), "a waiter got AcquireError");
        }
        assert!(sem.acquire().await.is_err(), "and so does a later acquire");
        assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::Closed);
        drop(held); // a permit held across close stays valid and returns
        assert_eq!(sem.available_permits(), 1);
        assert_eq!(now(), ms(5));
    })
    .unwrap();
}

#[test]
fn add_permits_wakes_waiters() {
    let ex = common::virtual_executor();
    ex.block_on(async {
        let sem = Rc::new(Semaphore::new(0));
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let s = sem.clone();
                spawn(async move { s.acquire_owned().await.unwrap().semaphore().clone() })
            })
            .collect();
        sleep(ms(7)).await;
        sem.add_permits(3);
        for w in waiters {
            drop(w.await.unwrap());
        }
        assert_eq!(sem.available_permits(), 3);
        assert_eq!(now(), ms(7));
    })
    .unwrap();
}
