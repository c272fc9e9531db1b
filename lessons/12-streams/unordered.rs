//! A stream of requests, a few at a time, handed out as they arrive

use tutor::stream;
use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=20 = 6,
    limit: 1..=20 = 3,
    latency_ms: 0..=2000 = 200,
    jitter_ms: 0..=2000 = 300,
}

/// Page `n`, and when it arrived.
async fn download(n: u32, knobs: Knobs) -> Result<(u32, usize, Duration)> {
    let url = slow_web::page(n)
        .delay(knobs.latency_ms)
        .jitter(knobs.jitter_ms)
        .to_url();
    let page = fetch(url).await?;
    Ok((n, page.body.len(), now()))
}

// ANCHOR: shown
pub async fn run(knobs: Knobs) -> Result {
    let start = now();
    // The same stream of futures; `buffer_unordered` runs up to `limit` of them at once and
    // hands out each output as soon as its page is in, whatever its place in the stream.
    let mut pages = stream::iter(1..=knobs.pages)
        .map(|n| download(n, knobs))
        .buffer_unordered(knobs.limit as usize);
    while let Some(page) = pages.next().await {
        let (n, bytes, arrived) = page?;
        let (arrived, taken) = ((arrived - start).as_millis(), (now() - start).as_millis());
        println!("page {n}: {bytes} bytes, arrived at {arrived} ms, taken at {taken} ms");
    }
    Ok(())
}
// ANCHOR_END: shown
