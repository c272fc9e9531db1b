//! [`fetch_stream`]: a response whose body is read part by part as it arrives, a [`Body`] stream.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use super::{FetchError, NetWaker};
use crate::runtime;
use crate::stream::Stream;
use crate::trace::{Event, RequestId, WaitOn};

/// The parts of a body as a host delivers them.
pub type HostBody = Pin<Box<dyn Stream<Item = Result<Vec<u8>, FetchError>>>>;

/// A response whose head has arrived and whose body is still coming, as a host gives it.
pub struct HostStreamed {
    /// The HTTP status.
    pub status: u16,
    /// The URL fetched.
    pub url: String,
    /// Response headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body, part by part.
    pub body: HostBody,
}

/// What a host's [`fetch_stream`](crate::Host::fetch_stream) returns: the head, when it comes.
pub type HostStreamFetch = Pin<Box<dyn Future<Output = Result<HostStreamed, FetchError>>>>;

/// Starts a GET request for `url` whose body is read part by part: the future is ready when the
/// status and headers are in, with a [`Body`] to read the rest from as it arrives. Python:
/// `async for chunk in response.content.iter_any()` (aiohttp), or the browser's
/// `response.body.getReader()`.
///
/// Each part read is recorded on the trace; dropping the future or the body before the end
/// aborts the request.
///
/// ```
/// use std::time::Duration;
/// use executor::stream::StreamExt;
/// use executor::{fetch_stream, now, Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let arrivals = ex.block_on(async {
///     // A body in 4 parts, one every 50 ms after the head (at 100 ms).
///     let response = fetch_stream("api/page/1?delay=100&chunks=4&every=50").await.unwrap();
///     let mut body = response.body;
///     let mut arrivals = Vec::new();
///     while let Some(part) = body.next().await {
///         arrivals.push((now().as_millis(), part.unwrap().len()));
///     }
///     arrivals
/// }).unwrap();
/// assert_eq!(arrivals, [(100, 512), (150, 512), (200, 512), (250, 512)]);
/// ```
pub fn fetch_stream(url: impl Into<String>) -> FetchStream {
    FetchStream {
        url: url.into(),
        state: Head::NotStarted,
    }
}

/// A streamed request until its head arrives. Made by [`fetch_stream`].
#[must_use = "futures do nothing unless awaited: no request is sent"]
pub struct FetchStream {
    url: String,
    state: Head,
}

enum Head {
    NotStarted,
    InFlight {
        id: RequestId,
        inner: HostStreamFetch,
    },
    Done,
}

impl fmt::Debug for FetchStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FetchStream")
            .field("url", &self.url)
            .finish()
    }
}

/// A response whose body is still arriving. Made by [`fetch_stream`].
#[derive(Debug)]
pub struct StreamedResponse {
    /// The HTTP status.
    pub status: u16,
    /// The URL fetched.
    pub url: String,
    /// Response headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body, to read part by part.
    pub body: Body,
}

/// A response body as a [`Stream`] of its parts (`Vec<u8>` each), in the order they arrive.
/// The stream ends when the body is complete; dropping it before that aborts the request.
pub struct Body {
    id: RequestId,
    status: u16,
    /// `None` once the body has ended (or failed).
    inner: Option<HostBody>,
    bytes: u64,
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Body")
            .field("request", &self.id)
            .field("bytes", &self.bytes)
            .field("ended", &self.inner.is_none())
            .finish()
    }
}

impl Body {
    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }
}

impl Future for FetchStream {
    type Output = Result<StreamedResponse, FetchError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if let Head::NotStarted = this.state {
            let (id, inner) = super::start_request("fetch_stream", &this.url, |host, url| {
                host.fetch_stream(url)
            });
            this.state = Head::InFlight { id, inner };
        }
        let Head::InFlight { id, inner } = &mut this.state else {
            panic!("FetchStream polled after it finished");
        };
        let id = *id;
        let result = match poll_for(id, cx, |cx| inner.as_mut().poll(cx)) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        this.state = Head::Done;
        Poll::Ready(match result {
            Ok(head) => Ok(StreamedResponse {
                status: head.status,
                url: head.url,
                headers: head.headers,
                body: Body {
                    id,
                    status: head.status,
                    inner: Some(head.body),
                    bytes: 0,
                },
            }),
            Err(e) => {
                ended(Event::FetchError {
                    request: id,
                    message: e.to_string(),
                });
                Err(e)
            }
        })
    }
}

impl Drop for FetchStream {
    fn drop(&mut self) {
        if let Head::InFlight { id, .. } = self.state {
            ended(Event::FetchAbort { request: id });
        }
    }
}

impl Stream for Body {
    type Item = Result<Vec<u8>, FetchError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Ready(None);
        };
        let id = this.id;
        let next = match poll_for(id, cx, |cx| inner.as_mut().poll_next(cx)) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(next) => next,
        };
        match next {
            Some(Ok(part)) => {
                this.bytes += part.len() as u64;
                crate::trace::emit(|| Event::FetchChunk {
                    request: id,
                    bytes: part.len() as u64,
                });
                Poll::Ready(Some(Ok(part)))
            }
            Some(Err(e)) => {
                this.inner = None;
                ended(Event::FetchError {
                    request: id,
                    message: e.to_string(),
                });
                Poll::Ready(Some(Err(e)))
            }
            None => {
                this.inner = None;
                ended(Event::FetchEnd {
                    request: id,
                    status: this.status,
                    bytes: this.bytes,
                });
                Poll::Ready(None)
            }
        }
    }
}

impl Drop for Body {
    fn drop(&mut self) {
        // Dropping the host's body with `self` is what aborts the request.
        if self.inner.is_some() {
            ended(Event::FetchAbort { request: self.id });
        }
    }
}

/// Polls `f` with a waker that tells the trace the request `id` woke the task, noting first that
/// the task waits on the network.
fn poll_for<T>(
    id: RequestId,
    cx: &mut Context<'_>,
    f: impl FnOnce(&mut Context<'_>) -> Poll<T>,
) -> Poll<T> {
    let waker = Waker::from(Arc::new(NetWaker {
        task: cx.waker().clone(),
        request: id,
    }));
    runtime::note_wait(WaitOn::Network(id));
    f(&mut Context::from_waker(&waker))
}

/// The request is over: one fewer in flight, and `event` on the trace.
fn ended(event: Event) {
    runtime::with_current(|rt| rt.request_ended());
    crate::trace::emit(|| event);
}
