//! The same total behind the executor's async Mutex: no update lost, and the tasks take turns

use std::rc::Rc;

use tutor::sync::Mutex;
use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=10 = 3,
    latency_ms: 0..=3000 = 300,
}

/// How many words page `n` has, once it has arrived.
async fn words_on(n: u32, knobs: Knobs) -> Result<u32> {
    let url = slow_web::page(n).delay(knobs.latency_ms).to_url();
    let page = fetch(url).await?.error_for_status()?;
    Ok(page.text().split_whitespace().count() as u32)
}

// ANCHOR: shown
async fn count(name: &str, first: u32, knobs: Knobs, total: Rc<Mutex<u32>>) -> Result<u32> {
    let mut mine = 0;
    for n in first..first + knobs.pages {
        // Take the lock before reading, and keep it until the write: the other task now waits
        // here (a lane that waits on a lock) instead of changing the total behind our back.
        let mut locked = total.lock().await;
        let words = words_on(n, knobs).await?;
        *locked += words;
        mine += words;
        println!("{name}: page {n} has {words} words; total now {}", *locked);
    } // each guard unlocks at the end of its round
    Ok(mine)
}

pub async fn run(knobs: Knobs) -> Result {
    let total = Rc::new(Mutex::new(0));
    let a = spawn_named("A", count("A", 1, knobs, total.clone()));
    let b = spawn_named("B", count("B", 101, knobs, total.clone()));
    let counted = a.await?? + b.await??;
    let total = *total.lock().await;
    println!("the tasks counted {counted} words; the total says {total}");
    println!("words lost: {}", counted - total);
    Ok(())
}
// ANCHOR_END: shown
