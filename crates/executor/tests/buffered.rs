//! `buffered` and `buffer_unordered` over random delays and limits: never more than the limit
//! running, every output handed out once, in the stream's order or in the order they finished.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use executor::stream::{self, StreamExt};
use executor::{fetch, now, sleep};
use proptest::prelude::*;

/// Runs one item per delay through `buffered` (or `buffer_unordered`) with `limit`; returns the
/// outputs as (index, time its future finished), the most running at once, and the total time.
/// (Delays are at least 10 ms, so every future is still running when the next one starts.)
fn run(delays: &[u64], limit: usize, ordered: bool) -> (Vec<(usize, Duration)>, usize, Duration) {
    let ex = common::virtual_executor();
    let running = Rc::new(Cell::new(0usize));
    let most = Rc::new(Cell::new(0usize));
    let delays = delays.to_vec();
    let (r, m) = (running.clone(), most.clone());
    let outputs = ex
        .block_on(async move {
            let futures = stream::iter(delays.into_iter().enumerate()).map(move |(i, ms)| {
                let (running, most) = (r.clone(), m.clone());
                async move {
                    running.set(running.get() + 1);
                    most.set(most.get().max(running.get()));
                    sleep(Duration::from_millis(ms)).await;
                    running.set(running.get() - 1);
                    (i, now())
                }
            });
            if ordered {
                futures.buffered(limit).collect_vec().await
            } else {
                futures.buffer_unordered(limit).collect_vec().await
            }
        })
        .unwrap();
    assert_eq!(running.get(), 0);
    (outputs, most.get(), ex.now())
}

proptest! {
    #[test]
    fn buffered_keeps_the_order_and_the_limit(
        delays in prop::collection::vec(1u64..50, 0..20),
        limit in 1usize..6,
    ) {
        let delays: Vec<u64> = delays.into_iter().map(|d| d * 10).collect();
        let (outputs, most, _) = run(&delays, limit, true);
        let order: Vec<usize> = outputs.iter().map(|(i, _)| *i).collect();
        prop_assert_eq!(order, (0..delays.len()).collect::<Vec<_>>());
        prop_assert_eq!(most, limit.min(delays.len()));
    }

    #[test]
    fn buffer_unordered_hands_out_outputs_as_they_finish(
        delays in prop::collection::vec(1u64..50, 0..20),
        limit in 1usize..6,
    ) {
        let delays: Vec<u64> = delays.into_iter().map(|d| d * 10).collect();
        let (outputs, most, total) = run(&delays, limit, false);
        let mut seen: Vec<usize> = outputs.iter().map(|(i, _)| *i).collect();
        prop_assert!(outputs.windows(2).all(|w| w[0].1 <= w[1].1), "{:?}", outputs);
        seen.sort_unstable();
        prop_assert_eq!(seen, (0..delays.len()).collect::<Vec<_>>());
        prop_assert_eq!(most, limit.min(delays.len()));
        // A slot is refilled as soon as it frees: with one slot, the delays add up.
        if limit == 1 {
            prop_assert_eq!(total, Duration::from_millis(delays.iter().sum()));
        }
    }
}

#[test]
fn buffered_holds_an_early_output_until_its_turn() {
    // The first item is slow: the second finishes first (at 100 ms) but waits in its slot, and
    // is handed out after the first, at 300 ms. Only then is the third started: it finishes
    // at 500 ms, not at 300.
    let (outputs, _, total) = run(&[300, 100, 200], 2, true);
    assert_eq!(
        outputs,
        [
            (0, Duration::from_millis(300)),
            (1, Duration::from_millis(100)),
            (2, Duration::from_millis(500)),
        ]
    );
    assert_eq!(total, Duration::from_millis(500));
    // Unordered, the second is handed out at 100 ms and the third starts then.
    let (outputs, _, total) = run(&[300, 100, 200], 2, false);
    assert_eq!(
        outputs,
        [
            (1, Duration::from_millis(100)),
            (0, Duration::from_millis(300)),
            (2, Duration::from_millis(300)),
        ]
    );
    assert_eq!(total, Duration::from_millis(300));
}

#[test]
fn pages_as_a_stream_of_requests_a_few_at_a_time() {
    let ex = common::virtual_executor();
    let sizes = ex
        .block_on(async {
            stream::iter(1..=6)
                .map(|n| async move {
                    fetch(format!("api/page/{n}?delay=100"))
                        .await
                        .unwrap()
                        .body
                        .len()
                })
                .buffered(3)
                .collect_vec()
                .await
        })
        .unwrap();
    assert_eq!(sizes, [2048; 6]);
    assert_eq!(ex.now(), Duration::from_millis(200));
}
