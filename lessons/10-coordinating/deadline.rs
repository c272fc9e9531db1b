//! A time limit on each request, and a deadline over the whole crawl

use std::cell::Cell;
use std::rc::Rc;

use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=20 = 8,
    latency_ms: 0..=1000 = 100,
    timeout_ms: 0..=10000 = 550,
    deadline_ms: 0..=20000 = 2000,
}

// ANCHOR: shown
/// Page `n` takes `n` × latency: the first pages are quick, the last ones slow.
async fn download(n: u32, knobs: Knobs, arrived: Rc<Cell<u32>>) {
    let url = slow_web::page(n).delay(n * knobs.latency_ms).to_url();
    let limit = Duration::from_millis(knobs.timeout_ms.into());
    // `timeout` races the request against a timer. If the timer goes off first, the request
    // is dropped, which aborts it, and the answer is `Err(Elapsed)`.
    match timeout(limit, fetch(url)).await {
        Ok(Ok(page)) => {
            arrived.set(arrived.get() + 1);
            println!("page {n}: {} bytes", page.body.len());
        }
        Ok(Err(e)) => println!("page {n}: {e}"),
        Err(_) => println!(
            "page {n}: no answer within {} ms, given up",
            knobs.timeout_ms
        ),
    }
}

pub async fn run(knobs: Knobs) -> Result {
    let start = now();
    let arrived = Rc::new(Cell::new(0));
    let crawl = join_all((1..=knobs.pages).map(|n| download(n, knobs, arrived.clone())));
    // A deadline over the whole crawl is the same tool around all of it. When it fires, it
    // drops the `join_all`, and with it every download still waiting.
    let deadline = Duration::from_millis(knobs.deadline_ms.into());
    let ms = || (now() - start).as_millis();
    match timeout(deadline, crawl).await {
        Ok(_) => println!(
            "the crawl ended at {} ms: {} of {} pages arrived",
            ms(),
            arrived.get(),
            knobs.pages
        ),
        Err(_) => println!(
            "deadline at {} ms: {} pages had arrived, {} requests were cancelled",
            ms(),
            arrived.get(),
            knobs.pages - arrived.get()
        ),
    }
    Ok(())
}
// ANCHOR_END: shown
