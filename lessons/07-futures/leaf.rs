//! Leaf futures by hand: a Sleep and a Fetch that keep the waker and say when they are ready

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use tutor::callbacks::{get, set_timeout};
use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=10 = 3,
    latency_ms: 0..=3000 = 500,
    sleep_ms: 0..=3000 = 300,
}

// ANCHOR: shown
/// What a leaf future shares with the browser callback that finishes it: the result once it
/// is in, and the waker of whoever polled last.
struct Slot<T> {
    result: Option<T>,
    waker: Option<Waker>,
}

fn fill<T>(slot: &RefCell<Slot<T>>, value: T) {
    let waker = {
        let mut slot = slot.borrow_mut();
        slot.result = Some(value);
        slot.waker.take()
    };
    // Wake whoever waits: the executor will poll that task again, and this time it is Ready.
    if let Some(waker) = waker {
        waker.wake();
    }
}

/// Polls a slot: Ready with the result, or Pending with the newest waker kept.
fn poll_slot<T>(slot: &RefCell<Slot<T>>, cx: &mut Context<'_>) -> Poll<T> {
    let mut slot = slot.borrow_mut();
    match slot.result.take() {
        Some(value) => Poll::Ready(value),
        None => {
            // Keep the waker: without it nobody could tell the executor we are ready.
            slot.waker = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

/// Ready `ms` milliseconds after its first poll.
struct Sleep {
    ms: u32,
    slot: Option<Rc<RefCell<Slot<()>>>>,
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let ms = self.ms;
        let slot = self.slot.get_or_insert_with(|| {
            // First poll: start the browser timer; its callback fills the slot.
            let slot = Rc::new(RefCell::new(Slot {
                result: None,
                waker: None,
            }));
            let to_fill = slot.clone();
            set_timeout(ms, move || fill(&to_fill, ()));
            slot
        });
        poll_slot(slot, cx)
    }
}

/// A page's size, or what went wrong.
type Size = std::result::Result<usize, String>;

/// Ready with the page's size once the request has answered.
struct Fetch {
    url: String,
    slot: Option<Rc<RefCell<Slot<Size>>>>,
}

impl Future for Fetch {
    type Output = Size;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Size> {
        let url = self.url.clone();
        let slot = self.slot.get_or_insert_with(|| {
            let slot = Rc::new(RefCell::new(Slot {
                result: None,
                waker: None,
            }));
            let to_fill = slot.clone();
            get(url, move |answer| {
                let size = answer.and_then(|a| a.error_for_status());
                fill(
                    &to_fill,
                    size.map(|p| p.body.len()).map_err(|e| e.to_string()),
                );
            });
            slot
        });
        poll_slot(slot, cx)
    }
}

/// `async` code can `.await` hand-made futures like any other.
async fn download(n: u32, knobs: Knobs) -> Size {
    Sleep {
        ms: knobs.sleep_ms,
        slot: None,
    }
    .await;
    let url = slow_web::page(n).delay(knobs.latency_ms).to_url();
    let size = Fetch { url, slot: None }.await?;
    println!("page {n}: {size} bytes");
    Ok(size)
}

pub async fn run(knobs: Knobs) -> Result {
    let tasks: Vec<_> = (1..=knobs.pages)
        .map(|n| spawn_named(format!("page {n}"), download(n, knobs)))
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await??;
    }
    println!("{} pages, {total} bytes", knobs.pages);
    Ok(())
}
// ANCHOR_END: shown
