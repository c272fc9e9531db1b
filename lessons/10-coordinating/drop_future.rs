//! Cancel by dropping the future

use tutor::{prelude::*, println};

tutor::knobs! {
    latency_ms: 0..=3000 = 1000,
    patience_ms: 0..=3000 = 300,
}

// ANCHOR: shown
pub async fn run(knobs: Knobs) -> Result {
    let request = fetch(slow_web::page(1).delay(knobs.latency_ms).to_url());
    let patience = sleep(Duration::from_millis(knobs.patience_ms.into()));
    // No task here: the request is a future inside `main`. A future does nothing on its own,
    // and one that is dropped is never polled again. `select` drops the loser, and `fetch`
    // aborts its request when it is dropped half-way.
    match select(request, patience).await {
        Either::Left(page) => println!("page 1 came in time: {} bytes", page?.body.len()),
        Either::Right(()) => println!(
            "gave up after {} ms: the request was dropped, and aborted",
            knobs.patience_ms
        ),
    }
    Ok(())
}
// ANCHOR_END: shown
