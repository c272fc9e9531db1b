//! The virtual host: a clock that jumps, and a simulated network that plays the slow web's rules.
//!
//! Nothing waits for real: [`Executor::block_on`](crate::Executor::block_on) runs every ready
//! task, then moves the clock straight to the next deadline. A crawl of ten pages that each take
//! a second finishes instantly, at exactly 1000 ms of virtual time, every time.

use std::cell::Cell;
use std::time::Duration;

use super::Host;
use crate::net::{FetchError, FetchErrorKind, HostFetch, Response};
use crate::slow_web::{PageRequest, PageResult};

/// A host with a virtual clock and a simulated network.
///
/// The network answers the slow web's URLs (`api/page/<n>?delay=…&jitter=…&fail=…`) with the
/// same delays, failures and bodies the service worker would produce for the same seed.
///
/// ```
/// use std::time::Duration;
/// use executor::{fetch, Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let err = ex
///     .block_on(async { fetch("api/page/1?delay=50&fail=100").await?.error_for_status() })
///     .unwrap()
///     .unwrap_err();
/// assert!(err.to_string().contains("HTTP 500"), "{err}");
/// assert_eq!(ex.now(), Duration::from_millis(50));
/// ```
#[derive(Debug, Default)]
pub struct VirtualHost {
    now_us: Cell<u64>,
    alarm_us: Cell<Option<u64>>,
}

impl VirtualHost {
    /// A host whose clock starts at zero.
    pub fn new() -> VirtualHost {
        VirtualHost::default()
    }

    /// When the (virtual) timer is armed for.
    pub fn alarm(&self) -> Option<Duration> {
        self.alarm_us.get().map(Duration::from_micros)
    }
}

impl Host for VirtualHost {
    fn now_us(&self) -> u64 {
        self.now_us.get()
    }

    fn request_turn(&self) {}

    fn set_alarm(&self, at_us: Option<u64>) {
        self.alarm_us.set(at_us);
    }

    fn advance_to(&self, at_us: u64) -> bool {
        if at_us > self.now_us.get() {
            self.now_us.set(at_us);
        }
        true
    }

    fn fetch(&self, url: &str) -> HostFetch {
        let url = url.to_owned();
        Box::pin(async move {
            let request = PageRequest::parse(&url).map_err(|e| FetchError {
                url: url.clone(),
                kind: FetchErrorKind::InvalidUrl(format!(
                    "the virtual network only serves the slow web (api/page/<n>): {e}"
                )),
            })?;
            let outcome = request.plan();
            // The request "travels" for its delay; dropping this future cancels the sleep.
            crate::sleep(Duration::from_millis(outcome.delay_ms.into())).await;
            match outcome.result {
                PageResult::Ok { body } => Ok(Response {
                    status: 200,
                    url,
                    headers: vec![(
                        "content-type".into(),
                        "text/html; charset=utf-8".into(),
                    )],
                    body: body.into_bytes(),
                }),
                PageResult::Status(status) => Ok(Response {
                    status,
                    body: request.failure_body(status).into_bytes(),
                    url,
                    headers: vec![("content-type".into(), "text/plain".into())],
                }),
                PageResult::NetworkError => Err(FetchError {
                    url,
                    kind: FetchErrorKind::Network("the connection failed (simulated)".into()),
                }),
            }
        })
    }

    fn label(&self) -> &'static str {
        "virtual"
    }
}
