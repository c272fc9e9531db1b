//! `select` and `select_all`: the first future to finish wins, and the losers are cancelled.

mod common;

use std::time::Duration;

use executor::trace::{Event, Record};
use executor::{Either, fetch, now, select, select_all, sleep};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn fetch_events(log: &[Record]) -> Vec<(String, u64)> {
    log.iter()
        .filter_map(|r| match &r.event {
            Event::FetchStart { request, .. } => Some((format!("start {request}"), r.t_us)),
            Event::FetchEnd { request, .. } => Some((format!("end {request}"), r.t_us)),
            Event::FetchAbort { request } => Some((format!("abort {request}"), r.t_us)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_shorter_sleep_wins_on_the_left() {
    let ex = common::virtual_executor();
    let winner = ex
        .block_on(select(
            async {
                sleep(ms(100)).await;
                "left"
            },
            async {
                sleep(ms(200)).await;
                2
            },
        ))
        .unwrap();
    assert_eq!(winner, Either::Left("left"));
    assert_eq!(ex.now(), ms(100));
    assert_eq!(ex.snapshot().sleepers, 0, "the losing sleep was dropped");
}

#[test]
fn the_shorter_sleep_wins_on_the_right() {
    let ex = common::virtual_executor();
    let winner = ex
        .block_on(select(sleep(ms(200)), async {
            sleep(ms(100)).await;
            now()
        }))
        .unwrap();
    assert_eq!(winner, Either::Right(ms(100)));
}

#[test]
fn on_a_tie_the_left_wins() {
    let ex = common::virtual_executor();
    let winner = ex.block_on(select(sleep(ms(50)), sleep(ms(50)))).unwrap();
    assert!(winner.is_left());
}

#[test]
fn the_losing_fetch_is_aborted() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    let winner = ex
        .block_on(async {
            let w = select(
                fetch("api/page/1?delay=100"),
                fetch("api/page/2?delay=5000"),
            )
            .await;
            (w, now())
        })
        .unwrap();
    let (winner, at) = winner;
    assert!(winner.left().unwrap().unwrap().text().contains("Page 1"));
    assert_eq!(at, ms(100));
    assert_eq!(ex.now(), ms(100));
    assert_eq!(ex.snapshot().sleepers, 0, "the slow transfer was cancelled");
    let events = fetch_events(&log.borrow());
    let names: Vec<_> = events.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(names, ["start 1", "start 2", "end 1", "abort 2"]);
    assert_eq!(events[3].1, 100_000, "aborted as soon as the race was won");
}

#[test]
fn select_all_picks_the_earliest_and_returns_the_rest() {
    let ex = common::virtual_executor();
    let (index, output, rest_len, at) = ex
        .block_on(async {
            let racers = [400u64, 250, 100, 300].map(|d| async move {
                sleep(ms(d)).await;
                d
            });
            let (i, out, rest) = select_all(racers).await;
            (i, out, rest.len(), now())
        })
        .unwrap();
    assert_eq!((index, output, rest_len, at), (2, 100, 3, ms(100)));
    assert_eq!(ex.snapshot().sleepers, 0, "the rest were dropped");
}

#[test]
fn awaiting_the_rest_again_gives_the_finishers_in_order() {
    let ex = common::virtual_executor();
    let order = ex
        .block_on(async {
            let mut race = select_all([400u64, 250, 100, 300].map(|d| async move {
                sleep(ms(d)).await;
                (d, now())
            }));
            let mut order = Vec::new();
            while !race.is_empty() {
                let (_, out, rest) = race.await;
                order.push(out);
                race = rest;
            }
            order
        })
        .unwrap();
    assert_eq!(
        order,
        [
            (100, ms(100)),
            (250, ms(250)),
            (300, ms(300)),
            (400, ms(400))
        ]
    );
}

#[test]
fn the_rest_can_be_joined() {
    let ex = common::virtual_executor();
    let (first, others) = ex
        .block_on(async {
            let (_, first, rest) = select_all([30u64, 10, 20].map(|d| async move {
                sleep(ms(d)).await;
                d
            }))
            .await;
            (first, executor::join_all(rest).await)
        })
        .unwrap();
    assert_eq!((first, others), (10, vec![30, 20]));
    assert_eq!(ex.now(), ms(30));
}

#[test]
fn select_all_aborts_the_losing_fetches_when_the_rest_is_dropped() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    let index = ex
        .block_on(async {
            let mirrors = [900, 300, 600].map(|d| fetch(format!("api/page/1?delay={d}")));
            let (i, page, _) = select_all(mirrors).await;
            assert!(page.unwrap().ok());
            i
        })
        .unwrap();
    assert_eq!(index, 1);
    assert_eq!(ex.now(), ms(300));
    let events = fetch_events(&log.borrow());
    let names: Vec<_> = events.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(
        names,
        [
            "start 1", "start 2", "start 3", "end 2", "abort 1", "abort 3"
        ]
    );
}

#[test]
#[should_panic(expected = "at least one future")]
fn select_all_of_nothing_is_refused() {
    drop(select_all(Vec::<std::future::Ready<()>>::new()));
}
