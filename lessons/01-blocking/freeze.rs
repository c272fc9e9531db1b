//! The same blocking wait, on the page's own thread: the whole page freezes
// tutor: page-thread

use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=5 = 3,
    latency_ms: 100..=1000 = 700,
}

// ANCHOR: shown
pub fn run(knobs: Knobs) -> Result {
    for n in 1..=knobs.pages {
        // A page may not make a blocking request to the slow web (its service worker does not
        // see synchronous requests from the page itself), so this waits the way a blocking
        // call waits: by not returning until the answer would have come.
        busy(Duration::from_millis(knobs.latency_ms.into()));
        println!("page {n}: answered after {} ms", knobs.latency_ms);
    }
    Ok(())
}
// ANCHOR_END: shown
