//! Coordination between tasks: channels to pass values, a semaphore and a mutex to share things.
//!
//! A [`Semaphore`] limits a crawl to a few requests at a time; [`mpsc`] and [`oneshot`]
//! channels pass work and results between tasks, Go style. All of them are single-threaded (`Rc`,
//! `RefCell`, no atomics), wake their waiters through ordinary [`Waker`](std::task::Waker)s,
//! serve waiters first come, first served, and are cancel-safe: dropping a waiting future (a
//! timeout, a `select`, an aborted task) never strands the waiters behind it.
//!
//! ```
//! use std::rc::Rc;
//! use std::time::Duration;
//! use executor::sync::{mpsc, Semaphore};
//! use executor::{now, sleep, spawn, Executor, VirtualHost};
//!
//! let ex = Executor::new(VirtualHost::new());
//! ex.block_on(async {
//!     let pool = Rc::new(Semaphore::new(2)); // at most two downloads at once
//!     let (tx, mut rx) = mpsc::channel(8);
//!     for page in 1..=4 {
//!         let (pool, tx) = (pool.clone(), tx.clone());
//!         drop(spawn(async move {
//!             let _permit = pool.acquire_owned().await.unwrap();
//!             sleep(Duration::from_millis(100)).await; // "download"
//!             tx.send(page).await.unwrap();
//!         }));
//!     }
//!     drop(tx);
//!     let mut got = Vec::new();
//!     while let Some(page) = rx.recv().await {
//!         got.push(page);
//!     }
//!     got.sort(); // pages finishing at the same instant may arrive in any order
//!     assert_eq!(got, [1, 2, 3, 4]);
//!     assert_eq!(now(), Duration::from_millis(200)); // two rounds of two
//! })
//! .unwrap();
//! ```

pub mod mpsc;
mod mutex;
pub mod oneshot;
mod semaphore;

pub use mutex::{Lock, Mutex, MutexGuard};
pub use semaphore::{
    Acquire, AcquireError, AcquireOwned, OwnedPermit, Permit, Semaphore, TryAcquireError,
};
