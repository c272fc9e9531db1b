//! Hosts: what an executor needs from the world — a clock, a way to get turns, one timer, a network.
//!
//! The executor never touches the browser or the operating system itself. A [`Host`] gives it a
//! clock, runs its turns when asked, arms one timer for the earliest deadline, and starts
//! requests. [`VirtualHost`] does all of that in simulation; `BrowserHost` (feature `browser`)
//! does it with the browser's event loop, one `setTimeout` and `fetch`.

use crate::net::HostFetch;
use crate::runtime::Driver;

#[cfg(feature = "browser")]
pub mod browser;
pub mod virtual_host;

/// The world an executor runs in.
pub trait Host {
    /// Microseconds since the host started.
    fn now_us(&self) -> u64;

    /// A task became ready: arrange for [`Driver::turn`] to be called soon. Called at most once
    /// between turns.
    fn request_turn(&self);

    /// Arms the host's one timer to run a turn at `at_us` (replacing any earlier arming), or
    /// disarms it with `None`.
    fn set_alarm(&self, at_us: Option<u64>);

    /// Starts a GET request for `url`. Dropping the returned future must abort the request.
    fn fetch(&self, url: &str) -> HostFetch;

    /// Fetches `url` and blocks the calling thread until the whole response is in: no task,
    /// timer or callback runs meanwhile (a synchronous XHR in the browser).
    fn fetch_blocking(&self, url: &str) -> Result<crate::net::Response, crate::net::FetchError>;

    /// Moves the clock to `at_us` if this host's clock can jump (a virtual clock). Real clocks
    /// return false.
    fn advance_to(&self, at_us: u64) -> bool {
        let _ = at_us;
        false
    }

    /// Receives the handle the host uses to run turns of the executor that owns it.
    fn attach(&self, driver: Driver) {
        let _ = driver;
    }

    /// A short name for reports: "browser", "virtual".
    fn label(&self) -> &'static str;
}
