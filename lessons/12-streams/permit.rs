//! A permit given back by `Drop`: on success, on error, on cancellation

use std::rc::Rc;

use tutor::sync::Semaphore;
use tutor::{prelude::*, println};

tutor::knobs! {
    latency_ms: 0..=3000 = 1000,
    broken_page: 0..=3 = 0,
    cancel_ms: 0..=3000 = 300,
}

// ANCHOR: shown
/// A permit of the semaphore, and a line when it goes back: `Drop` runs whenever the value
/// goes away, however that happens. It may not `.await`, and here it need not: giving a permit
/// back is immediate.
struct Held<'a> {
    page: u32,
    _permit: tutor::sync::Permit<'a>,
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        println!("page {}: permit given back", self.page);
    }
}

async fn download(n: u32, permits: Rc<Semaphore>, knobs: Knobs) -> Result<usize> {
    let _held = Held {
        page: n,
        _permit: permits.acquire().await?,
    };
    println!("page {n}: downloading");
    let fail = if n == knobs.broken_page { 100 } else { 0 };
    let url = slow_web::page(n)
        .delay(knobs.latency_ms)
        .fail(fail)
        .to_url();
    // On an error, `?` returns here: `_held` is dropped on the way out.
    let page = fetch(url).await?.error_for_status()?;
    // If the task is cancelled while it waits above, this line never runs, but `_held` is
    // dropped all the same.
    println!("page {n}: {} bytes", page.body.len());
    Ok(page.body.len())
}

pub async fn run(knobs: Knobs) -> Result {
    // One permit: the three pages take turns.
    let permits = Rc::new(Semaphore::new(1));
    let tasks: Vec<_> = (1..=3)
        .map(|n| spawn_named(format!("page {n}"), download(n, permits.clone(), knobs)))
        .collect();
    if knobs.cancel_ms > 0 {
        // Cancel page 1 half-way: its permit comes back, and page 2 starts at once.
        sleep(Duration::from_millis(knobs.cancel_ms.into())).await;
        tasks[0].abort();
    }
    for (n, task) in (1..).zip(tasks) {
        match task.await {
            Ok(Ok(bytes)) => println!("page {n}: done, {bytes} bytes"),
            Ok(Err(e)) => println!("page {n}: failed: {e}"),
            Err(e) => println!("page {n}: {e}"),
        }
    }
    Ok(())
}
// ANCHOR_END: shown
