//! A small single-threaded async executor for teaching, with a browser host and a virtual host.
//!
//! Read it in this order:
//! 1. [`runtime`]: tasks in a slab, a ready queue, wakers that are just a task's key, turns.
//! 2. [`time`]: every sleeper in one heap of deadlines behind one host timer.
//! 3. [`net`]: `fetch` as a future that starts on first poll and aborts when dropped, and
//!    `fetch_stream`, whose body is a stream of parts.
//! 4. [`host`]: what the executor needs from the world, and the two worlds it runs in —
//!    [`VirtualHost`] (a clock that jumps, a simulated network) and, with the `browser`
//!    feature, `host::browser::BrowserHost` (the browser's event loop, `setTimeout`, `fetch`).
//! 5. [`trace`]: the record of every spawn, poll, wake, timer and request.
//! 6. [`blocking`]: `spawn_blocking`, a hook that hands blocking jobs to a pool.
//!
//! ```
//! use std::time::Duration;
//! use executor::{fetch, spawn, Executor, VirtualHost};
//!
//! let ex = Executor::new(VirtualHost::new());
//! let sizes = ex.block_on(async {
//!     // Ten downloads of one second each, all in flight at once.
//!     let tasks: Vec<_> = (1..=10)
//!         .map(|n| spawn(async move {
//!             let page = fetch(format!("api/page/{n}?delay=1000")).await.unwrap();
//!             page.body.len()
//!         }))
//!         .collect();
//!     let mut sizes = Vec::new();
//!     for t in tasks {
//!         sizes.push(t.await.unwrap());
//!     }
//!     sizes
//! }).unwrap();
//! assert_eq!(sizes.len(), 10);
//! assert_eq!(ex.now(), Duration::from_millis(1000)); // not 10 000
//! ```

#![deny(missing_docs)]

pub mod blocking;
pub mod combinators;
pub mod host;
pub mod net;
pub mod runtime;
pub use slow_web;
pub mod stream;
pub mod sync;
pub mod time;
pub mod trace;
mod waker;

pub use blocking::{Blocking, BlockingError, spawn_blocking};
pub use combinators::{
    Either, Join, JoinAll, Select, SelectAll, join, join_all, select, select_all,
};
pub use host::Host;
pub use host::virtual_host::VirtualHost;
pub use net::{
    Body, Fetch, FetchError, FetchErrorKind, FetchStream, NetworkError, Response, StreamedResponse,
    UrlError, fetch, fetch_blocking, fetch_stream,
};
pub use runtime::{
    BUSY_POLLS, Driver, Executor, Inspection, JoinError, JoinHandle, JoinNext, LONG_POLL_US,
    SetError, Snapshot, Stalled, Stats, TURN_SLICE_US, TaskInfo, TaskSet, TaskState, YieldNow,
    current_task, spawn, spawn_named, stats, yield_now,
};
pub use time::{
    Elapsed, Interval, Sleep, Timeout, busy, call_at, interval, now, sleep, sleep_until, timeout,
};
