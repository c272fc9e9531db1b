//! Ask two mirrors for the same page and take the first answer

use tutor::{prelude::*, println};

tutor::knobs! {
    mirror_a_ms: 0..=3000 = 300,
    mirror_b_ms: 0..=3000 = 900,
}

/// The page from one mirror. The slow web plays both mirrors: same page, its own latency.
async fn from_mirror(name: &str, latency_ms: u32) -> Result<usize> {
    let page = fetch(slow_web::page(1).delay(latency_ms).to_url())
        .await?
        .error_for_status()?;
    println!("mirror {name}: {} bytes", page.body.len());
    Ok(page.body.len())
}

// ANCHOR: shown
pub async fn run(knobs: Knobs) -> Result {
    let a = from_mirror("A", knobs.mirror_a_ms);
    let b = from_mirror("B", knobs.mirror_b_ms);
    // `select` is ready as soon as either future is, and drops the other one on the spot.
    // The loser is a `fetch` still waiting for its answer: dropping it aborts the request.
    match select(a, b).await {
        Either::Left(bytes) => println!("A won with {} bytes; B was dropped", bytes?),
        Either::Right(bytes) => println!("B won with {} bytes; A was dropped", bytes?),
    }
    Ok(())
}
// ANCHOR_END: shown
