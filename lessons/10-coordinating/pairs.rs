//! `select` in a loop: a future dropped half-way loses what it held

use std::pin::pin;

use tutor::sync::mpsc;
use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=20 = 8,
    latency_ms: 0..=1000 = 300,
    quiet_ms: 100..=3000 = 500,
    keep_future: 0..=1 = 0,
}

/// Downloads the pages one after another and sends each page's number on the channel.
async fn producer(tx: mpsc::Sender<u32>, knobs: Knobs) -> Result {
    for n in 1..=knobs.pages {
        fetch(slow_web::page(n).delay(knobs.latency_ms).to_url()).await?;
        tx.send(n).await?;
    }
    Ok(()) // `tx` is dropped here: the channel closes
}

// ANCHOR: shown
/// The next two pages, received one after the other. The first one waits in `first` while
/// the second is awaited: if this future is dropped then, the first page goes with it.
async fn next_pair(rx: &mut mpsc::Receiver<u32>) -> Option<(u32, Option<u32>)> {
    let first = rx.recv().await?;
    Some((first, rx.recv().await))
}

/// The trap: a new `next_pair` each time round. When the timer wins, `select` drops the
/// unfinished pair, and a page it had already taken from the channel.
async fn careless(rx: &mut mpsc::Receiver<u32>, tick: Duration, got: &mut Vec<u32>) {
    loop {
        match select(next_pair(rx), sleep(tick)).await {
            Either::Left(Some(pair)) => take(pair, got),
            Either::Left(None) => return,
            Either::Right(()) => println!("nothing for {} ms", tick.as_millis()),
        }
    }
}

/// The fix: make each pair's future once, and keep racing *it* against new timers until it
/// is done. `select` then drops only a borrow of it, and the pair keeps what it took.
async fn careful(rx: &mut mpsc::Receiver<u32>, tick: Duration, got: &mut Vec<u32>) {
    loop {
        let mut pair = pin!(next_pair(rx));
        let pair = loop {
            match select(pair.as_mut(), sleep(tick)).await {
                Either::Left(pair) => break pair,
                Either::Right(()) => println!("nothing for {} ms", tick.as_millis()),
            }
        };
        match pair {
            Some(pair) => take(pair, got),
            None => return,
        }
    }
}
// ANCHOR_END: shown

fn take((a, b): (u32, Option<u32>), got: &mut Vec<u32>) {
    got.push(a);
    got.extend(b);
    match b {
        Some(b) => println!("pair: pages {a} and {b}"),
        None => println!("last page alone: page {a}"),
    }
}

// ANCHOR: shown
pub async fn run(knobs: Knobs) -> Result {
    let (tx, mut rx) = mpsc::channel(knobs.pages as usize);
    let producer = spawn_named("producer", producer(tx, knobs));
    let tick = Duration::from_millis(knobs.quiet_ms.into());
    let mut got = Vec::new();
    if knobs.keep_future == 1 {
        careful(&mut rx, tick, &mut got).await;
    } else {
        careless(&mut rx, tick, &mut got).await;
    }
    producer.await??;
    let lost: Vec<u32> = (1..=knobs.pages).filter(|n| !got.contains(n)).collect();
    println!(
        "received {} of {} pages; lost: {lost:?}",
        got.len(),
        knobs.pages
    );
    Ok(())
}
// ANCHOR_END: shown
