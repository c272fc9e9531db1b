//! Start every request, then ask each one "are you ready?" over and over

use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=50 = 10,
    latency_ms: 0..=3000 = 1000,
}

/// A readiness check costs about a microsecond of processor time (on a real system, a system
/// call). The loop lets the browser in after every this many checks.
const CHECKS_PER_TURN: u64 = 250;

// ANCHOR: shown
pub async fn run(knobs: Knobs) -> Result {
    let started = now();
    // Non-blocking: each call returns at once with a request in flight, not with a page.
    let mut requests: Vec<Option<Fetch>> = (1..=knobs.pages)
        .map(|n| Some(fetch(slow_web::page(n).delay(knobs.latency_ms).to_url())))
        .collect();
    let (mut checks, mut wasted, mut left) = (0u64, 0u64, requests.len());
    while left > 0 {
        for (i, slot) in requests.iter_mut().enumerate() {
            let Some(request) = slot else { continue };
            checks += 1;
            // Ask once, never wait. Almost always the answer is "not yet".
            match poll_once(request) {
                std::task::Poll::Pending => wasted += 1,
                std::task::Poll::Ready(page) => {
                    println!("page {}: {} bytes", i + 1, page?.body.len());
                    *slot = None;
                    left -= 1;
                }
            }
            if checks.is_multiple_of(CHECKS_PER_TURN) {
                busy(Duration::from_micros(CHECKS_PER_TURN));
                // A browser delivers answers only between turns of its event loop, so the
                // loop lets it in for a moment, and goes straight back to asking.
                yield_now().await;
            }
        }
    }
    let elapsed = now() - started;
    println!("{} pages in {} ms", knobs.pages, elapsed.as_millis());
    println!("{checks} checks, {wasted} of them wasted: the thread never rested");
    Ok(())
}
// ANCHOR_END: shown
