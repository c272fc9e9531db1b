//! Streamed bodies on the virtual network: parts arrive on the slow web's schedule, each is
//! recorded, a whole-body fetch waits for the last, and dropping a body half-read aborts it.

mod common;

use std::time::Duration;

use executor::stream::StreamExt;
use executor::trace::Event;
use executor::{fetch, fetch_stream, now, select, sleep, slow_web};

const TRICKLED: &str = "api/page/1?delay=100&chunks=4&every=50";

#[test]
fn a_whole_body_fetch_waits_for_the_last_part() {
    let ex = common::virtual_executor();
    let page = ex.block_on(fetch(TRICKLED)).unwrap().unwrap();
    assert_eq!(page.body.len(), 2048);
    assert_eq!(ex.now(), Duration::from_millis(250));
}

#[test]
fn each_part_read_is_on_the_trace_and_the_end_counts_them_all() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    let body = ex
        .block_on(async {
            let response = fetch_stream(TRICKLED).await.unwrap();
            assert_eq!(response.status, 200);
            let mut body = response.body;
            let mut all = Vec::new();
            while let Some(part) = body.next().await {
                all.extend(part.unwrap());
            }
            assert_eq!(body.bytes_read(), 2048);
            all
        })
        .unwrap();
    assert_eq!(body, slow_web::page_html(1, 2048, 0).into_bytes());
    let events: Vec<(u64, Event)> = log
        .borrow()
        .iter()
        .filter(|r| {
            matches!(
                r.event,
                Event::FetchChunk { .. } | Event::FetchEnd { .. } | Event::FetchAbort { .. }
            )
        })
        .map(|r| (r.t_us / 1000, r.event.clone()))
        .collect();
    let part = |at, bytes| (at, Event::FetchChunk { request: 1, bytes });
    assert_eq!(
        events,
        [
            part(100, 512),
            part(150, 512),
            part(200, 512),
            part(250, 512),
            (
                250,
                Event::FetchEnd {
                    request: 1,
                    status: 200,
                    bytes: 2048
                }
            ),
        ]
    );
}

#[test]
fn a_body_dropped_half_read_aborts_its_request() {
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    let (read, at) = ex
        .block_on(async {
            let response = fetch_stream("api/page/1?delay=100&chunks=10&every=100")
                .await
                .unwrap();
            let mut body = response.body;
            let mut read = 0;
            // Give up 350 ms after the head, at 450 ms: parts at 100, 200, 300 and 400 ms are in.
            let give_up = sleep(Duration::from_millis(350));
            let mut give_up = std::pin::pin!(give_up);
            loop {
                match select(body.next(), give_up.as_mut()).await {
                    executor::Either::Left(Some(part)) => read += part.unwrap().len(),
                    executor::Either::Left(None) => break,
                    executor::Either::Right(()) => break,
                }
            }
            drop(body);
            (read, now())
        })
        .unwrap();
    let page = slow_web::page_html(1, 2048, 0).into_bytes();
    let four: usize = slow_web::body_parts(&page, 10)[..4]
        .iter()
        .map(|p| p.len())
        .sum();
    assert_eq!(read, four);
    assert_eq!(at, Duration::from_millis(450));
    let aborted = log
        .borrow()
        .iter()
        .filter(|r| matches!(r.event, Event::FetchAbort { request: 1 }))
        .count();
    assert_eq!(aborted, 1);
}
