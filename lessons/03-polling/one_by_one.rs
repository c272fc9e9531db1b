//! Non-blocking calls, but one request at a time: no faster than blocking

use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=20 = 5,
    latency_ms: 0..=3000 = 500,
}

/// What a check costs on an operating system (a system call), paid on purpose as in the first
/// card, a batch at a time.
const CHECK_COST: Duration = Duration::from_micros(1);
const CHECKS_PER_BATCH: u32 = 250;

// ANCHOR: shown
pub async fn run(knobs: Knobs) -> Result {
    let started = now();
    let mut checks = 0u64;
    for n in 1..=knobs.pages {
        // Start one request, then ask it until it is ready, and only then start the next.
        let mut request = fetch(slow_web::page(n).delay(knobs.latency_ms).to_url());
        let page = loop {
            checks += 1;
            if let std::task::Poll::Ready(page) = poll_once(&mut request) {
                break page?;
            }
            if checks.is_multiple_of(CHECKS_PER_BATCH.into()) {
                busy(CHECK_COST * CHECKS_PER_BATCH);
                yield_now().await;
            }
        };
        println!("page {n}: {} bytes", page.body.len());
    }
    let elapsed = now() - started;
    println!(
        "{} pages in {} ms, {checks} checks",
        knobs.pages,
        elapsed.as_millis()
    );
    Ok(())
}
// ANCHOR_END: shown
