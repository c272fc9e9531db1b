//! A small crawl, one turn of the executor at a time

use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=10 = 3,
    latency_ms: 0..=3000 = 300,
    timer_ms: 0..=3000 = 150,
}

// tutor: turns

// ANCHOR: shown
async fn download(n: u32, latency_ms: u32) -> Result<usize> {
    let page = fetch(slow_web::page(n).delay(latency_ms).to_url()).await?;
    println!("page {n}: {} bytes", page.body.len());
    Ok(page.body.len())
}

pub async fn run(knobs: Knobs) -> Result {
    // Turn 1 polls this task. Spawning only queues each new task behind it, and each of them
    // gets its first poll later in the same turn, once this task waits.
    let pages: Vec<_> = (1..=knobs.pages)
        .map(|n| spawn_named(format!("page {n}"), download(n, knobs.latency_ms)))
        .collect();
    let timer = spawn_named("timer", async move {
        sleep(Duration::from_millis(knobs.timer_ms.into())).await;
        println!("timer: {} ms are up", knobs.timer_ms);
    });
    for page in pages {
        page.await??;
    }
    timer.await?;
    println!("done in turn {}", turns());
    Ok(())
}
// ANCHOR_END: shown
