//! Download N pages at once: one task per page, all waiting together

use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=50 = 10,
    latency_ms: 0..=3000 = 1000,
}

/// One download. `.await` hands control back to the executor until the response is in, so
/// while this task waits, every other task can run.
async fn download(n: u32, latency_ms: u32) -> Result<usize> {
    let url = slow_web::page(n).delay(latency_ms).to_url();
    let page = fetch(url).await?.error_for_status()?;
    println!("page {n}: {} bytes", page.body.len());
    Ok(page.body.len())
}

pub async fn run(knobs: Knobs) -> Result {
    // Start every download first: `spawn` puts a task on the ready queue and returns at once.
    let tasks: Vec<_> = (1..=knobs.pages)
        .map(|n| spawn_named(format!("page {n}"), download(n, knobs.latency_ms)))
        .collect();
    // Then wait for all of them. They wait on the network together, so the total is about
    // one latency, not pages × latency.
    let mut total = 0;
    for task in tasks {
        total += task.await??;
    }
    println!("{} pages, {total} bytes", knobs.pages);
    Ok(())
}
