//! Pages as a stream, taken one at a time

use tutor::stream;
use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=20 = 6,
    latency_ms: 0..=2000 = 200,
    jitter_ms: 0..=2000 = 300,
}

// ANCHOR: shown
pub async fn run(knobs: Knobs) -> Result {
    let start = now();
    // A stream made by `unfold`: its state is the next page's number. Each time the loop asks
    // for an item, it fetches that page, and only then. It is Python's `async def` generator
    // with `yield` in it.
    let pages = stream::unfold(1, move |n| async move {
        if n > knobs.pages {
            return None; // the end of the stream
        }
        let url = slow_web::page(n)
            .delay(knobs.latency_ms)
            .jitter(knobs.jitter_ms)
            .to_url();
        let page = fetch(url).await;
        Some(((n, page), n + 1))
    });
    let mut pages = std::pin::pin!(pages);
    // `async for (n, page) in pages:` in Python.
    while let Some((n, page)) = pages.next().await {
        let ms = (now() - start).as_millis();
        println!("page {n}: {} bytes at {ms} ms", page?.body.len());
    }
    Ok(())
}
// ANCHOR_END: shown
