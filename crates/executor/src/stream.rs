//! Streams: async iteration, values that arrive one at a time with waiting in between.
//!
//! An `Iterator` hands out values with `next()`, right away. A [`Stream`] is its async twin:
//! `poll_next` may say "not yet" (`Poll::Pending`) and wake the task when the next value is in,
//! and `Poll::Ready(None)` means the stream has ended. [`Stream`] is the trait from the
//! `futures-core` crate, so streams from other libraries work here too.
//!
//! Rust has no `for` loop over streams yet; the loop is written with [`StreamExt::next`]:
//!
//! | Python | here |
//! |---|---|
//! | `async for page in pages:` | `while let Some(page) = pages.next().await {` |
//! | `[x async for x in s]` | `s.collect_vec().await` |
//! | an `async def` generator with `yield` | [`unfold`] (state in, `(item, next state)` out) |
//! | up to *n* awaitables at once, in order | `s.map(f).buffered(n)` ([`StreamExt::buffered`]) |
//! | up to *n* at once, as they finish | `s.map(f).buffer_unordered(n)` |
//!
//! ```
//! use std::time::Duration;
//! use executor::stream::{self, StreamExt};
//! use executor::{fetch, Executor, VirtualHost};
//!
//! let ex = Executor::new(VirtualHost::new());
//! ex.block_on(async {
//!     // Pages 1, 2, 3, fetched one after another as the loop asks for them.
//!     let mut pages = stream::unfold(1, |n| async move {
//!         if n > 3 {
//!             return None;
//!         }
//!         let page = fetch(format!("api/page/{n}?delay=100")).await.unwrap();
//!         Some((page, n + 1))
//!     });
//!     let mut count = 0;
//!     while let Some(page) = pages.next().await {
//!         assert!(page.ok());
//!         count += 1;
//!     }
//!     assert_eq!(count, 3);
//! })
//! .unwrap();
//! assert_eq!(ex.now(), Duration::from_millis(300));
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use futures_core::Stream;

mod buffered;

pub use buffered::{BufferUnordered, Buffered, Map};

/// Handy methods for every [`Stream`], the async counterpart of `Iterator`'s.
///
/// Bring it into scope with `use executor::stream::StreamExt;`.
///
/// ```
/// use executor::stream::{self, StreamExt};
/// use executor::{Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let firsts = ex
///     .block_on(async { stream::iter(1..).take(3).collect_vec().await })
///     .unwrap();
/// assert_eq!(firsts, [1, 2, 3]);
/// ```
pub trait StreamExt: Stream {
    /// The next item, or `None` when the stream has ended: `while let Some(x) = s.next().await`.
    ///
    /// It borrows the stream, so the stream must be `Unpin` (it stays where it is between
    /// calls). A stream that is not can be pinned first: `let mut s = std::pin::pin!(s);` or
    /// `Box::pin(s)`.
    ///
    /// ```
    /// use executor::stream::{self, StreamExt};
    /// use executor::{Executor, VirtualHost};
    ///
    /// let ex = Executor::new(VirtualHost::new());
    /// ex.block_on(async {
    ///     let mut s = stream::iter(["a", "b"]);
    ///     assert_eq!(s.next().await, Some("a"));
    ///     assert_eq!(s.next().await, Some("b"));
    ///     assert_eq!(s.next().await, None);
    /// })
    /// .unwrap();
    /// ```
    fn next(&mut self) -> Next<'_, Self>
    where
        Self: Unpin,
    {
        Next { stream: self }
    }

    /// A stream of at most the first `n` items of this one. The rest are never asked for.
    ///
    /// ```
    /// use std::time::Duration;
    /// use executor::stream::StreamExt;
    /// use executor::{interval, Executor, VirtualHost};
    ///
    /// let ex = Executor::new(VirtualHost::new());
    /// let n = ex
    ///     .block_on(async { interval(Duration::from_secs(1)).take(4).collect_vec().await.len() })
    ///     .unwrap();
    /// assert_eq!(n, 4);
    /// assert_eq!(ex.now(), Duration::from_secs(3));
    /// ```
    fn take(self, n: usize) -> Take<Self>
    where
        Self: Sized,
    {
        Take {
            stream: Box::pin(self),
            remaining: n,
        }
    }

    /// Each item passed through `f`, as it comes.
    ///
    /// ```
    /// use executor::stream::{self, StreamExt};
    /// use executor::{Executor, VirtualHost};
    ///
    /// let ex = Executor::new(VirtualHost::new());
    /// let v = ex.block_on(stream::iter(1..=3).map(|n| n * 10).collect_vec()).unwrap();
    /// assert_eq!(v, [10, 20, 30]);
    /// ```
    fn map<T, F>(self, f: F) -> Map<Self, F>
    where
        Self: Sized,
        F: FnMut(Self::Item) -> T,
    {
        Map {
            stream: Box::pin(self),
            f,
        }
    }

    /// For a stream of futures: runs up to `limit` of them at once and hands out their outputs
    /// in the order the stream gave the futures. A future that finishes early waits for those
    /// before it; a new one starts when an output is taken.
    ///
    /// ```
    /// use std::time::Duration;
    /// use executor::stream::{self, StreamExt};
    /// use executor::{sleep, Executor, VirtualHost};
    ///
    /// let ex = Executor::new(VirtualHost::new());
    /// let order = ex.block_on(
    ///     stream::iter([300, 100, 200])
    ///         .map(|ms| async move {
    ///             sleep(Duration::from_millis(ms)).await;
    ///             ms
    ///         })
    ///         .buffered(3)
    ///         .collect_vec(),
    /// ).unwrap();
    /// assert_eq!(order, [300, 100, 200]); // the stream's order
    /// assert_eq!(ex.now(), Duration::from_millis(300)); // all three at once
    /// ```
    ///
    /// # Panics
    /// If `limit` is 0.
    fn buffered(self, limit: usize) -> Buffered<Self>
    where
        Self: Sized,
        Self::Item: Future,
    {
        Buffered::new(self, limit)
    }

    /// For a stream of futures: runs up to `limit` of them at once and hands out each output
    /// as soon as its future finishes.
    ///
    /// ```
    /// use std::time::Duration;
    /// use executor::stream::{self, StreamExt};
    /// use executor::{sleep, Executor, VirtualHost};
    ///
    /// let ex = Executor::new(VirtualHost::new());
    /// let order = ex.block_on(
    ///     stream::iter([300, 100, 200])
    ///         .map(|ms| async move {
    ///             sleep(Duration::from_millis(ms)).await;
    ///             ms
    ///         })
    ///         .buffer_unordered(3)
    ///         .collect_vec(),
    /// ).unwrap();
    /// assert_eq!(order, [100, 200, 300]); // as they finished
    /// ```
    ///
    /// # Panics
    /// If `limit` is 0.
    fn buffer_unordered(self, limit: usize) -> BufferUnordered<Self>
    where
        Self: Sized,
        Self::Item: Future,
    {
        BufferUnordered::new(self, limit)
    }

    /// Every item, in a `Vec`, once the stream has ended. Python: `[x async for x in s]`.
    ///
    /// ```
    /// use executor::stream::{self, StreamExt};
    /// use executor::{Executor, VirtualHost};
    ///
    /// let ex = Executor::new(VirtualHost::new());
    /// let v = ex.block_on(stream::iter(0..4).collect_vec()).unwrap();
    /// assert_eq!(v, [0, 1, 2, 3]);
    /// ```
    fn collect_vec(self) -> CollectVec<Self>
    where
        Self: Sized,
    {
        CollectVec {
            stream: Box::pin(self),
            items: Vec::new(),
        }
    }
}

impl<S: Stream + ?Sized> StreamExt for S {}

/// The future of [`StreamExt::next`]: one item, or `None` at the end.
///
/// ```
/// use executor::stream::{self, Next, StreamExt};
/// use executor::{Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// ex.block_on(async {
///     let mut s = stream::iter(Some(5));
///     let next: Next<'_, _> = s.next();
///     assert_eq!(next.await, Some(5));
/// })
/// .unwrap();
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct Next<'a, S: ?Sized> {
    stream: &'a mut S,
}

impl<S: ?Sized> fmt::Debug for Next<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Next").finish_non_exhaustive()
    }
}

impl<S: Stream + Unpin + ?Sized> Future for Next<'_, S> {
    type Output = Option<S::Item>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut *self.stream).poll_next(cx)
    }
}

/// The first `n` items of a stream. Made by [`StreamExt::take`].
///
/// ```
/// use executor::stream::{self, StreamExt, Take};
/// use executor::{Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let two: Take<_> = stream::iter("abc".chars()).take(2);
/// assert_eq!(ex.block_on(two.collect_vec()).unwrap(), ['a', 'b']);
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Take<S> {
    stream: Pin<Box<S>>,
    remaining: usize,
}

impl<S> fmt::Debug for Take<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Take")
            .field("remaining", &self.remaining)
            .finish_non_exhaustive()
    }
}

impl<S: Stream> Stream for Take<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        let item = self.stream.as_mut().poll_next(cx);
        match &item {
            Poll::Ready(Some(_)) => self.remaining -= 1,
            Poll::Ready(None) => self.remaining = 0,
            Poll::Pending => {}
        }
        item
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let (low, high) = self.stream.size_hint();
        let high = Some(high.map_or(self.remaining, |h| h.min(self.remaining)));
        (low.min(self.remaining), high)
    }
}

/// The future of [`StreamExt::collect_vec`].
///
/// ```
/// use executor::stream::{self, CollectVec, StreamExt};
/// use executor::{Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let all: CollectVec<_> = stream::iter(vec![1, 2]).collect_vec();
/// assert_eq!(ex.block_on(all).unwrap(), [1, 2]);
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct CollectVec<S: Stream> {
    stream: Pin<Box<S>>,
    items: Vec<S::Item>,
}

// The items are only ever moved, never pinned.
impl<S: Stream> Unpin for CollectVec<S> {}

impl<S: Stream> fmt::Debug for CollectVec<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CollectVec")
            .field("collected", &self.items.len())
            .finish_non_exhaustive()
    }
}

impl<S: Stream> Future for CollectVec<S> {
    type Output = Vec<S::Item>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        loop {
            match this.stream.as_mut().poll_next(cx) {
                Poll::Ready(Some(item)) => this.items.push(item),
                Poll::Ready(None) => return Poll::Ready(std::mem::take(&mut this.items)),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// A stream over an iterator's items, each ready at once. Made by [`iter`].
///
/// ```
/// use executor::stream::{self, Iter, StreamExt};
/// use executor::{Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let s: Iter<_> = stream::iter([3, 4]);
/// assert_eq!(ex.block_on(s.collect_vec()).unwrap(), [3, 4]);
/// ```
#[must_use = "streams do nothing unless polled"]
#[derive(Clone, Debug)]
pub struct Iter<I> {
    iter: I,
}

// The iterator is never pinned: `poll_next` just calls `Iterator::next`.
impl<I> Unpin for Iter<I> {}

/// Turns anything iterable into a [`Stream`] whose items are all ready at once: the simplest
/// stream, handy for tests and for feeding stream code from ordinary data.
///
/// ```
/// use executor::stream::{self, StreamExt};
/// use executor::{Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// ex.block_on(async {
///     let mut urls = stream::iter((1..=3).map(|n| format!("api/page/{n}")));
///     while let Some(url) = urls.next().await {
///         assert!(url.starts_with("api/page/"));
///     }
/// })
/// .unwrap();
/// assert_eq!(ex.now().as_millis(), 0); // nothing waited
/// ```
pub fn iter<I: IntoIterator>(items: I) -> Iter<I::IntoIter> {
    Iter {
        iter: items.into_iter(),
    }
}

impl<I: Iterator> Stream for Iter<I> {
    type Item = I::Item;

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<I::Item>> {
        Poll::Ready(self.get_mut().iter.next())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.iter.size_hint()
    }
}

/// A stream made from a state and an async step function. Made by [`unfold`].
///
/// ```
/// use executor::stream::{self, StreamExt, Unfold};
/// use executor::{Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let s: Unfold<_, _, _> = stream::unfold(3, |n| async move { (n > 0).then_some((n, n - 1)) });
/// assert_eq!(ex.block_on(s.collect_vec()).unwrap(), [3, 2, 1]);
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Unfold<T, F, Fut> {
    /// `Some` between items; `None` while a step runs, and after the end.
    state: Option<T>,
    step: F,
    running: Option<Pin<Box<Fut>>>,
}

// The state is only moved in and out; the running step lives in its own box.
impl<T, F, Fut> Unpin for Unfold<T, F, Fut> {}

impl<T, F, Fut> fmt::Debug for Unfold<T, F, Fut> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unfold")
            .field("running", &self.running.is_some())
            .finish_non_exhaustive()
    }
}

/// Builds a stream from a starting `state` and an async `step`: each item comes from
/// `step(state).await`, which returns `Some((item, next_state))`, or `None` to end the stream.
///
/// This is the closest thing to Python's async generator: the state is what the generator
/// would keep in its local variables between `yield`s. A step runs only when the consumer asks
/// for the next item.
///
/// ```
/// use std::time::Duration;
/// use executor::stream::{self, StreamExt};
/// use executor::{now, sleep, Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// ex.block_on(async {
///     // A countdown that waits 100 ms before each number.
///     let countdown = stream::unfold(3, |n| async move {
///         if n == 0 {
///             return None;
///         }
///         sleep(Duration::from_millis(100)).await;
///         Some((n, n - 1))
///     });
///     assert_eq!(countdown.collect_vec().await, [3, 2, 1]);
///     assert_eq!(now(), Duration::from_millis(300));
/// })
/// .unwrap();
/// ```
pub fn unfold<T, F, Fut, Item>(state: T, step: F) -> Unfold<T, F, Fut>
where
    F: FnMut(T) -> Fut,
    Fut: Future<Output = Option<(Item, T)>>,
{
    Unfold {
        state: Some(state),
        step,
        running: None,
    }
}

impl<T, F, Fut, Item> Stream for Unfold<T, F, Fut>
where
    F: FnMut(T) -> Fut,
    Fut: Future<Output = Option<(Item, T)>>,
{
    type Item = Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Item>> {
        let this = self.get_mut();
        if this.running.is_none() {
            let Some(state) = this.state.take() else {
                return Poll::Ready(None); // ended
            };
            this.running = Some(Box::pin((this.step)(state)));
        }
        let step = this.running.as_mut().expect("a step is running");
        match step.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(result) => {
                this.running = None;
                Poll::Ready(result.map(|(item, next)| {
                    this.state = Some(next);
                    item
                }))
            }
        }
    }
}
