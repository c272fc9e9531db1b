//! Take the first few pages as they come, and let the rest finish later

use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=50 = 10,
    first: 1..=50 = 3,
    latency_ms: 0..=3000 = 200,
    jitter_ms: 0..=3000 = 1000,
}

/// One page, with a random extra delay of up to `jitter_ms`: they finish in no set order.
async fn download(n: u32, knobs: Knobs) -> Result<u32> {
    let url = slow_web::page(n)
        .delay(knobs.latency_ms)
        .jitter(knobs.jitter_ms)
        .to_url();
    fetch(url).await?.error_for_status()?;
    Ok(n)
}

// ANCHOR: shown
pub async fn run(knobs: Knobs) -> Result {
    let start = now();
    let ms = || (now() - start).as_millis();
    let tasks = (1..=knobs.pages).map(|n| spawn_named(format!("page {n}"), download(n, knobs)));
    // `select_all` waits for whichever task ends first and gives back the others, their
    // tasks still running: one task done, the rest pending.
    let mut pending = select_all(tasks);
    let mut done = Vec::new();
    while done.len() < knobs.first.min(knobs.pages) as usize {
        let (_, page, rest) = pending.await;
        done.push(page??);
        pending = rest;
    }
    println!("first {} at {} ms: pages {done:?}", done.len(), ms());
    println!("{} still downloading", pending.len());
    // Meanwhile, the pending tasks run on. Collect them when you want the rest.
    for page in join_all(pending).await {
        done.push(page??);
    }
    println!("all {} at {} ms", done.len(), ms());
    Ok(())
}
// ANCHOR_END: shown
