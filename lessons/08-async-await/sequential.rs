//! The classic mistake: `.await` inside the loop, and the crawl is sequential again

use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=50 = 10,
    latency_ms: 0..=3000 = 1000,
}

/// The crawl's download, unchanged.
async fn download(n: u32, knobs: Knobs) -> Result<usize> {
    let url = slow_web::page(n).delay(knobs.latency_ms).to_url();
    let page = fetch(url).await?.error_for_status()?;
    println!("page {n}: {} bytes", page.body.len());
    Ok(page.body.len())
}

// ANCHOR: shown
pub async fn run(knobs: Knobs) -> Result {
    let mut total = 0;
    for n in 1..=knobs.pages {
        // It reads like the crawl, but nothing runs until it is awaited, and this `.await`
        // waits for page n before the loop even creates the download of page n + 1.
        total += download(n, knobs).await?;
    }
    println!("{} pages, {total} bytes", knobs.pages);
    Ok(())
}
// ANCHOR_END: shown
