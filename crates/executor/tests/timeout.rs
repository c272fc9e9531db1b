//! `timeout`, `sleep_until` and `interval` on the virtual clock: exact times, cancellation, no drift.

mod common;

use std::time::Duration;

use executor::trace::{Event, Record};
use executor::{Elapsed, fetch, interval, now, sleep, sleep_until, spawn, timeout};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn fetch_events(log: &[Record]) -> Vec<String> {
    log.iter()
        .filter_map(|r| match &r.event {
            Event::FetchStart { request, .. } => Some(format!("start {request}")),
            Event::FetchEnd { request, .. } => Some(format!("end {request}")),
            Event::FetchAbort { request } => Some(format!("abort {request}")),
            _ => None,
        })
        .collect()
}

#[test]
fn a_timeout_shorter_than_the_sleep_errs_at_the_deadline() {
    let ex = common::virtual_executor();
    let (result, at) = ex
        .block_on(async {
            let r = timeout(ms(100), sleep(ms(200))).await;
            (r, now())
        })
        .unwrap();
    assert_eq!(result.unwrap_err().duration(), ms(100));
    assert_eq!(at, ms(100));
    assert_eq!(ex.now(), ms(100));
    assert_eq!(ex.snapshot().sleepers, 0, "the inner sleep was dropped");
}

#[test]
fn a_timeout_longer_than_the_sleep_is_ok_when_the_sleep_ends() {
    let ex = common::virtual_executor();
    let result = ex
        .block_on(async {
            timeout(ms(300), async {
                sleep(ms(200)).await;
                "done"
            })
            .await
        })
        .unwrap();
    assert_eq!(result, Ok("done"));
    assert_eq!(ex.now(), ms(200));
    assert_eq!(
        ex.snapshot().sleepers,
        0,
        "the timeout's own deadline was removed"
    );
}

#[test]
fn elapsed_is_an_error_that_says_how_long() {
    let ex = common::virtual_executor();
    let err = ex
        .block_on(timeout(ms(100), sleep(ms(200))))
        .unwrap()
        .unwrap_err();
    assert_eq!(err.to_string(), "timed out after 100 ms");
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    assert_eq!(boxed.to_string(), "timed out after 100 ms");
    let sub_ms: Elapsed = ex
        .block_on(timeout(Duration::from_micros(1500), sleep(ms(2))))
        .unwrap()
        .unwrap_err();
    assert_eq!(sub_ms.to_string(), "timed out after 1.5 ms");
}

#[test]
fn a_timed_out_fetch_is_aborted() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    let result = ex
        .block_on(timeout(ms(100), fetch("api/page/1?delay=5000")))
        .unwrap();
    assert!(result.is_err());
    assert_eq!(ex.now(), ms(100));
    assert_eq!(
        ex.snapshot().sleepers,
        0,
        "the simulated transfer was cancelled"
    );
    let log = log.borrow();
    assert_eq!(fetch_events(&log), ["start 1", "abort 1"]);
    let abort_at = log
        .iter()
        .find(|r| matches!(r.event, Event::FetchAbort { .. }))
        .map(|r| r.t_us);
    assert_eq!(
        abort_at,
        Some(100_000),
        "aborted at the deadline, not later"
    );
}

#[test]
fn a_fetch_in_time_is_not_aborted() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    let page = ex
        .block_on(timeout(ms(1000), fetch("api/page/1?delay=300")))
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(page.ok());
    assert_eq!(ex.now(), ms(300));
    assert_eq!(fetch_events(&log.borrow()), ["start 1", "end 1"]);
}

#[test]
fn a_future_ready_at_the_deadline_wins() {
    let ex = common::virtual_executor();
    let result = ex.block_on(timeout(ms(100), sleep(ms(100)))).unwrap();
    assert_eq!(result, Ok(()));
    assert_eq!(ex.now(), ms(100));
}

#[test]
fn a_dropped_timeout_leaves_no_sleepers() {
    let ex = common::virtual_executor();
    ex.block_on(async {
        let t = spawn(timeout(ms(10_000), sleep(ms(20_000))));
        sleep(ms(5)).await;
        t.abort();
    })
    .unwrap();
    assert_eq!(ex.now(), ms(5));
    assert_eq!(ex.snapshot().sleepers, 0);
}

#[test]
fn sleep_until_wakes_at_the_absolute_time() {
    let ex = common::virtual_executor();
    let times = ex
        .block_on(async {
            sleep(ms(30)).await;
            sleep_until(ms(100)).await;
            let a = now();
            sleep_until(ms(50)).await; // already passed
            (a, now())
        })
        .unwrap();
    assert_eq!(times, (ms(100), ms(100)));
}

#[test]
fn five_ticks_come_exactly_every_period_starting_now() {
    let ex = common::virtual_executor();
    let ticks = ex
        .block_on(async {
            let mut iv = interval(ms(100));
            let mut seen = Vec::new();
            for _ in 0..5 {
                let scheduled = iv.tick().await;
                seen.push((scheduled, now()));
            }
            seen
        })
        .unwrap();
    let expected: Vec<_> = (0..5).map(|k| (ms(100 * k), ms(100 * k))).collect();
    assert_eq!(ticks, expected);
    assert_eq!(ex.now(), ms(400));
}

#[test]
fn an_interval_started_later_counts_from_its_start() {
    let ex = common::virtual_executor();
    let ticks = ex
        .block_on(async {
            sleep(ms(42)).await;
            let mut iv = interval(ms(10));
            vec![iv.tick().await, iv.tick().await, iv.tick().await]
        })
        .unwrap();
    assert_eq!(ticks, [ms(42), ms(52), ms(62)]);
}

#[test]
fn a_slow_consumer_does_not_drift_the_schedule() {
    let ex = common::virtual_executor();
    let woke_at = ex
        .block_on(async {
            let mut iv = interval(ms(100));
            let mut woke_at = Vec::new();
            for _ in 0..5 {
                iv.tick().await;
                woke_at.push(now());
                sleep(ms(70)).await; // work that takes most of a period
            }
            woke_at
        })
        .unwrap();
    // A `sleep(100)` loop would wake at 0, 170, 340, …
    assert_eq!(woke_at, [ms(0), ms(100), ms(200), ms(300), ms(400)]);
}

#[test]
fn a_consumer_late_by_more_than_a_period_catches_up_then_keeps_the_schedule() {
    let ex = common::virtual_executor();
    let ticks = ex
        .block_on(async {
            let mut iv = interval(ms(100));
            let mut ticks = Vec::new();
            for k in 0..6 {
                let scheduled = iv.tick().await;
                ticks.push((scheduled, now()));
                if k == 1 {
                    sleep(ms(250)).await; // miss the ticks at 200 and 300
                }
            }
            ticks
        })
        .unwrap();
    assert_eq!(
        ticks,
        [
            (ms(0), ms(0)),
            (ms(100), ms(100)),
            (ms(200), ms(350)), // missed: at once
            (ms(300), ms(350)), // missed: at once
            (ms(400), ms(400)), // back on schedule
            (ms(500), ms(500)),
        ]
    );
}

#[test]
fn a_dropped_interval_leaves_no_sleepers() {
    let ex = common::virtual_executor();
    ex.block_on(async {
        let mut iv = interval(ms(100));
        iv.tick().await;
        let waiting = timeout(ms(10), iv.tick()).await;
        assert!(waiting.is_err());
    })
    .unwrap();
    assert_eq!(ex.snapshot().sleepers, 0);
}

#[test]
#[should_panic(expected = "non-zero period")]
fn a_zero_period_is_refused() {
    let _ex = common::virtual_executor();
    let _ = interval(Duration::ZERO);
}
