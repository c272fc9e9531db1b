//! `fetch`: a request as a future, started on first poll and aborted when dropped.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use crate::runtime::{self, with_wake_source};
use crate::slow_web::SlowWebError;
use crate::trace::{Event, RequestId, WaitOn, WakeSource};

/// What a host's request future resolves to.
pub type HostFetch = Pin<Box<dyn Future<Output = Result<Response, FetchError>>>>;

mod body;

pub use body::{
    Body, FetchStream, HostBody, HostStreamFetch, HostStreamed, StreamedResponse, fetch_stream,
};

/// A finished HTTP response with its whole body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The HTTP status code.
    pub status: u16,
    /// The URL that answered (after resolving relative URLs).
    pub url: String,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
    /// The body's bytes.
    pub body: Vec<u8>,
}

impl Response {
    /// True for a 2xx status.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as text (invalid UTF-8 becomes U+FFFD).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `Ok(self)` for a 2xx status, else an error that names the URL and the status.
    pub fn error_for_status(self) -> Result<Response, FetchError> {
        if self.ok() {
            Ok(self)
        } else {
            Err(FetchError {
                url: self.url,
                kind: FetchErrorKind::Status(self.status),
            })
        }
    }
}

/// Why a request gave no usable response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchError {
    /// The URL asked for.
    pub url: String,
    /// What went wrong.
    pub kind: FetchErrorKind,
}

/// The kinds of [`FetchError`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchErrorKind {
    /// No HTTP response: the network failed, the host was unreachable, or CORS blocked it.
    Network(NetworkError),
    /// A response arrived with a non-2xx status (see [`Response::error_for_status`]).
    Status(u16),
    /// The URL could not be parsed or is not served by this host.
    InvalidUrl(UrlError),
}

/// Why a request got no HTTP response at all. `Display` gives the host's sentence for it.
///
/// ```
/// use executor::NetworkError;
/// assert_eq!(NetworkError::Aborted.to_string(), "the request was aborted");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetworkError {
    /// The browser's `fetch` failed without a response: the network is down, the host is
    /// unreachable, or the server does not allow this origin (CORS). Holds the browser's own
    /// words (`Failed to fetch`), which say no more than that.
    NoResponse(String),
    /// The request was aborted.
    Aborted,
    /// The virtual network failed the connection, as the slow web's
    /// `fail=…&status=network` asked.
    Simulated,
    /// Any other failure, in the host's words.
    Other(String),
}

impl fmt::Display for NetworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetworkError::NoResponse(browser) => write!(
                f,
                "no response ({browser}): the network is down, the host is unreachable, \
                 or the server does not allow this origin (CORS)"
            ),
            NetworkError::Aborted => f.write_str("the request was aborted"),
            NetworkError::Simulated => f.write_str("the connection failed (simulated)"),
            NetworkError::Other(why) => f.write_str(why),
        }
    }
}

/// Why a URL could not be fetched. `Display` gives the host's sentence for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlError {
    /// The virtual network serves only the slow web's URLs, and the slow web's parser refused
    /// this one.
    NotSlowWeb(SlowWebError),
    /// The host could not use the URL; its words.
    Other(String),
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::NotSlowWeb(why) => write!(
                f,
                "the virtual network only serves the slow web (api/page/<n>): {why}"
            ),
            UrlError::Other(why) => f.write_str(why),
        }
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            FetchErrorKind::Network(why) => write!(f, "could not fetch {}: {why}", self.url),
            FetchErrorKind::Status(code) => {
                write!(f, "{} answered HTTP {code}", self.url)
            }
            FetchErrorKind::InvalidUrl(why) => write!(f, "bad URL {}: {why}", self.url),
        }
    }
}

impl std::error::Error for FetchError {}

/// Fetches `url` with GET through the current executor's host. Nothing is sent until the
/// future is first polled; dropping it before it finishes aborts the request.
///
/// Relative URLs resolve against the host's base URL (on the virtual host, only the slow web's
/// `api/page/…` URLs exist).
///
/// ```
/// use std::time::Duration;
/// use executor::{fetch, now, Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let page = ex.block_on(async { fetch("api/page/1?delay=300").await }).unwrap().unwrap();
/// assert_eq!(page.status, 200);
/// assert!(page.text().contains("Page 1"));
/// assert_eq!(ex.now(), Duration::from_millis(300));
/// ```
pub fn fetch(url: impl Into<String>) -> Fetch {
    Fetch {
        url: url.into(),
        state: State::NotStarted,
    }
}

/// Fetches `url` and blocks the whole thread until the response is in: no other task, timer or
/// callback runs meanwhile. This is the "blocking call" of lesson 1; in async code use [`fetch`].
///
/// In the browser this is a synchronous `XMLHttpRequest`, allowed only in workers (and, with a
/// frozen page as the price, on the page itself).
///
/// ```
/// use std::time::Duration;
/// use executor::{fetch_blocking, Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// for n in 1..=3 {
///     fetch_blocking(&format!("api/page/{n}?delay=100")).unwrap();
/// }
/// assert_eq!(ex.now(), Duration::from_millis(300)); // one after another
/// ```
///
/// # Panics
/// Outside an executor.
pub fn fetch_blocking(url: &str) -> Result<Response, FetchError> {
    // The host is asked outside the executor's borrow: the call blocks the thread.
    let (id, host) = start_request("fetch_blocking", url, |host, _| host.clone());
    let result = host.fetch_blocking(url);
    finished(id, &result);
    result
}

fn finished(id: RequestId, result: &Result<Response, FetchError>) {
    runtime::with_current(|rt| rt.request_ended());
    crate::trace::emit(|| match result {
        Ok(r) => Event::FetchEnd {
            request: id,
            status: r.status,
            bytes: r.body.len() as u64,
        },
        Err(e) => Event::FetchError {
            request: id,
            message: e.to_string(),
        },
    });
}

/// A request in flight. Made by [`fetch`].
#[must_use = "futures do nothing unless awaited: no request is sent"]
pub struct Fetch {
    url: String,
    state: State,
}

enum State {
    NotStarted,
    InFlight {
        id: RequestId,
        inner: HostFetch,
    },
    /// Answered during [`Fetch::start`], before anybody polled it.
    Answered {
        id: RequestId,
        result: Result<Response, FetchError>,
    },
    Finished,
}

impl fmt::Debug for Fetch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fetch").field("url", &self.url).finish()
    }
}

/// Wraps a task's waker so the trace can say a request woke it.
struct NetWaker {
    task: Waker,
    request: RequestId,
}

impl Wake for NetWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        with_wake_source(WakeSource::Network(self.request), || {
            self.task.wake_by_ref()
        });
    }
}

impl Fetch {
    /// Sends the request now instead of at the first poll, as a browser's `fetch()` does; the
    /// answer is kept until the future is polled. Does nothing once the request has gone out.
    ///
    /// ```
    /// use std::time::Duration;
    /// use executor::{fetch, sleep, Executor, VirtualHost};
    /// let ex = Executor::new(VirtualHost::new());
    /// ex.block_on(async {
    ///     let mut page = fetch("api/page/1?delay=100");
    ///     page.start(); // on its way while this task sleeps
    ///     sleep(Duration::from_millis(100)).await;
    ///     page.await.unwrap();
    /// })
    /// .unwrap();
    /// assert_eq!(ex.now(), Duration::from_millis(100)); // not 200
    /// ```
    ///
    /// # Panics
    /// Outside an executor.
    pub fn start(&mut self) {
        if let State::NotStarted = self.state {
            let (id, mut inner) = self.send();
            // Hosts send on their future's first poll: take it now. Whoever polls this `Fetch`
            // later hands in the waker that counts.
            let first = runtime::without_wait_notes(|| {
                inner.as_mut().poll(&mut Context::from_waker(Waker::noop()))
            });
            self.state = match first {
                Poll::Pending => State::InFlight { id, inner },
                Poll::Ready(result) => State::Answered { id, result },
            };
        }
    }

    /// Records the request and asks the host for it.
    fn send(&self) -> (RequestId, HostFetch) {
        start_request("fetch", &self.url, |host, url| host.fetch(url))
    }
}

/// Gives a request its id, traces its start for the running task, and asks the host for it
/// with `ask` (a whole answer, one streamed, or the host itself, to ask later). `what` names
/// the caller when there is no executor.
pub(crate) fn start_request<T>(
    what: &str,
    url: &str,
    ask: impl FnOnce(&std::rc::Rc<dyn crate::host::Host>, &str) -> T,
) -> (RequestId, T) {
    runtime::expect_current(what, |rt| {
        let id = rt.next_request_id();
        let task = rt.running_task();
        rt.emit(|| Event::FetchStart {
            request: id,
            task,
            url: url.to_owned(),
        });
        (id, ask(rt.host(), url))
    })
}

impl Future for Fetch {
    type Output = Result<Response, FetchError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if let State::NotStarted = this.state {
            let (id, inner) = this.send();
            this.state = State::InFlight { id, inner };
        }
        if let State::Answered { .. } = this.state {
            let State::Answered { id, result } =
                std::mem::replace(&mut this.state, State::Finished)
            else {
                unreachable!()
            };
            finished(id, &result);
            return Poll::Ready(result);
        }
        let State::InFlight { id, inner } = &mut this.state else {
            panic!("Fetch polled after it finished");
        };
        let id = *id;
        let waker = Waker::from(Arc::new(NetWaker {
            task: cx.waker().clone(),
            request: id,
        }));
        // Noted first: whatever the host's future waits on inside, the task waits on the request.
        runtime::note_wait(WaitOn::Network(id));
        let result = match inner.as_mut().poll(&mut Context::from_waker(&waker)) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        this.state = State::Finished;
        finished(id, &result);
        Poll::Ready(result)
    }
}

impl Drop for Fetch {
    fn drop(&mut self) {
        match &self.state {
            State::InFlight { id, .. } => {
                let id = *id;
                runtime::with_current(|rt| rt.request_ended());
                crate::trace::emit(|| Event::FetchAbort { request: id });
            }
            // Answered early and never polled: the answer still ends the request.
            State::Answered { id, result } => finished(*id, result),
            _ => {}
        }
        // Dropping the host's future (with `self`) is what aborts the request.
    }
}
