//! A long computation beside a ticker: in one piece, or in chunks with `yield_now`

use tutor::{prelude::*, println};

tutor::knobs! {
    work_ms: 0..=3000 = 600,
    chunk_ms: 0..=1000 = 0,
    tick_ms: 10..=500 = 100,
}

// ANCHOR: shown
/// Computes for `work` (as `busy` does: the thread is taken, nothing else runs). With `chunk`
/// at zero, in one piece; otherwise a chunk at a time, stepping aside after each.
async fn crunch(work: Duration, chunk: Duration) {
    if chunk.is_zero() {
        // This poll returns only when all the work is done.
        busy(work);
    } else {
        let mut left = work;
        while !left.is_zero() {
            let piece = left.min(chunk);
            busy(piece);
            left -= piece;
            // To the back of the ready queue: the tasks already there are polled first.
            yield_now().await;
        }
    }
    println!("crunch: {} ms of work done", work.as_millis());
}

/// Wants to run every `tick` for as long as the work lasts; says how late each tick was.
async fn ticker(tick: Duration, until: Duration) -> Duration {
    let start = now();
    let mut worst = Duration::ZERO;
    let mut i = 1;
    while tick * i <= until {
        let due = start + tick * i;
        sleep(due.saturating_sub(now())).await;
        let late = now() - due;
        println!("tick {i}: {} ms late", late.as_millis());
        worst = worst.max(late);
        i += 1;
    }
    worst
}

pub async fn run(knobs: Knobs) -> Result {
    let work = Duration::from_millis(knobs.work_ms.into());
    let tick = Duration::from_millis(knobs.tick_ms.into());
    let chunk = Duration::from_millis(knobs.chunk_ms.into());
    let ticker = spawn_named("ticker", ticker(tick, work));
    let crunch = spawn_named("crunch", crunch(work, chunk));
    crunch.await?;
    let worst = ticker.await?;
    println!("worst lateness: {} ms", worst.as_millis());
    Ok(())
}
// ANCHOR_END: shown
