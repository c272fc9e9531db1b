//! Workers share nothing: a word counter kept with messages

use tutor::{prelude::*, println, threads};

tutor::knobs! {
    pages: 1..=32 = 6,
    latency_ms: 0..=3000 = 500,
    workers: 1..=16 = 3,
}

// ANCHOR: shown
// A worker gets its input as bytes and can only answer with bytes. It cannot reach `total`
// below: `count_words` is a plain `fn`, not a closure, so it captures nothing, and in the
// browser the worker does not even share memory with this thread.
fn count_words(url: Vec<u8>) -> Vec<u8> {
    let url = String::from_utf8(url).expect("the URL was sent as text");
    let words = match fetch_blocking(&url) {
        Ok(page) => String::from_utf8_lossy(&page.body)
            .split_whitespace()
            .count() as u32,
        Err(e) => {
            println!("{e}"); // shows up on the card, marked with the worker's number
            0
        }
    };
    // The message back: the count, as four bytes.
    words.to_le_bytes().to_vec()
}

tutor::jobs! { count_words }

pub async fn run(knobs: Knobs) -> Result {
    let _pool = threads::start_pool(knobs.workers).await?;
    let jobs: Vec<_> = (1..=knobs.pages)
        .map(|n| jobs::count_words.spawn(slow_web::page(n).delay(knobs.latency_ms).to_url()))
        .collect();
    // Only this thread touches `total`. Each worker's answer is a message, and adding it up
    // here is the only update: no lock, no race.
    let mut total = 0;
    for (n, job) in (1..).zip(jobs) {
        let message = job.await?;
        let words = u32::from_le_bytes(message.try_into().map_err(|_| "a bad message")?);
        total += words;
        println!("page {n} sent {words} words; total {total}");
    }
    Ok(())
}
// ANCHOR_END: shown
