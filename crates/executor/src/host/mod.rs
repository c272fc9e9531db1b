//! Hosts: what an executor needs from the world — a clock, a way to get turns, one timer, a network.
//!
//! The executor never touches the browser or the operating system itself. A [`Host`] gives it a
//! clock, runs its turns when asked, arms one timer for the earliest deadline, and starts
//! requests. [`VirtualHost`](crate::VirtualHost) does all of that in simulation;
//! `BrowserHost` (feature `browser`) does it with the browser's event loop, one `setTimeout`
//! and `fetch`.

use crate::net::{HostFetch, HostStreamFetch, HostStreamed};
use crate::runtime::Driver;

#[cfg(feature = "browser")]
pub mod browser;
pub mod virtual_host;

/// How a browser host asks for the executor's next turn (a run request names one). Defined
/// here, not in the browser module, so run requests can name one on any target.
///
/// ```
/// use executor::host::Scheduler;
/// assert_eq!(Scheduler::default(), Scheduler::MessageChannel);
/// assert_eq!("timeout".parse::<Scheduler>(), Ok(Scheduler::Timeout));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Scheduler {
    /// `queueMicrotask`: runs before the browser does anything else, even painting.
    Microtask,
    /// A `MessageChannel` message: a macrotask, so the browser can paint and handle input
    /// between turns, without `setTimeout`'s clamping.
    #[default]
    MessageChannel,
    /// `setTimeout(0)`: a macrotask, clamped to about 4 ms once nested.
    Timeout,
}

impl Scheduler {
    /// Every scheduler, from the soonest turn to the latest: microtask, message, timer.
    pub const ALL: [Scheduler; 3] = [
        Scheduler::Microtask,
        Scheduler::MessageChannel,
        Scheduler::Timeout,
    ];

    /// The name used in run requests and the benchmark's config.
    pub fn name(self) -> &'static str {
        match self {
            Scheduler::Microtask => "microtask",
            Scheduler::MessageChannel => "message-channel",
            Scheduler::Timeout => "timeout",
        }
    }
}

impl std::str::FromStr for Scheduler {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scheduler::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                format!("unknown scheduler `{s}` (expected microtask, message-channel or timeout)")
            })
    }
}

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

    /// Starts a GET request for `url` whose body is read part by part as it arrives: the future
    /// is ready with the head. Dropping the future, or the body, must abort the request.
    ///
    /// The default waits for the whole response and hands its body over as one part.
    fn fetch_stream(&self, url: &str) -> HostStreamFetch {
        let whole = self.fetch(url);
        Box::pin(async move {
            let response = whole.await?;
            Ok(HostStreamed {
                status: response.status,
                url: response.url,
                headers: response.headers,
                body: Box::pin(crate::stream::iter(Some(Ok(response.body)))),
            })
        })
    }

    /// Fetches `url` and blocks the calling thread until the whole response is in: no task,
    /// timer or callback runs meanwhile (a synchronous XHR in the browser).
    fn fetch_blocking(&self, url: &str) -> Result<crate::net::Response, crate::net::FetchError>;

    /// Keeps the thread busy for `us` microseconds, as computation would: nothing else runs
    /// meanwhile. A real clock is watched until that much time has passed (the processor
    /// spins); a virtual host simply moves its clock on.
    fn busy(&self, us: u64) {
        let end = self.now_us().saturating_add(us);
        while self.now_us() < end {
            std::hint::spin_loop();
        }
    }

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
