//! Download N pages at once: one task per page, all waiting together

use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=50 = 10,
    latency_ms: 0..=3000 = 1000,
    fail_percent: 0..=100 = 0,
    jitter_ms: 0..=3000 = 0,
}

// ANCHOR: shown
/// One download. `.await` hands control back to the executor until the response is in, so
/// while this task waits, every other task can run.
async fn download(n: u32, knobs: Knobs) -> Result<usize> {
    let url = slow_web::page(n)
        .delay(knobs.latency_ms)
        .jitter(knobs.jitter_ms)
        .fail(knobs.fail_percent)
        .to_url();
    // `?` turns a failed request (or an HTTP error status) into this task's error.
    let page = fetch(url).await?.error_for_status()?;
    println!("page {n}: {} bytes", page.body.len());
    Ok(page.body.len())
}

pub async fn run(knobs: Knobs) -> Result {
    // Start every download first: `spawn` puts a task on the ready queue and returns at once.
    let tasks: Vec<_> = (1..=knobs.pages)
        .map(|n| spawn_named(format!("page {n}"), download(n, knobs)))
        .collect();
    // Then wait for all of them. They wait on the network together, so the total is about
    // one latency, not pages × latency. The handles are awaited in page order, whatever order
    // the pages arrive in. The first `?` is the task's JoinError (it panicked or was
    // cancelled), the second is the error the download returned.
    let mut total = 0;
    for task in tasks {
        total += task.await??;
    }
    println!("{} pages, {total} bytes", knobs.pages);
    Ok(())
}
// ANCHOR_END: shown
