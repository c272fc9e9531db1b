//! Sleeping: exact virtual times, and one host timer for every sleeper.

mod common;

use std::time::Duration;

use executor::trace::{Event, Record};
use executor::{now, sleep, spawn};

fn armed(log: &[Record]) -> Vec<u64> {
    log.iter()
        .filter_map(|r| match r.event {
            Event::TimerArmed { at_us } => Some(at_us),
            _ => None,
        })
        .collect()
}

#[test]
fn sleepers_wake_at_exactly_their_deadline_in_virtual_time() {
    let ex = common::virtual_executor();
    let woke = ex
        .block_on(async {
            let tasks: Vec<_> = [300u64, 100, 200]
                .into_iter()
                .map(|ms| {
                    spawn(async move {
                        sleep(Duration::from_millis(ms)).await;
                        now().as_millis()
                    })
                })
                .collect();
            let mut woke = Vec::new();
            for t in tasks {
                woke.push(t.await.unwrap());
            }
            woke
        })
        .unwrap();
    assert_eq!(woke, [300, 100, 200]);
    assert_eq!(ex.now(), Duration::from_millis(300));
}

#[test]
fn a_thousand_equal_sleeps_arm_the_host_timer_once() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    ex.block_on(async {
        let tasks: Vec<_> = (0..1000)
            .map(|_| spawn(sleep(Duration::from_millis(500))))
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    })
    .unwrap();
    let log = log.borrow();
    assert_eq!(armed(&log), [500_000], "one timer for a thousand sleepers");
    let sleeps = log
        .iter()
        .filter(|r| matches!(r.event, Event::Sleep { .. }))
        .count();
    assert_eq!(sleeps, 1000);
    let fired: u32 = log
        .iter()
        .filter_map(|r| match r.event {
            Event::TimerFired { woke } => Some(woke),
            _ => None,
        })
        .sum();
    assert_eq!(fired, 1000, "every sleeper woke from that one timer");
}

#[test]
fn the_timer_is_rearmed_only_for_an_earlier_deadline_or_after_firing() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    ex.block_on(async {
        // Deadlines arrive in the order 300, 500 (later: no re-arm), 100 (earlier: re-arm).
        let a = spawn(sleep(Duration::from_millis(300)));
        let b = spawn(sleep(Duration::from_millis(500)));
        let c = spawn(sleep(Duration::from_millis(100)));
        let _ = (a.await, b.await, c.await);
    })
    .unwrap();
    assert_eq!(armed(&log.borrow()), [300_000, 100_000, 300_000, 500_000]);
}

#[test]
fn a_dropped_sleep_leaves_no_deadline_behind() {
    let ex = common::virtual_executor();
    ex.block_on(async {
        let long = spawn(sleep(Duration::from_secs(3600)));
        sleep(Duration::from_millis(1)).await;
        long.abort();
        assert_eq!(executor::now(), Duration::from_millis(1));
    })
    .unwrap();
    assert_eq!(ex.snapshot().sleepers, 0);
    assert_eq!(
        ex.now(),
        Duration::from_millis(1),
        "the hour-long sleep never ran"
    );
}

#[test]
fn random_sleeps_never_have_more_than_one_timer_armed() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let durations: Vec<u64> = (0..2000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % 1000
        })
        .collect();
    let max = *durations.iter().max().unwrap();
    ex.block_on(async move {
        let tasks: Vec<_> = durations
            .into_iter()
            .map(|ms| {
                spawn(async move {
                    sleep(Duration::from_millis(ms)).await;
                    assert!(now() >= Duration::from_millis(ms), "woke early");
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    })
    .unwrap();
    assert_eq!(ex.now(), Duration::from_millis(max));
    // The host has a single timer slot: each arming replaces the last. It is re-armed at most
    // once per distinct deadline, far fewer times than there are sleepers.
    let arms = armed(&log.borrow()).len();
    assert!(arms <= 1000, "armed {arms} times for 2000 sleepers");
}

#[test]
fn sleepers_due_at_the_same_instant_wake_in_the_order_they_started_sleeping() {
    let ex = common::virtual_executor();
    let order = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let o = order.clone();
    ex.block_on(async move {
        // Free a few timer slots first, so slot numbers no longer follow spawn order.
        for ms in [5, 1, 3] {
            sleep(Duration::from_millis(ms)).await;
        }
        let tasks: Vec<_> = (1..=6)
            .map(|i| {
                let o = o.clone();
                spawn(async move {
                    sleep_until_ms(100).await;
                    o.borrow_mut().push(i);
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    })
    .unwrap();
    assert_eq!(*order.borrow(), [1, 2, 3, 4, 5, 6]);
}

fn sleep_until_ms(ms: u64) -> executor::Sleep {
    executor::sleep_until(Duration::from_millis(ms))
}
