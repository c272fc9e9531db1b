//! At most N requests in flight: a semaphore of N permits

use std::rc::Rc;

use tutor::sync::Semaphore;
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
pub async fn run(knobs: Knobs) -> Result {
    let start = now();
    // `limit` permits. A task takes one before its request and gives it back when the
    // permit is dropped, so at most `limit` requests are ever out together.
    let permits = Rc::new(Semaphore::new(knobs.limit as usize));
    let tasks: Vec<_> = (1..=knobs.pages)
        .map(|n| {
            let permits = permits.clone();
            spawn(async move {
                let _permit = permits.acquire().await?; // waits while all are taken
                download(n, knobs).await
            })
        })
        .collect();
    let (mut ok, mut busy) = (0, 0);
    for task in tasks {
        match task.await?? {
            200 => ok += 1,
            503 => busy += 1,
            _ => {}
        }
    }
    let failed = knobs.pages - ok - busy;
    let ms = (now() - start).as_millis();
    println!("{ok} pages in, {busy} turned away (503), {failed} failed, in {ms} ms");
    Ok(())
}
// ANCHOR_END: shown
