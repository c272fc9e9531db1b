//! A future completed by hand: a callback fills a one-shot channel

use tutor::callbacks::get;
use tutor::sync::oneshot;
use tutor::{prelude::*, println};

tutor::knobs! {
    latency_ms: 0..=3000 = 300,
    send_answer: 0..=1 = 1,
}

// ANCHOR: shown
/// Lesson 4's callback API, `get(url, then)`, turned into a future of the page's size.
fn page_size(n: u32, knobs: Knobs) -> oneshot::Receiver<Result<usize, String>> {
    // The receiving half is the future; the sending half completes it, once.
    let (tx, rx) = oneshot::channel();
    get(
        slow_web::page(n).delay(knobs.latency_ms).to_url(),
        move |answer| {
            let size = answer
                .map(|page| page.body.len())
                .map_err(|e| e.to_string());
            if knobs.send_answer == 1 {
                // `send` is what Python's `future.set_result` is: it stores the value and wakes
                // whoever awaits the receiver.
                let _ = tx.send(size);
            } else {
                // A callback that forgets to answer: `tx` is dropped here, unsent.
                println!("callback: page {n} came, and nothing was sent");
            }
        },
    );
    rx
}

pub async fn run(knobs: Knobs) -> Result {
    match page_size(1, knobs).await {
        Ok(size) => println!("page 1: {} bytes", size?),
        // When the sender is dropped unsent, the receiver is ready with an error at once:
        // nobody waits forever for a value that cannot come.
        Err(_) => println!("page 1: the sender was dropped unsent"),
    }
    Ok(())
}
// ANCHOR_END: shown
