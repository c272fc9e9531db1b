//! The virtual host: a clock that jumps, and a simulated network that plays the slow web's rules.
//!
//! Nothing waits for real: [`Executor::block_on`](crate::Executor::block_on) runs every ready
//! task, then moves the clock straight to the next deadline. A crawl of ten pages that each take
//! a second finishes instantly, at exactly 1000 ms of virtual time, every time.

use std::cell::Cell;
use std::time::Duration;

use super::Host;
use crate::net::{FetchError, FetchErrorKind, HostFetch, NetworkError, Response, UrlError};
use crate::slow_web::{Outcome, PageRequest, PageResult};

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
            let (request, outcome) = plan(&url)?;
            // The request "travels" for its delay; dropping this future cancels the sleep.
            crate::sleep(Duration::from_millis(outcome.delay_ms.into())).await;
            answer(url, &request, outcome)
        })
    }

    fn fetch_blocking(&self, url: &str) -> Result<Response, FetchError> {
        let (request, outcome) = plan(url)?;
        // Blocking: the whole thread waits, so the clock moves with nothing else running.
        let delay_us = u64::from(outcome.delay_ms) * 1000;
        self.now_us.set(self.now_us.get() + delay_us);
        answer(url.to_owned(), &request, outcome)
    }

    fn busy(&self, us: u64) {
        // Work takes time and nothing else runs meanwhile: the clock moves, nothing fires.
        self.now_us.set(self.now_us.get() + us);
    }

    fn label(&self) -> &'static str {
        "virtual"
    }
}

/// What the slow web would do with `url`.
fn plan(url: &str) -> Result<(PageRequest, Outcome), FetchError> {
    let request = PageRequest::parse(url).map_err(|e| FetchError {
        url: url.to_owned(),
        kind: FetchErrorKind::InvalidUrl(UrlError::NotSlowWeb(e)),
    })?;
    let outcome = request.plan();
    Ok((request, outcome))
}

/// The response (or network error) the slow web gives once the delay is over.
fn answer(url: String, request: &PageRequest, outcome: Outcome) -> Result<Response, FetchError> {
    let (status, content_type, body) = match outcome.result {
        PageResult::Ok { body } => (200, "text/html; charset=utf-8", body),
        PageResult::Status(status) => (status, "text/plain", request.failure_body(status)),
        PageResult::NetworkError => {
            return Err(FetchError {
                url,
                kind: FetchErrorKind::Network(NetworkError::Simulated),
            });
        }
    };
    Ok(Response {
        status,
        url,
        headers: vec![("content-type".into(), content_type.into())],
        body: body.into_bytes(),
    })
}
