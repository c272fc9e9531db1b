//! Wait for every task, even after one has failed

use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=20 = 5,
    latency_ms: 0..=1000 = 300,
    broken_page: 0..=20 = 2,
}

/// Page `n` takes `n` × latency; the broken page answers HTTP 500 when its time comes.
async fn download(n: u32, knobs: Knobs) -> Result<usize> {
    let fail = if n == knobs.broken_page { 100 } else { 0 };
    let url = slow_web::page(n)
        .delay(n * knobs.latency_ms)
        .fail(fail)
        .to_url();
    let page = fetch(url).await?.error_for_status()?;
    println!("page {n}: {} bytes", page.body.len());
    Ok(page.body.len())
}

// ANCHOR: shown
pub async fn run(knobs: Knobs) -> Result {
    let start = now();
    let tasks: Vec<_> = (1..=knobs.pages)
        .map(|n| spawn_named(format!("page {n}"), download(n, knobs)))
        .collect();
    // Wait for all of them, as `asyncio.gather` does. One task's error does not stop the
    // others: each runs to its end, and only then are the results looked at.
    let results = join_all(tasks).await;
    let ms = (now() - start).as_millis();
    let failed = results.iter().filter(|r| !matches!(r, Ok(Ok(_)))).count();
    println!(
        "all {} tasks ended at {ms} ms, {failed} failed",
        results.len()
    );
    for result in results {
        if let Err(e) = result? {
            println!("first error: {e}");
            break;
        }
    }
    Ok(())
}
// ANCHOR_END: shown
