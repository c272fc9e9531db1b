//! Callback-style I/O, for the lessons before futures: ask for a page or a timer and hand over
//! a function to call when it is ready, as a browser's `fetch(...).then(...)` and `setTimeout`
//! do. Underneath, each callback is a small task on the executor (so the timeline shows it),
//! and [`run_until_idle`] is the event loop's "keep going while anything is pending".
//!
//! ```
//! use std::{cell::Cell, rc::Rc};
//! use executor::{Executor, VirtualHost};
//! use tutor::callbacks::{run_until_idle, set_timeout};
//!
//! let ex = Executor::new(VirtualHost::new());
//! let fired = Rc::new(Cell::new(0));
//! let f = fired.clone();
//! ex.block_on(async move {
//!     set_timeout(100, move || {
//!         f.set(1);
//!         set_timeout(50, move || f.set(2)); // a callback may schedule more
//!     });
//!     run_until_idle().await;
//! })
//! .unwrap();
//! assert_eq!((fired.get(), ex.now().as_millis()), (2, 150));
//! ```

use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::task::{Poll, Waker};
use std::time::Duration;

use executor::{FetchError, Response, fetch, sleep, spawn_named};

thread_local! {
    /// Callbacks registered and not yet called.
    static PENDING: Cell<usize> = const { Cell::new(0) };
    /// The task waiting in `run_until_idle`.
    static IDLE: RefCell<Option<Waker>> = const { RefCell::new(None) };
}

/// Forgets callbacks left over from an earlier run (one that failed or was stopped).
pub fn reset() {
    PENDING.with(|p| p.set(0));
    IDLE.with(|w| w.borrow_mut().take());
}

fn register() {
    PENDING.with(|p| p.set(p.get() + 1));
}

fn called() {
    let left = PENDING.with(|p| {
        p.set(p.get().saturating_sub(1));
        p.get()
    });
    if left == 0
        && let Some(waker) = IDLE.with(|w| w.borrow_mut().take())
    {
        waker.wake();
    }
}

/// Sends a request for `url` and calls `then` with the answer (or the failure) once it has
/// arrived. Returns at once, with the request on its way.
pub fn get(url: impl Into<String>, then: impl FnOnce(Result<Response, FetchError>) + 'static) {
    let url = url.into();
    let name = format!("then: {}", protocol::request_label(&url));
    register();
    // The request goes out now, as a browser's `fetch()` sends it; the callback's task only
    // waits for the answer.
    let mut request = fetch(url);
    request.start();
    // Detached: the callback is the only thing that hears how it went.
    let _detached = spawn_named(name, async move {
        let answer = request.await;
        then(answer);
        called();
    });
}

/// Calls `then` after `ms` milliseconds. Returns at once.
pub fn set_timeout(ms: u32, then: impl FnOnce() + 'static) {
    register();
    let _detached = spawn_named(format!("then: {ms} ms timer"), async move {
        sleep(Duration::from_millis(ms.into())).await;
        then();
        called();
    });
}

/// The event loop: returns once every callback registered so far, and every one those
/// callbacks registered in turn, has been called.
pub async fn run_until_idle() {
    poll_fn(|cx| {
        if PENDING.with(Cell::get) == 0 {
            Poll::Ready(())
        } else {
            IDLE.with(|w| *w.borrow_mut() = Some(cx.waker().clone()));
            Poll::Pending
        }
    })
    .await
}
