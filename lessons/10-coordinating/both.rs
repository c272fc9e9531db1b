//! Ask two mirrors for the same page and wait for both

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
    // `join` polls both futures whenever either is woken, and is ready once both are: it
    // takes as long as the slower mirror, and hands back both answers.
    let (a, b) = join(a, b).await;
    println!("both answered: {} and {} bytes", a?, b?);
    Ok(())
}
// ANCHOR_END: shown
