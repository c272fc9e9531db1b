//! `join` and `join_all`: several futures in one task, finishing when the slowest does.

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use executor::trace::Event;
use executor::{fetch, join, join_all, now, sleep};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn join_of_two_sleeps_ends_with_the_longer_one() {
    let ex = common::virtual_executor();
    let out = ex
        .block_on(join(
            async {
                sleep(ms(100)).await;
                ("a", now())
            },
            async {
                sleep(ms(300)).await;
                ("b", now())
            },
        ))
        .unwrap();
    assert_eq!(out, (("a", ms(100)), ("b", ms(300))));
    assert_eq!(ex.now(), ms(300));
}

#[test]
fn join_spawns_no_tasks() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    ex.block_on(join(sleep(ms(1)), sleep(ms(2)))).unwrap();
    let spawns = log
        .borrow()
        .iter()
        .filter(|r| matches!(r.event, Event::Spawn { .. }))
        .count();
    assert_eq!(spawns, 1, "only block_on's main task");
}

#[test]
fn join_all_of_ten_fetches_takes_one_fetch_time_and_keeps_input_order() {
    let ex = common::virtual_executor();
    let pages = ex
        .block_on(join_all(
            (1..=10).map(|n| fetch(format!("api/page/{n}?delay=1000"))),
        ))
        .unwrap();
    assert_eq!(ex.now(), ms(1000));
    assert_eq!(pages.len(), 10);
    for (i, page) in pages.into_iter().enumerate() {
        let page = page.unwrap();
        assert!(
            page.text().contains(&format!("Page {}", i + 1)),
            "output {i} is page {}",
            i + 1
        );
    }
}

#[test]
fn join_all_outputs_follow_input_order_not_finishing_order() {
    let ex = common::virtual_executor();
    let finished = Rc::new(RefCell::new(Vec::new()));
    let delays = [300u64, 100, 200];
    let f = finished.clone();
    let out = ex
        .block_on(join_all(delays.map(|d| {
            let f = f.clone();
            async move {
                sleep(ms(d)).await;
                f.borrow_mut().push(d);
                d
            }
        })))
        .unwrap();
    assert_eq!(out, [300, 100, 200]);
    assert_eq!(*finished.borrow(), [100, 200, 300]);
    assert_eq!(ex.now(), ms(300));
}

#[test]
fn join_all_of_nothing_is_ready_at_once() {
    let ex = common::virtual_executor();
    let out = ex
        .block_on(join_all(Vec::<std::future::Ready<u8>>::new()))
        .unwrap();
    assert!(out.is_empty());
    assert_eq!(ex.now(), ms(0));
}

#[test]
fn a_dropped_join_all_aborts_its_fetches() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    ex.block_on(async {
        let all = executor::spawn(join_all(
            (1..=3).map(|n| fetch(format!("api/page/{n}?delay=5000"))),
        ));
        sleep(ms(10)).await;
        all.abort();
    })
    .unwrap();
    let aborts = log
        .borrow()
        .iter()
        .filter(|r| matches!(r.event, Event::FetchAbort { .. }))
        .count();
    assert_eq!(aborts, 3);
    assert_eq!(ex.snapshot().sleepers, 0);
}
