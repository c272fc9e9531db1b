//! A future that forgets its waker: it returns Pending and nothing will ever wake it

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tutor::{prelude::*, println};

tutor::knobs! {
    keep_waker: 0..=1 = 0,
}

// ANCHOR: shown
/// Ready once `deadline` has passed. It checks the clock when polled, but it is only ever
/// polled again if something wakes its task.
struct Deadline {
    deadline: Duration,
    keep_waker: bool,
}

impl Future for Deadline {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if now() >= self.deadline {
            return Poll::Ready(());
        }
        if self.keep_waker {
            // The fix: hand the waker to something that will call it: here, a timer.
            let waker = cx.waker().clone();
            let wait = self.deadline - now();
            let _timer = spawn_named("timer", async move {
                sleep(wait).await;
                waker.wake();
            });
        }
        // The bug (with keep_waker at 0): Pending, and the waker was dropped. The executor
        // will not poll this task again, because nobody can tell it to.
        Poll::Pending
    }
}

pub async fn run(knobs: Knobs) -> Result {
    let deadline = now() + Duration::from_millis(500);
    let keep_waker = knobs.keep_waker == 1;
    let task = spawn_named(
        "deadline",
        Deadline {
            deadline,
            keep_waker,
        },
    );
    // Give it two seconds: four times what it needs.
    match timeout(Duration::from_secs(2), task).await {
        Ok(_) => println!("ready after {} ms", now().as_millis()),
        Err(_) => println!("still Pending after 2 s: the executor says why"),
    }
    Ok(())
}
// ANCHOR_END: shown
