//! One thread, two tasks, one shared total: an update lost across an `.await`

use std::cell::Cell;
use std::rc::Rc;

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
/// Adds the words of `pages` pages to the shared total. Returns how many it added.
async fn count(name: &str, first: u32, knobs: Knobs, total: Rc<Cell<u32>>) -> Result<u32> {
    let mut mine = 0;
    for n in first..first + knobs.pages {
        // Read the total...
        let before = total.get();
        // ...wait for a page (meanwhile the other task runs, and adds its own words)...
        let words = words_on(n, knobs).await?;
        // ...and write back a total that never saw them.
        total.set(before + words);
        mine += words;
        println!(
            "{name}: page {n} has {words} words; total now {}",
            total.get()
        );
    }
    Ok(mine)
}

pub async fn run(knobs: Knobs) -> Result {
    let total = Rc::new(Cell::new(0));
    let a = spawn_named("A", count("A", 1, knobs, total.clone()));
    let b = spawn_named("B", count("B", 101, knobs, total.clone()));
    let counted = a.await?? + b.await??;
    println!(
        "the tasks counted {counted} words; the total says {}",
        total.get()
    );
    println!("words lost: {}", counted - total.get());
    Ok(())
}
// ANCHOR_END: shown
