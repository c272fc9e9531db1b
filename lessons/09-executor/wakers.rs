//! Who keeps each task's waker while it waits, and who wakes it

use tutor::sync::oneshot;
use tutor::{prelude::*, println};

tutor::knobs! {
    latency_ms: 0..=3000 = 300,
    deadline_ms: 0..=3000 = 1000,
}

// ANCHOR: shown
pub async fn run(knobs: Knobs) -> Result {
    let latency = knobs.latency_ms;
    // One copy of the waker, kept by the request: its answer wakes the task.
    let page = spawn_named("page", async move {
        fetch(slow_web::page(1).delay(latency).to_url()).await
    });
    // Two copies: the request keeps one and the deadline's timer the other. Whichever comes
    // first wakes the task; `timeout` then drops the other.
    let deadline = Duration::from_millis(knobs.deadline_ms.into());
    let raced = spawn_named("page or deadline", async move {
        timeout(deadline, fetch(slow_web::page(2).delay(latency).to_url())).await
    });
    // One copy, kept by the channel until something is sent on it.
    let (tx, rx) = oneshot::channel::<usize>();
    let listener = spawn_named("listener", async move {
        match rx.await {
            Ok(bytes) => println!("listener: told {bytes} bytes"),
            Err(_) => println!("listener: the sender went away without a word"),
        }
    });
    // And this task: one copy, kept by the task it joins, which wakes it when it ends.
    let bytes = page.await??.body.len();
    let _ = tx.send(bytes);
    match raced.await? {
        Ok(response) => println!("page 2 beat the deadline: {} bytes", response?.body.len()),
        Err(_) => println!("the deadline came first: page 2 was dropped"),
    }
    listener.await?;
    Ok(())
}
// ANCHOR_END: shown
