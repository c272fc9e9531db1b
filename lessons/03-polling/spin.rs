//! Start every request, then ask each one "are you ready?" over and over

use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=50 = 10,
    latency_ms: 0..=3000 = 1000,
}

// ANCHOR: shown
/// On an operating system, asking a socket "ready yet?" is a system call: about a microsecond
/// of processor time. Here a check costs almost nothing, so the loop pays that price on purpose
/// with `busy`, for a batch of checks at a time.
const CHECK_COST: Duration = Duration::from_micros(1);
const CHECKS_PER_BATCH: u32 = 250;

pub async fn run(knobs: Knobs) -> Result {
    let (started, turns_before) = (now(), turns());
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
            if checks.is_multiple_of(CHECKS_PER_BATCH.into()) {
                busy(CHECK_COST * CHECKS_PER_BATCH);
                // Step aside to the back of the ready queue. Nothing else is ready, so the
                // executor polls this task again at once; the browser gets the thread only
                // when the executor's turn is used up (see the prose).
                yield_now().await;
            }
        }
    }
    let elapsed = now() - started;
    println!("{} pages in {} ms", knobs.pages, elapsed.as_millis());
    println!("{checks} checks, {wasted} of them wasted: the thread never rested");
    let ms = elapsed.as_millis().max(1) as u64;
    println!("checks per millisecond: {}", checks / ms);
    // How often did the browser get the thread? Once between every two executor turns.
    let turns = turns() - turns_before;
    println!(
        "the browser had the thread {turns} times, about every {:.0} ms",
        ms as f64 / turns.max(1) as f64
    );
    Ok(())
}
// ANCHOR_END: shown
