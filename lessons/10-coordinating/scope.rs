//! A scope of tasks: the first error cancels the rest

use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=20 = 5,
    latency_ms: 0..=1000 = 300,
    broken_page: 0..=20 = 2,
}

/// Page `n` takes `n` × latency; the broken page answers HTTP 500 when its time comes.
async fn download(n: u32, knobs: Knobs) -> Result<usize> {
    let fail = if n == knobs.broken_page { 100 } else { 0 };
    let url = slow_web::page(n)
        .delay(n * knobs.latency_ms)
        .fail(fail)
        .to_url();
    let page = fetch(url).await?.error_for_status()?;
    println!("page {n}: {} bytes", page.body.len());
    Ok(page.body.len())
}

// ANCHOR: shown
pub async fn run(knobs: Knobs) -> Result {
    let start = now();
    // A `TaskSet` owns its tasks: none of them outlives it.
    let mut scope = TaskSet::new();
    for n in 1..=knobs.pages {
        scope.spawn_named(format!("page {n}"), download(n, knobs));
    }
    // `try_join_all` waits for every task, but the first error aborts the others, and
    // it returns once they have all ended: nothing is left running behind it.
    let result = scope.try_join_all().await;
    let ms = (now() - start).as_millis();
    match result {
        Ok(sizes) => println!("all {} pages in at {ms} ms", sizes.len()),
        Err(e) => println!("stopped at {ms} ms: {e}; the other tasks were cancelled"),
    }
    Ok(())
}
// ANCHOR_END: shown
