//! [`Map`], [`Buffered`] and [`BufferUnordered`]: a stream of futures run a few at a time.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::Stream;

/// Each item of a stream passed through a function. Made by
/// [`StreamExt::map`](super::StreamExt::map).
#[must_use = "streams do nothing unless polled"]
pub struct Map<S, F> {
    pub(super) stream: Pin<Box<S>>,
    pub(super) f: F,
}

impl<S, F> Unpin for Map<S, F> {}

impl<S, F> fmt::Debug for Map<S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Map").finish_non_exhaustive()
    }
}

impl<S: Stream, F: FnMut(S::Item) -> T, T> Stream for Map<S, F> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = &mut *self;
        this.stream
            .as_mut()
            .poll_next(cx)
            .map(|item| item.map(&mut this.f))
    }
}

/// A future of the stream, running or finished but not yet handed out.
enum Slot<F: Future> {
    Running(Pin<Box<F>>),
    Done(F::Output),
}

/// Takes futures from `stream` while fewer than `limit` are held; `None` once it has ended.
fn refill<S, F>(
    stream: &mut Option<Pin<Box<S>>>,
    held: usize,
    limit: usize,
    cx: &mut Context<'_>,
) -> Vec<F>
where
    S: Stream<Item = F>,
{
    let mut taken = Vec::new();
    while held + taken.len() < limit {
        let Some(source) = stream.as_mut() else {
            break;
        };
        match source.as_mut().poll_next(cx) {
            Poll::Ready(Some(future)) => taken.push(future),
            Poll::Ready(None) => *stream = None,
            Poll::Pending => break,
        }
    }
    taken
}

/// The outputs of a stream of futures, at most `limit` of them running at once, in the order
/// the stream gave the futures. Made by [`StreamExt::buffered`](super::StreamExt::buffered).
#[must_use = "streams do nothing unless polled"]
pub struct Buffered<S: Stream>
where
    S::Item: Future,
{
    stream: Option<Pin<Box<S>>>,
    limit: usize,
    slots: VecDeque<Slot<S::Item>>,
}

impl<S: Stream> Buffered<S>
where
    S::Item: Future,
{
    pub(super) fn new(stream: S, limit: usize) -> Self {
        assert!(limit > 0, "buffered needs a limit of at least 1");
        Buffered {
            stream: Some(Box::pin(stream)),
            limit,
            slots: VecDeque::new(),
        }
    }
}

impl<S: Stream> Unpin for Buffered<S> where S::Item: Future {}

impl<S: Stream> fmt::Debug for Buffered<S>
where
    S::Item: Future,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Buffered")
            .field("limit", &self.limit)
            .field("held", &self.slots.len())
            .field("ended", &self.stream.is_none())
            .finish()
    }
}

impl<S: Stream> Stream for Buffered<S>
where
    S::Item: Future,
{
    type Item = <S::Item as Future>::Output;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        for future in refill(&mut this.stream, this.slots.len(), this.limit, cx) {
            this.slots.push_back(Slot::Running(Box::pin(future)));
        }
        // Every running future is polled: any of them may be the one that woke the task, and
        // one that finishes early keeps its output until its turn comes.
        for slot in &mut this.slots {
            if let Slot::Running(future) = slot
                && let Poll::Ready(output) = future.as_mut().poll(cx)
            {
                *slot = Slot::Done(output);
            }
        }
        match this.slots.front() {
            Some(Slot::Done(_)) => match this.slots.pop_front() {
                Some(Slot::Done(output)) => Poll::Ready(Some(output)),
                _ => unreachable!("the front slot was just seen done"),
            },
            None if this.stream.is_none() => Poll::Ready(None),
            _ => Poll::Pending,
        }
    }
}

/// The outputs of a stream of futures, at most `limit` of them running at once, each as soon
/// as its future finishes. Made by
/// [`StreamExt::buffer_unordered`](super::StreamExt::buffer_unordered).
#[must_use = "streams do nothing unless polled"]
pub struct BufferUnordered<S: Stream>
where
    S::Item: Future,
{
    stream: Option<Pin<Box<S>>>,
    limit: usize,
    running: Vec<Pin<Box<S::Item>>>,
}

impl<S: Stream> BufferUnordered<S>
where
    S::Item: Future,
{
    pub(super) fn new(stream: S, limit: usize) -> Self {
        assert!(limit > 0, "buffer_unordered needs a limit of at least 1");
        BufferUnordered {
            stream: Some(Box::pin(stream)),
            limit,
            running: Vec::new(),
        }
    }
}

impl<S: Stream> Unpin for BufferUnordered<S> where S::Item: Future {}

impl<S: Stream> fmt::Debug for BufferUnordered<S>
where
    S::Item: Future,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufferUnordered")
            .field("limit", &self.limit)
            .field("running", &self.running.len())
            .field("ended", &self.stream.is_none())
            .finish()
    }
}

impl<S: Stream> Stream for BufferUnordered<S>
where
    S::Item: Future,
{
    type Item = <S::Item as Future>::Output;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        for future in refill(&mut this.stream, this.running.len(), this.limit, cx) {
            this.running.push(Box::pin(future));
        }
        // The oldest first, so that of two finished at once the one started first comes first.
        for i in 0..this.running.len() {
            if let Poll::Ready(output) = this.running[i].as_mut().poll(cx) {
                this.running.remove(i);
                return Poll::Ready(Some(output));
            }
        }
        if this.running.is_empty() && this.stream.is_none() {
            Poll::Ready(None)
        } else {
            Poll::Pending
        }
    }
}
