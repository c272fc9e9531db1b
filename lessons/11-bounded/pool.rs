//! A pool of N workers taking pages from one queue

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 10..=1000 = 200,
    limit: 1..=64 = 8,
    latency_ms: 0..=2000 = 200,
    jitter_ms: 0..=2000 = 200,
    fail_percent: 0..=100 = 2,
    capacity: 1..=256 = 16,
}

/// Page `n` from a server that serves `capacity` requests at once at full speed.
async fn download(n: u32, knobs: Knobs) -> Result<u16> {
    let url = slow_web::page(n)
        .delay(knobs.latency_ms)
        .jitter(knobs.jitter_ms)
        .fail(knobs.fail_percent)
        .capacity(knobs.capacity)
        .to_url();
    Ok(fetch(url).await?.status)
}

// ANCHOR: shown
/// One worker: takes the next page from the queue, downloads it, and goes back for more
/// until the queue is empty. Returns how many pages it got and how many were turned away.
async fn worker(queue: Rc<RefCell<VecDeque<u32>>>, knobs: Knobs) -> Result<(u32, u32)> {
    let (mut ok, mut busy) = (0, 0);
    loop {
        // Take the page in a statement of its own, so the queue's borrow ends here, before
        // the `.await`. (In `while let Some(n) = queue.borrow_mut().pop_front()` the borrow
        // would last the whole loop body, and the next worker to look would panic.)
        let next = queue.borrow_mut().pop_front();
        let Some(n) = next else { break };
        match download(n, knobs).await? {
            200 => ok += 1,
            503 => busy += 1,
            _ => {}
        }
    }
    Ok((ok, busy))
}

pub async fn run(knobs: Knobs) -> Result {
    let start = now();
    let queue = Rc::new(RefCell::new((1..=knobs.pages).collect::<VecDeque<u32>>()));
    // `limit` tasks instead of one per page: each has at most one request out.
    let workers: Vec<_> = (1..=knobs.limit)
        .map(|w| spawn_named(format!("worker {w}"), worker(queue.clone(), knobs)))
        .collect();
    let (mut ok, mut busy) = (0, 0);
    for (got, turned_away) in join_all(workers).await.into_iter().flatten().flatten() {
        ok += got;
        busy += turned_away;
    }
    let failed = knobs.pages - ok - busy;
    let ms = (now() - start).as_millis();
    println!("{ok} pages in, {busy} turned away (503), {failed} failed, in {ms} ms");
    Ok(())
}
// ANCHOR_END: shown
