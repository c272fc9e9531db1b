//! Clean-up that must wait: `close().await`, or a `Drop` that cannot

use tutor::{prelude::*, println};

tutor::knobs! {
    latency_ms: 0..=2000 = 200,
    close: 0..=1 = 1,
}

// ANCHOR: shown
/// A session with a server that wants to be told goodbye: one more request, whose answer
/// should be awaited before the session counts as closed.
struct Session {
    latency_ms: u32,
    open: bool,
}

impl Session {
    async fn open(latency_ms: u32) -> Result<Session> {
        fetch(slow_web::page(100).delay(latency_ms).to_url()).await?;
        println!("session open");
        Ok(Session {
            latency_ms,
            open: true,
        })
    }

    async fn get(&self, n: u32) -> Result<usize> {
        let page = fetch(slow_web::page(n).delay(self.latency_ms).to_url()).await?;
        Ok(page.body.len())
    }

    /// The clean-up, as an async method: it takes the session by value, says goodbye and waits
    /// for the answer. Python's `async with` calls its `__aexit__` this way.
    async fn close(mut self) -> Result {
        fetch(slow_web::page(101).delay(self.latency_ms).to_url()).await?;
        self.open = false;
        println!("session closed: the goodbye was answered");
        Ok(())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if self.open {
            // `drop` cannot `.await`. The most it can do is start the goodbye in a task of its
            // own and leave it behind, detached: nobody learns whether it got through.
            println!("dropped while open: the goodbye goes out in a detached task");
            let url = slow_web::page(101).delay(self.latency_ms).to_url();
            drop(spawn_named("goodbye", async move {
                let _ = fetch(url).await;
                println!("goodbye answered, late");
            }));
        }
    }
}

pub async fn run(knobs: Knobs) -> Result {
    let session = Session::open(knobs.latency_ms).await?;
    let bytes = session.get(1).await? + session.get(2).await?;
    println!("{bytes} bytes read");
    if knobs.close == 1 {
        session.close().await?;
    } else {
        drop(session);
    }
    println!("main: done");
    Ok(())
}
// ANCHOR_END: shown
