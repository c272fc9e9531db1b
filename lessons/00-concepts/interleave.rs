//! Two tasks take turns on one thread

use tutor::{prelude::*, println};

tutor::knobs! {
    slices: 1..=20 = 4,
    slice_ms: 1..=500 = 50,
}

// ANCHOR: shown
// One task's work: a few slices of computation, stepping aside after each.
async fn work(name: &str, knobs: Knobs) {
    for slice in 1..=knobs.slices {
        busy(Duration::from_millis(knobs.slice_ms.into())); // the thread is in use
        println!("{name}: slice {slice} done");
        // Give the thread back: the other task runs its next slice before this one goes on.
        yield_now().await;
    }
}

pub async fn run(knobs: Knobs) -> Result {
    // Both tasks are in progress at once (concurrency), but one thread runs them, one slice
    // at a time, so the total is the sum of all the slices.
    let a = spawn_named("A", work("A", knobs));
    let b = spawn_named("B", work("B", knobs));
    a.await?;
    b.await?;
    Ok(())
}
// ANCHOR_END: shown
