//! Drop a task's handle: the task goes on alone

use tutor::{prelude::*, println};

tutor::knobs! {
    latency_ms: 0..=3000 = 1000,
    patience_ms: 0..=3000 = 300,
}

/// A page, in a task of its own.
async fn download(n: u32, latency_ms: u32) -> Result<usize> {
    let page = fetch(slow_web::page(n).delay(latency_ms).to_url()).await?;
    println!(
        "page {n} arrived: {} bytes, and nobody was waiting",
        page.body.len()
    );
    Ok(page.body.len())
}

// ANCHOR: shown
pub async fn run(knobs: Knobs) -> Result {
    let task = spawn_named("page 3", download(3, knobs.latency_ms));
    sleep(Duration::from_millis(knobs.patience_ms.into())).await;
    // Dropping a `JoinHandle` does not cancel its task: the task is detached, and runs to the
    // end with nobody to hand its result to. (Dropping a plain future does cancel it.)
    drop(task);
    println!("handle dropped at {} ms", knobs.patience_ms);
    // The run ends when `main` does, so wait here to see the detached task finish.
    sleep(Duration::from_millis(knobs.latency_ms.into())).await;
    Ok(())
}
// ANCHOR_END: shown
