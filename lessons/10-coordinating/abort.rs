//! Cancel a task with `abort`

use tutor::{prelude::*, println};

tutor::knobs! {
    latency_ms: 0..=3000 = 1000,
    patience_ms: 0..=3000 = 300,
}

/// A page, in a task of its own.
async fn download(n: u32, latency_ms: u32) -> Result<usize> {
    let page = fetch(slow_web::page(n).delay(latency_ms).to_url()).await?;
    println!("page {n} arrived: {} bytes", page.body.len());
    Ok(page.body.len())
}

// ANCHOR: shown
pub async fn run(knobs: Knobs) -> Result {
    let task = spawn_named("page 2", download(2, knobs.latency_ms));
    sleep(Duration::from_millis(knobs.patience_ms.into())).await;
    // `abort` ends the task from outside: the executor drops its future where it waits (here
    // in the middle of `fetch`, which aborts the request) and never polls it again. Whoever
    // awaits the handle gets `JoinError::Cancelled`.
    task.abort();
    match task.await {
        Ok(bytes) => println!("too late to cancel: page 2 had {} bytes", bytes?),
        Err(JoinError::Cancelled) => println!("the task was cancelled at {} ms", knobs.patience_ms),
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
// ANCHOR_END: shown
