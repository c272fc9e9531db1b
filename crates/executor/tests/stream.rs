//! Streams: async iteration with `while let Some(x) = s.next().await`.

mod common;

use std::time::Duration;

use executor::stream::{self, Stream, StreamExt};
use executor::{fetch, interval, now, sleep};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn iterating_an_iter_stream_with_next() {
    let ex = common::virtual_executor();
    let seen = ex
        .block_on(async {
            let mut s = stream::iter(vec!["a", "b", "c"]);
            let mut seen = Vec::new();
            while let Some(x) = s.next().await {
                seen.push(x);
            }
            assert_eq!(s.next().await, None, "an ended stream stays ended");
            seen
        })
        .unwrap();
    assert_eq!(seen, ["a", "b", "c"]);
    assert_eq!(ex.now(), ms(0));
}

#[test]
fn iterating_an_interval_with_next() {
    let ex = common::virtual_executor();
    let ticks = ex
        .block_on(async {
            let mut iv = interval(ms(100));
            let mut ticks = Vec::new();
            while let Some(t) = iv.next().await {
                ticks.push((t, now()));
                if ticks.len() == 5 {
                    break;
                }
            }
            ticks
        })
        .unwrap();
    let expected: Vec<_> = (0..5).map(|k| (ms(100 * k), ms(100 * k))).collect();
    assert_eq!(ticks, expected);
}

#[test]
fn take_and_collect_vec_on_an_interval() {
    let ex = common::virtual_executor();
    let ticks = ex
        .block_on(interval(ms(250)).take(4).collect_vec())
        .unwrap();
    assert_eq!(ticks, [ms(0), ms(250), ms(500), ms(750)]);
    assert_eq!(ex.now(), ms(750));
    assert_eq!(ex.snapshot().sleepers, 0);
}

#[test]
fn take_stops_asking_after_n_items() {
    let ex = common::virtual_executor();
    let s = stream::iter(1..).take(3);
    assert_eq!(s.size_hint(), (3, Some(3)));
    assert_eq!(ex.block_on(s.collect_vec()).unwrap(), [1, 2, 3]);
    let short = stream::iter([1, 2]).take(5);
    assert_eq!(short.size_hint(), (2, Some(2)));
    assert_eq!(ex.block_on(short.collect_vec()).unwrap(), [1, 2]);
}

#[test]
fn unfold_fetches_pages_only_as_they_are_asked_for() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    let (titles, at) = ex
        .block_on(async {
            let mut pages = stream::unfold(1u32, |n| async move {
                let page = fetch(format!("api/page/{n}?delay=100")).await.ok()?;
                Some((page, n + 1))
            })
            .take(3);
            let mut titles = Vec::new();
            while let Some(page) = pages.next().await {
                titles.push(page.text().contains(&format!("Page {}", titles.len() + 1)));
                sleep(ms(50)).await; // the consumer's own work
            }
            (titles, now())
        })
        .unwrap();
    assert_eq!(titles, [true, true, true]);
    // Fetch 100, work 50, three times: the next page is not fetched ahead.
    assert_eq!(at, ms(450));
    let starts = log
        .borrow()
        .iter()
        .filter(|r| matches!(r.event, executor::trace::Event::FetchStart { .. }))
        .count();
    assert_eq!(starts, 3, "take(3) never started a fourth request");
}

#[test]
fn unfold_ends_when_the_step_returns_none() {
    let ex = common::virtual_executor();
    let out = ex
        .block_on(async {
            let mut s = stream::unfold(0, |n| async move { (n < 3).then_some((n * n, n + 1)) });
            let mut v = Vec::new();
            while let Some(x) = s.next().await {
                v.push(x);
            }
            assert_eq!(s.next().await, None);
            v
        })
        .unwrap();
    assert_eq!(out, [0, 1, 4]);
}

#[test]
fn a_stream_pinned_on_the_stack_works_with_next() {
    let ex = common::virtual_executor();
    let out = ex
        .block_on(async {
            // `next` needs an `Unpin` stream; `pin!` makes any stream one (a `Pin<&mut S>`).
            let mut s = std::pin::pin!(stream::iter([7, 8]).take(5));
            let mut v = Vec::new();
            while let Some(x) = s.next().await {
                v.push(x);
            }
            v
        })
        .unwrap();
    assert_eq!(out, [7, 8]);
}
