//! The virtual network under load: a slow-web server with a capacity counts its requests in
//! flight, and plans each at the load it arrives at, as the service worker does.

mod common;

use std::time::Duration;

use executor::slow_web::PageRequest;
use executor::{fetch, join_all, select, sleep, spawn};

/// Page `n`, 100 ms, on a server of capacity 1.
fn capped(n: u32) -> PageRequest {
    PageRequest::new(n).delay(100).capacity(1)
}

#[test]
fn requests_beyond_capacity_are_planned_at_their_load() {
    let ex = common::virtual_executor();
    let answers = ex
        .block_on(async {
            let requests = (1..=6).map(|n| async move {
                let page = fetch(capped(n).to_url()).await.unwrap();
                (page.status, executor::now())
            });
            join_all(requests).await
        })
        .unwrap();
    for (i, (status, at)) in answers.into_iter().enumerate() {
        let n = i as u32 + 1;
        // The n-th request arrives with n - 1 others in flight.
        let planned = capped(n).plan_at_load(n);
        assert_eq!(Some(status), planned.status(), "page {n}");
        assert_eq!(
            at,
            Duration::from_millis(planned.delay_ms.into()),
            "page {n}"
        );
    }
}

#[test]
fn an_aborted_request_counts_until_its_answer_was_due() {
    let ex = common::virtual_executor();
    // A page that is slowed down, not turned away, when it arrives second.
    let second = (2..)
        .find(|&n| capped(n).plan_at_load(2).status() == Some(200))
        .unwrap();
    let took = ex
        .block_on(async move {
            // Page 1 (1000 ms) is given up after 50 ms; the server works on until 1000 ms.
            let slow = fetch(PageRequest::new(1).delay(1000).capacity(1).to_url());
            select(slow, sleep(Duration::from_millis(50))).await;
            let start = executor::now();
            fetch(capped(second).to_url()).await.unwrap();
            let at_load_two = executor::now() - start;
            // After 1000 ms the server is free again.
            sleep(Duration::from_millis(1000)).await;
            let start = executor::now();
            fetch(capped(second).to_url()).await.unwrap();
            (at_load_two, executor::now() - start)
        })
        .unwrap();
    assert_eq!(
        took,
        (Duration::from_millis(200), Duration::from_millis(100))
    );
}

#[test]
fn servers_are_told_apart_by_capacity_and_seed() {
    let ex = common::virtual_executor();
    let took = ex
        .block_on(async {
            let hold = spawn(fetch(PageRequest::new(1).delay(500).capacity(1).to_url()));
            sleep(Duration::from_millis(10)).await;
            let start = executor::now();
            // Another seed, another capacity, no capacity: each alone on its server.
            for request in [
                PageRequest::new(2).delay(100).capacity(1).seed(5),
                PageRequest::new(2).delay(100).capacity(2),
                PageRequest::new(2).delay(100),
            ] {
                fetch(request.to_url()).await.unwrap();
            }
            let took = executor::now() - start;
            hold.await.unwrap().unwrap();
            took
        })
        .unwrap();
    assert_eq!(took, Duration::from_millis(300));
}
