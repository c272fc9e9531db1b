//! Thousands of tasks on one thread: a task is only a small heap object

use tutor::{prelude::*, println};

tutor::knobs! {
    tasks: 1..=50000 = 1000,
    sleep_ms: 0..=2000 = 200,
}

// ANCHOR: shown
pub async fn run(knobs: Knobs) -> Result {
    let started = now();
    // Each task is a future on the heap plus a little bookkeeping: no stack of its own, no
    // thread. Spawning thousands costs milliseconds, not megabytes.
    let tasks: Vec<JoinHandle<()>> = (0..knobs.tasks)
        .map(|_| spawn(sleep(Duration::from_millis(knobs.sleep_ms.into()))))
        .collect();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{} tasks spawned in {:.1} ms",
        knobs.tasks,
        ms(now() - started)
    );
    // They all sleep at the same time, so waiting for every one takes one sleep.
    for task in tasks {
        task.await?;
    }
    println!("all done after {:.1} ms", ms(now() - started));
    Ok(())
}
// ANCHOR_END: shown
