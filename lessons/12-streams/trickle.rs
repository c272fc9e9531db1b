//! A body that trickles in, read part by part

use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=5 = 2,
    latency_ms: 0..=2000 = 200,
    chunks: 1..=32 = 4,
    every_ms: 0..=2000 = 150,
}

/// The size of a slow-web page, in bytes.
const PAGE_BYTES: usize = 2048;

// ANCHOR: shown
/// Reads page `n` as it comes: its head first, then its body part by part.
async fn read_page(n: u32, knobs: Knobs) -> Result<usize> {
    let url = slow_web::page(n)
        .delay(knobs.latency_ms)
        .trickle(knobs.chunks, knobs.every_ms)
        .to_url();
    // Ready when the status and the headers are in; the body is still on its way.
    let response = fetch_stream(url).await?;
    println!("page {n}: HTTP {}, the body is coming", response.status);
    let mut body = response.body;
    let mut received = 0;
    // Python: `async for part in body:`. Each `.await` waits for the next part.
    while let Some(part) = body.next().await {
        received += part?.len();
        let percent = received * 100 / PAGE_BYTES;
        println!("page {n}: {received} of {PAGE_BYTES} bytes ({percent} %)");
    }
    Ok(received)
}

pub async fn run(knobs: Knobs) -> Result {
    let readers = (1..=knobs.pages).map(|n| spawn_named(format!("page {n}"), read_page(n, knobs)));
    let mut total = 0;
    for reader in join_all(readers).await {
        total += reader??;
    }
    println!("{total} bytes in {} pages", knobs.pages);
    Ok(())
}
// ANCHOR_END: shown
