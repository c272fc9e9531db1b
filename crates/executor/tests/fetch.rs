//! Requests on the virtual network: the crawl's timing, failures, and abort on drop.

mod common;

use std::time::Duration;

use executor::trace::{Event, WakeSource};
use executor::{FetchErrorKind, fetch, spawn};

fn page(n: u32, latency_ms: u32) -> String {
    format!("api/page/{n}?delay={latency_ms}")
}

#[test]
fn ten_concurrent_downloads_of_a_second_take_one_second() {
    let ex = common::virtual_executor();
    let bytes = ex
        .block_on(async {
            let tasks: Vec<_> = (1..=10)
                .map(|n| spawn(async move { fetch(page(n, 1000)).await.unwrap().body.len() }))
                .collect();
            let mut total = 0;
            for t in tasks {
                total += t.await.unwrap();
            }
            total
        })
        .unwrap();
    assert_eq!(ex.now(), Duration::from_millis(1000));
    assert_eq!(bytes, 10 * 2048, "default slow-web pages are 2048 bytes");
}

#[test]
fn ten_downloads_one_after_another_take_ten_seconds() {
    let ex = common::virtual_executor();
    ex.block_on(async {
        for n in 1..=10 {
            fetch(page(n, 1000)).await.unwrap();
        }
    })
    .unwrap();
    assert_eq!(ex.now(), Duration::from_millis(10_000));
}

#[test]
fn a_dropped_fetch_is_aborted_and_leaves_nothing_pending() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    ex.block_on(async {
        let slow = spawn(fetch(page(1, 5000)));
        executor::sleep(Duration::from_millis(10)).await;
        slow.abort();
    })
    .unwrap();
    assert_eq!(ex.now(), Duration::from_millis(10));
    assert_eq!(
        ex.snapshot().sleepers,
        0,
        "the simulated transfer was cancelled"
    );
    let log = log.borrow();
    let kinds: Vec<_> = log
        .iter()
        .filter_map(|r| match &r.event {
            Event::FetchStart { request, .. } => Some(format!("start {request}")),
            Event::FetchEnd { request, .. } => Some(format!("end {request}")),
            Event::FetchAbort { request } => Some(format!("abort {request}")),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, ["start 1", "abort 1"]);
}

#[test]
fn a_finished_request_wakes_its_task_as_network() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    ex.block_on(async { fetch(page(2, 100)).await.unwrap() })
        .unwrap();
    assert!(log.borrow().iter().any(|r| matches!(
        r.event,
        Event::Wake {
            by: WakeSource::Network(1),
            ..
        }
    )));
}

#[test]
fn failures_and_bad_urls_come_back_as_clear_errors() {
    let ex = common::virtual_executor();
    let (status, network, bad) = ex
        .block_on(async {
            let status = fetch("api/page/1?fail=100&status=503").await.unwrap();
            let network = fetch("api/page/1?fail=100&status=network")
                .await
                .unwrap_err();
            let bad = fetch("https://example.com/").await.unwrap_err();
            (status, network, bad)
        })
        .unwrap();
    assert_eq!(status.status, 503);
    assert!(
        status
            .error_for_status()
            .unwrap_err()
            .to_string()
            .contains("HTTP 503")
    );
    assert!(
        matches!(network.kind, FetchErrorKind::Network(_)),
        "{network}"
    );
    assert!(matches!(bad.kind, FetchErrorKind::InvalidUrl(_)), "{bad}");
    assert!(bad.to_string().contains("https://example.com/"), "{bad}");
}

#[test]
fn a_started_request_is_on_its_way_before_its_first_poll() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    ex.block_on(async {
        let mut early = fetch(page(1, 300));
        early.start();
        executor::sleep(Duration::from_millis(200)).await;
        early.await.unwrap();
        // An answer that came while nobody polled still ends its request when dropped.
        let mut unread = fetch("not a slow web url");
        unread.start();
        drop(unread);
    })
    .unwrap();
    assert_eq!(ex.now(), Duration::from_millis(300), "not 500");
    let ended = log
        .borrow()
        .iter()
        .filter(|r| matches!(r.event, Event::FetchEnd { .. } | Event::FetchError { .. }))
        .count();
    assert_eq!(ended, 2);
    assert_eq!(ex.snapshot().stats.requests, 2);
}
