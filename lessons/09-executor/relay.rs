//! The same work under each of the browser's three ways to hand the executor a turn

use tutor::{prelude::*, println};

tutor::knobs! {
    work_ms: 0..=1000 = 200,
    pages: 1..=20 = 5,
    latency_ms: 0..=1000 = 20,
}

// tutor: schedulers

// ANCHOR: shown
/// 1 ms of computation at a time, stepping aside after each: turn after turn, each ended by the
/// time slice with `crunch` still ready, so each asks the browser for the next one at once.
async fn crunch(work_ms: u32) {
    let started = now();
    for _ in 0..work_ms {
        busy(Duration::from_millis(1));
        yield_now().await;
    }
    let took = (now() - started).as_millis();
    println!("crunch: {work_ms} ms of work took {took} ms");
}

/// Pages one after another: each answer comes from the browser and wakes this task.
async fn download(pages: u32, latency_ms: u32) -> Result {
    let started = now();
    for n in 1..=pages {
        fetch(slow_web::page(n).delay(latency_ms).to_url()).await?;
    }
    let took = (now() - started).as_millis();
    println!("{pages} pages one after another took {took} ms");
    Ok(())
}

pub async fn run(knobs: Knobs) -> Result {
    let crunch = spawn_named("crunch", crunch(knobs.work_ms));
    let pages = spawn_named("pages", download(knobs.pages, knobs.latency_ms));
    crunch.await?;
    pages.await??;
    Ok(())
}
// ANCHOR_END: shown
