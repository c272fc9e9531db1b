//! Download N pages on a pool of worker threads, one blocking call on each

use tutor::{prelude::*, println, threads};

tutor::knobs! {
    pages: 1..=32 = 8,
    latency_ms: 0..=3000 = 1000,
    workers: 1..=16 = 8,
}

// ANCHOR: shown
// This runs on a worker thread. It is lesson 1's blocking call, unchanged: while it waits,
// only its own worker waits. The URL arrives as bytes and the answer leaves as bytes, because
// a worker shares no memory with the thread that started it.
fn download(url: Vec<u8>) -> Vec<u8> {
    let url = String::from_utf8(url).expect("the URL was sent as text");
    match fetch_blocking(&url).and_then(|page| page.error_for_status()) {
        Ok(page) => format!("{} bytes", page.body.len()),
        Err(e) => format!("failed: {e}"),
    }
    .into_bytes()
}

// The functions a worker may be asked to run, by name.
tutor::jobs! { download }

pub async fn run(knobs: Knobs) -> Result {
    // Each worker loads its own copy of this program before it can take a job.
    let pool = threads::start_pool(knobs.workers).await?;
    let startup = pool.startup().as_millis();
    println!("{} workers ready after {startup} ms", pool.workers());
    match pool.memory_per_worker() {
        Some(bytes) => println!("each has a heap of its own: {:.1} MB", bytes as f64 / 1e6),
        None => println!("(a worker's memory is only measured in a real browser run)"),
    }
    // Hand every download to the pool at once. While all workers are busy, a job waits in
    // the pool's queue for the first one to come free.
    let jobs: Vec<_> = (1..=knobs.pages)
        .map(|n| jobs::download.spawn(slow_web::page(n).delay(knobs.latency_ms).to_url()))
        .collect();
    // A browser thread may not block until another thread is done, so this one waits with
    // `.await` (lesson 8 explains it). Read it as "join the thread".
    for (n, job) in (1..).zip(jobs) {
        let answer = job.await?;
        println!("page {n}: {}", String::from_utf8_lossy(&answer));
    }
    // With a worker for every page, the total is about the start-up plus one latency.
    Ok(())
}
// ANCHOR_END: shown
