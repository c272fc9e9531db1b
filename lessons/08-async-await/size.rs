//! How big is a future? As big as what it keeps across its `.await`s

use tutor::{prelude::*, println};

tutor::knobs! {
    latency_ms: 0..=3000 = 500,
}

/// The crawl's download, unchanged.
async fn download(n: u32, knobs: Knobs) -> Result<usize> {
    let url = slow_web::page(n).delay(knobs.latency_ms).to_url();
    let page = fetch(url).await?.error_for_status()?;
    println!("page {n}: {} bytes", page.body.len());
    Ok(page.body.len())
}

// ANCHOR: shown
/// The same download, keeping a 4 KB buffer alive across its `.await`.
async fn download_into_buffer(n: u32, knobs: Knobs) -> Result<usize> {
    let mut buffer = [0u8; 4096];
    let url = slow_web::page(n).delay(knobs.latency_ms).to_url();
    let page = fetch(url).await?.error_for_status()?; // `buffer` must survive this wait
    let len = page.body.len().min(buffer.len());
    buffer[..len].copy_from_slice(&page.body[..len]);
    Ok(len)
}

pub async fn run(knobs: Knobs) -> Result {
    // Calling an async fn runs none of it: it only builds the state machine, whose size the
    // compiler knows. It holds the arguments, the state, and every local alive at an `.await`.
    let small = download(1, knobs);
    let big = download_into_buffer(2, knobs);
    let size = |bytes: usize| format!("{bytes} bytes");
    println!(
        "download(1) is a future of {}",
        size(std::mem::size_of_val(&small))
    );
    println!(
        "download_into_buffer(2) keeps 4096 bytes across its .await: {}",
        size(std::mem::size_of_val(&big))
    );
    // Each spawned task is one box of that size on the heap; nothing else grows while it waits.
    let a = spawn_named("download(1)", small);
    let b = spawn_named("download_into_buffer(2)", big);
    println!("both downloads done: {} and {} bytes", a.await??, b.await??);
    Ok(())
}
// ANCHOR_END: shown
