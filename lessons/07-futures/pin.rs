//! A future that borrows from itself, and why it must stay where it is

use std::cell::Cell;
use std::rc::Rc;

use tutor::{prelude::*, println};

tutor::knobs! {
    sleep_ms: 0..=3000 = 300,
}

// ANCHOR: shown
pub async fn run(knobs: Knobs) -> Result {
    // Where the future keeps its local `words`, seen from inside, before and after the wait.
    let seen = Rc::new(Cell::new((0usize, 0usize)));
    let report = seen.clone();
    let future = async move {
        let words = ["poll", "wake", "pin"]; // a local of the async block...
        let first = &words[0]; // ...and a borrow of it
        let before = words.as_ptr() as usize;
        // Stopped here, the future must keep both `words` and `first` until it resumes:
        // `first` is now a pointer into the future itself.
        sleep(Duration::from_millis(knobs.sleep_ms.into())).await;
        report.set((before, words.as_ptr() as usize));
        println!("after the wait, `first` still reads {first:?}");
    };
    // Not polled yet: nothing is borrowed, and the future is an ordinary value that may move.
    println!(
        "a future of {} bytes, not started",
        std::mem::size_of_val(&future)
    );
    // `spawn` moves it once, into a box on the heap, and polls it only there: pinned.
    let task = spawn_named("borrows itself", future);
    task.await?;
    let (before, after) = seen.get();
    println!(
        "`words` stayed in the same place across the wait: {}",
        before == after
    );
    Ok(())
}
// ANCHOR_END: shown
