//! Download N pages, one blocking call after another

use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=50 = 10,
    latency_ms: 0..=3000 = 1000,
}

// ANCHOR: shown
pub fn run(knobs: Knobs) -> Result {
    for n in 1..=knobs.pages {
        let url = slow_web::page(n).delay(knobs.latency_ms).to_url();
        // `fetch_blocking` does not return until the whole page has arrived. Until then this
        // thread can do nothing else: no other download, no timer, no message.
        let page = fetch_blocking(&url)?.error_for_status()?;
        println!("page {n}: {} bytes", page.body.len());
    }
    // Each page waited for the one before it, so the total is about pages × latency.
    Ok(())
}
// ANCHOR_END: shown
