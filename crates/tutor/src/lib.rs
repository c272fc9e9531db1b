//! The `tutor` API: what lesson snippets call.
//!
//! A snippet is a file in `lessons/NN-slug/`. It starts with
//! `use tutor::{prelude::*, println};`, declares its knobs with [`knobs!`], and defines
//! `pub fn run(knobs: Knobs) -> Result` (blocking) or `pub async fn run(knobs: Knobs) -> Result`.
//! Besides the executor's own futures it offers printing ([`println!`]), marks of state
//! ([`state!`]), the callback world of lesson 4 ([`callbacks`]), the hand-made coroutines of
//! lessons 5 and 6 ([`coroutines`]) and worker threads ([`threads`]). The `runner` crate
//! compiles every snippet against it and runs them.

#![deny(missing_docs)]

pub mod callbacks;
pub mod coroutines;
pub mod threads;

pub use protocol::KnobSpec;

/// Coordination between tasks on one thread: the executor's async `Mutex`, `Semaphore` and
/// channels (`tutor::sync::Mutex`).
pub use executor::sync;

/// Async iteration: the `Stream` trait, `StreamExt` (`next`, `map`, `buffered`,
/// `buffer_unordered`, …), `iter` and `unfold` (`tutor::stream::iter(1..=10)`).
pub use executor::stream;

/// What a snippet returns: `Ok` or any error, which the card shows in plain words.
pub type Result<T = (), E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

/// Everything a snippet usually needs, in one import.
pub mod prelude {
    pub use crate::{Result, poll_once, random, slow_web, turns};
    pub use executor::stream::StreamExt;
    pub use executor::{
        Either, Fetch, JoinError, JoinHandle, SetError, TaskSet, busy, fetch, fetch_blocking,
        fetch_stream, join, join_all, now, select, select_all, sleep, spawn, spawn_named, timeout,
        yield_now,
    };
    pub use std::time::Duration;
}

/// URLs of the slow web: pages that arrive after a delay you choose.
pub mod slow_web {
    pub use executor::slow_web::{FailWith, PageRequest};

    /// Page `n` of the slow web; set its delay, jitter or failure, then call `.to_url()`.
    ///
    /// ```
    /// assert_eq!(tutor::slow_web::page(3).delay(250).to_url(), "api/page/3?delay=250");
    /// ```
    pub fn page(n: u32) -> PageRequest {
        PageRequest::new(n)
    }
}

/// Asks a future once whether it is ready, without waiting and without asking to be told
/// later (its waker does nothing): the non-blocking check of lesson 3.
///
/// ```
/// use std::task::Poll;
/// use executor::{fetch, Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// ex.block_on(async {
///     let mut page = fetch("api/page/1?delay=100");
///     assert!(tutor::poll_once(&mut page).is_pending()); // sent, not answered
/// })
/// .unwrap();
/// ```
pub fn poll_once<F: std::future::Future + Unpin>(future: &mut F) -> std::task::Poll<F::Output> {
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    std::pin::Pin::new(future).poll(&mut cx)
}

/// A number in `[0, 1)` that depends only on `a` and `b`: the slow web's hash, for the
/// randomness a snippet needs (the jitter of a backoff) while every run stays repeatable.
///
/// ```
/// let x = tutor::random(3, 1);
/// assert!((0.0..1.0).contains(&x));
/// assert_eq!(x, tutor::random(3, 1));
/// assert_ne!(x, tutor::random(3, 2));
/// ```
pub fn random(a: u32, b: u32) -> f64 {
    executor::slow_web::unit(0x7475_746f, a, b) // seeded with "tuto"
}

/// How many turns the executor has run so far. Between two turns the browser has the thread:
/// it paints, handles input, and delivers answers and timers.
///
/// ```
/// use executor::{Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let turns = ex.block_on(async { tutor::turns() }).unwrap();
/// assert_eq!(turns, 1);
/// ```
pub fn turns() -> u64 {
    executor::stats().map_or(0, |s| s.turns)
}

/// Prints a line to the card's output console, stamped with the time since the run started.
///
/// Import it next to the prelude (`use tutor::{prelude::*, println};`) so it replaces std's.
#[macro_export]
macro_rules! println {
    ($($arg:tt)*) => {
        $crate::print_line(::std::format!($($arg)*))
    };
}

/// The function behind [`println!`]: records the line on the run's trace.
pub fn print_line(text: String) {
    let task = executor::current_task();
    executor::trace::emit(|| executor::trace::Event::Print { task, text });
}

/// Marks where the code is: a named state (of a state machine, or a step of a longer job).
///
/// The card highlights the line of the latest mark while stepping and replaying, and the
/// inspector shows each task's latest state. Write it as the first statement of each state:
/// `tutor::state!("Fetching");`.
///
/// ```
/// use executor::{trace::Event, Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let log = ex.record_trace();
/// tutor::state!("Connecting");
/// let marks: Vec<_> = log.borrow().iter().map(|r| r.event.clone()).collect();
/// assert!(matches!(&marks[0], Event::Mark { label, line, .. } if label == "Connecting" && *line > 0));
/// ```
#[macro_export]
macro_rules! state {
    ($label:expr) => {
        $crate::mark($label, ::std::line!())
    };
}

/// The function behind [`state!`]: records the mark on the run's trace.
pub fn mark(label: &str, line: u32) {
    let task = executor::current_task();
    executor::trace::emit(|| executor::trace::Event::Mark {
        task,
        label: label.to_owned(),
        line,
    });
}

/// Declares a snippet's knobs: `name: MIN..=MAX = DEFAULT`, comma separated.
///
/// It defines `KNOBS` (what the card shows and validates) and a `Knobs` struct with one `u32`
/// field per knob, which `run` receives. Every name needs a label in `lessons/knobs.toml`.
///
/// ```
/// mod snippet {
///     tutor::knobs! { pages: 1..=50 = 10, latency_ms: 0..=3000 = 1000 }
/// }
/// let k = snippet::Knobs::from_values(&[3, 250]);
/// assert_eq!((k.pages, k.latency_ms), (3, 250));
/// assert_eq!(snippet::KNOBS[1].default, 1000);
/// ```
#[macro_export]
macro_rules! knobs {
    ($($name:ident : $min:literal ..= $max:literal = $default:literal),* $(,)?) => {
        /// This snippet's knobs, as the card shows them.
        pub const KNOBS: &[$crate::KnobSpec] = &[$(
            $crate::KnobSpec { name: stringify!($name), min: $min, max: $max, default: $default },
        )*];

        /// The knob values of this run.
        #[derive(Clone, Copy, Debug)]
        pub struct Knobs {
            $(
                #[doc = concat!("The `", stringify!($name), "` knob.")]
                pub $name: u32,
            )*
        }

        impl Knobs {
            /// Builds the struct from values already checked against `KNOBS`, in its order.
            #[allow(
                unused_variables,
                unused_mut,
                reason = "a snippet without knobs never reads `values`"
            )]
            pub fn from_values(values: &[u32]) -> Self {
                let mut values = values.iter().copied();
                Knobs { $($name: values.next().expect("one value per knob"),)* }
            }
        }
    };
}
