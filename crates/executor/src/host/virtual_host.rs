//! The virtual host: a clock that jumps, and a simulated network that plays the slow web's rules.
//!
//! Nothing waits for real: [`Executor::block_on`](crate::Executor::block_on) runs every ready
//! task, then moves the clock straight to the next deadline. A crawl of ten pages that each take
//! a second finishes instantly, at exactly 1000 ms of virtual time, every time.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use super::Host;
use crate::net::{
    FetchError, FetchErrorKind, HostFetch, HostStreamFetch, HostStreamed, NetworkError, Response,
    UrlError,
};
use crate::slow_web::{Outcome, PageRequest, PageResult, Servers};

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
    /// Shared with the requests in flight, which read it when they are dropped.
    now_us: Rc<Cell<u64>>,
    alarm_us: Cell<Option<u64>>,
    /// Requests in flight on each slow-web server with a capacity (the load they arrive at).
    servers: Rc<RefCell<Load>>,
}

/// The slow web's servers as this host sees them: requests in flight, and aborted ones that
/// the server still counts until their answers were due.
#[derive(Debug, Default)]
struct Load {
    servers: Servers,
    /// Aborted requests and when their answers were due (µs).
    lingering: Vec<(PageRequest, u64)>,
}

impl Load {
    /// Counts `request` in at `now_us`, after letting go of the aborted ones now due.
    fn arrive(&mut self, request: &PageRequest, now_us: u64) -> u32 {
        let servers = &mut self.servers;
        self.lingering.retain(|(gone, due_us)| {
            let keep = *due_us > now_us;
            if !keep {
                servers.leave(gone);
            }
            keep
        });
        self.servers.arrive(request)
    }
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
        let (servers, clock) = (self.servers.clone(), self.now_us.clone());
        Box::pin(async move {
            let (request, outcome, _leave) = arrive(&url, servers, clock)?;
            // The request "travels" until its whole body is in; dropping this future cancels
            // the sleep.
            crate::sleep(Duration::from_millis(outcome.done_ms().into())).await;
            answer(url, &request, outcome)
        })
    }

    fn fetch_stream(&self, url: &str) -> HostStreamFetch {
        let url = url.to_owned();
        let (servers, clock) = (self.servers.clone(), self.now_us.clone());
        Box::pin(async move {
            let (request, outcome, leave) = arrive(&url, servers, clock)?;
            crate::sleep(Duration::from_millis(outcome.delay_ms.into())).await;
            let (chunks, every) = (outcome.chunks, u64::from(outcome.every_ms));
            let response = answer(url, &request, outcome)?;
            let parts: Vec<Vec<u8>> = slow_web::body_parts(&response.body, chunks)
                .into_iter()
                .map(<[u8]>::to_vec)
                .collect();
            // The first part comes with the head, each next one `every` ms later. The server's
            // count of the request (`leave`) goes with the body.
            let body = crate::stream::unfold(
                (parts.into_iter().enumerate(), leave),
                move |(mut parts, leave)| async move {
                    let (i, part) = parts.next()?;
                    if i > 0 {
                        crate::sleep(Duration::from_millis(every)).await;
                    }
                    Some((Ok(part), (parts, leave)))
                },
            );
            Ok(HostStreamed {
                status: response.status,
                url: response.url,
                headers: response.headers,
                body: Box::pin(body),
            })
        })
    }

    fn fetch_blocking(&self, url: &str) -> Result<Response, FetchError> {
        let request = parse(url)?;
        // Nothing else runs while it blocks, so it meets only the requests already out.
        let load = self
            .servers
            .borrow_mut()
            .arrive(&request, self.now_us.get());
        self.servers.borrow_mut().servers.leave(&request);
        let outcome = request.plan_at_load(load);
        // Blocking: the whole thread waits, so the clock moves with nothing else running.
        let delay_us = u64::from(outcome.done_ms()) * 1000;
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
/// Parses `url` and counts it in on its server: the request, its planned outcome, and what
/// counts it out when its answer's last part is due (or when dropped, if that is later).
fn arrive(
    url: &str,
    servers: Rc<RefCell<Load>>,
    clock: Rc<Cell<u64>>,
) -> Result<(PageRequest, Outcome, Leave), FetchError> {
    let request = parse(url)?;
    let load = servers.borrow_mut().arrive(&request, clock.get());
    let outcome = request.plan_at_load(load);
    let due_us = clock.get() + u64::from(outcome.done_ms()) * 1000;
    let leave = Leave {
        load: servers,
        clock,
        request,
        due_us,
    };
    Ok((request, outcome, leave))
}

fn parse(url: &str) -> Result<PageRequest, FetchError> {
    PageRequest::parse(url).map_err(|e| FetchError {
        url: url.to_owned(),
        kind: FetchErrorKind::InvalidUrl(UrlError::NotSlowWeb(e)),
    })
}

/// Counts a request out of its server when dropped: at once when answered, or when its answer
/// was due if it is dropped (aborted) before.
struct Leave {
    load: Rc<RefCell<Load>>,
    clock: Rc<Cell<u64>>,
    request: PageRequest,
    due_us: u64,
}

impl Drop for Leave {
    fn drop(&mut self) {
        let mut load = self.load.borrow_mut();
        if self.clock.get() < self.due_us {
            load.lingering.push((self.request, self.due_us));
        } else {
            load.servers.leave(&self.request);
        }
    }
}

/// The response (or network error) the slow web gives once the delay is over.
fn answer(url: String, request: &PageRequest, outcome: Outcome) -> Result<Response, FetchError> {
    let status = outcome.status();
    let (status, content_type, body) = match (status, outcome.result) {
        (_, PageResult::Ok { body }) => (200, "text/html; charset=utf-8", body),
        (Some(status), failed @ (PageResult::Status(_) | PageResult::Busy { .. })) => {
            let body = request.error_body(&failed).unwrap_or_default();
            (status, "text/plain", body)
        }
        _ => {
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
