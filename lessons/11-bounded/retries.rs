//! A semaphore, and up to four tries per page with backoff

use std::rc::Rc;

use tutor::sync::Semaphore;
use tutor::{prelude::*, println, state};

tutor::knobs! {
    pages: 10..=1000 = 200,
    limit: 1..=64 = 16,
    latency_ms: 0..=2000 = 200,
    jitter_ms: 0..=2000 = 200,
    fail_percent: 0..=100 = 2,
    capacity: 1..=256 = 16,
    backoff_ms: 0..=2000 = 100,
    hold_permit: 0..=1 = 0,
}

// tutor: sweep limit

/// Tries per page, the first included.
const TRIES: u32 = 4;

/// Try `attempt` (0 for the first) of page `n`. Each try has its own draw of jitter and failure.
async fn download(n: u32, attempt: u32, knobs: Knobs) -> Result<u16> {
    let url = slow_web::page(n)
        .delay(knobs.latency_ms)
        .jitter(knobs.jitter_ms)
        .fail(knobs.fail_percent)
        .capacity(knobs.capacity)
        .attempt(attempt)
        .to_url();
    Ok(fetch(url).await?.status)
}

// ANCHOR: shown
/// How long to wait after failed try `attempt`: the backoff doubles with each try, and a
/// random share of it (its jitter) keeps pages that failed together from coming back together.
fn backoff(n: u32, attempt: u32, knobs: Knobs) -> Duration {
    let full = f64::from(knobs.backoff_ms) * f64::from(1 << attempt);
    Duration::from_secs_f64(full * (0.5 + 0.5 * random(n, attempt)) / 1000.0)
}

/// Page `n`, tried up to four times. A permit is held only while a request is out, unless
/// `hold_permit` is 1: then it is held from the first try to the last, backoffs included.
async fn download_with_retries(n: u32, permits: Rc<Semaphore>, knobs: Knobs) -> Result<u16> {
    state!("waiting for a permit");
    let held = if knobs.hold_permit == 1 {
        Some(permits.acquire().await?)
    } else {
        None
    };
    for attempt in 0.. {
        let status = {
            let _permit = match held {
                Some(_) => None,
                None => Some(permits.acquire().await?),
            };
            state!("downloading");
            download(n, attempt, knobs).await?
        }; // without `hold_permit`, the permit goes back here, before any backing off
        if status == 200 || attempt + 1 == TRIES {
            state!(if status == 200 { "done" } else { "failed" });
            return Ok(status);
        }
        state!("backing off");
        sleep(backoff(n, attempt, knobs)).await;
        state!("waiting for a permit");
    }
    unreachable!("the loop returns on its last try")
}

pub async fn run(knobs: Knobs) -> Result {
    let start = now();
    let permits = Rc::new(Semaphore::new(knobs.limit as usize));
    let tasks: Vec<_> = (1..=knobs.pages)
        .map(|n| {
            let permits = permits.clone();
            spawn_named(format!("page {n}"), async move {
                let status = download_with_retries(n, permits, knobs).await?;
                Ok::<_, Box<dyn std::error::Error>>((status, now() - start))
            })
        })
        .collect();
    // When each page was in, in order: how fast the batch went, and how long its tail was.
    let mut times = Vec::new();
    for task in tasks {
        if let (200, at) = task.await?? {
            times.push(at.as_millis());
        }
    }
    times.sort_unstable();
    let ninety = times.get(times.len() * 9 / 10).copied().unwrap_or_default();
    let last = times.last().copied().unwrap_or_default();
    let failed = knobs.pages as usize - times.len();
    println!(
        "{} pages in, {failed} failed after {TRIES} tries",
        times.len()
    );
    println!("90 % of the pages in at {ninety} ms, all at {last} ms");
    Ok(())
}
// ANCHOR_END: shown
