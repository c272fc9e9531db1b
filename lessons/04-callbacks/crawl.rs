//! Download N pages with callbacks: ask for every page, then react as each one arrives

use std::cell::RefCell;
use std::rc::Rc;

use tutor::callbacks::{get, run_until_idle};
use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=50 = 10,
    latency_ms: 0..=3000 = 1000,
    jitter_ms: 0..=3000 = 500,
}

// ANCHOR: shown
pub async fn run(knobs: Knobs) -> Result {
    // Every callback adds to this list. No single function owns it any more, so it is shared
    // (`Rc`) and borrowed only for the moment it is changed (`RefCell`).
    let arrived = Rc::new(RefCell::new(Vec::new()));
    for n in 1..=knobs.pages {
        let arrived = arrived.clone();
        // Each page takes the latency plus up to `jitter_ms` more, as real networks vary.
        let url = slow_web::page(n)
            .delay(knobs.latency_ms)
            .jitter(knobs.jitter_ms)
            .to_url();
        // `get` sends the request and returns at once. The closure is kept and called later,
        // when page n arrives.
        get(url, move |answer| match answer {
            Ok(page) => {
                println!("page {n}: {} bytes", page.body.len());
                arrived.borrow_mut().push((n, page.body.len()));
            }
            Err(e) => println!("page {n} failed: {e}"),
        });
    }
    println!("{} requests sent, none answered yet", knobs.pages);
    // Give the thread to the event loop until no callback is left to call.
    run_until_idle().await;
    let arrived = arrived.borrow();
    let order: Vec<String> = arrived.iter().map(|(n, _)| n.to_string()).collect();
    println!("in the order they arrived: {}", order.join(", "));
    let bytes: usize = arrived.iter().map(|(_, size)| size).sum();
    println!("{} pages, {bytes} bytes", arrived.len());
    Ok(())
}
// ANCHOR_END: shown
