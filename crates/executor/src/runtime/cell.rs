//! A task's one allocation: its future while it runs, then its output, behind one trait object.
//!
//! Every task of an executor has a different future type, so the slab holds them as `dyn
//! TaskCell`. The cell keeps the future and, once it is ready, the output in the same place (as
//! tokio's task cells do), so a task costs one allocation and an output needs no box of its own.
//! The handle, which knows the output's type, takes it out through `&mut dyn Any`.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

pin_project_lite::pin_project! {
    #[project = Place]
    enum Cell<F: Future> {
        Running { #[pin] future: F },
        Finished { output: Option<F::Output> },
    }
}

/// What the executor does with a task's cell without knowing its types.
pub(super) trait TaskCell {
    /// Polls the future; once it is ready the output replaces it (the future is dropped here).
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()>;

    /// Moves the output into `out`, which must be an `Option` of the output's type; a second
    /// call, or one before the output is there, leaves `out` as it was.
    fn take_output(self: Pin<&mut Self>, out: &mut dyn Any);
}

impl<F: Future> TaskCell for Cell<F>
where
    F::Output: 'static,
{
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let output = match self.as_mut().project() {
            Place::Running { future } => ready!(future.poll(cx)),
            Place::Finished { .. } => return Poll::Ready(()),
        };
        self.set(Cell::Finished {
            output: Some(output),
        });
        Poll::Ready(())
    }

    fn take_output(self: Pin<&mut Self>, out: &mut dyn Any) {
        if let Place::Finished { output } = self.project()
            && let Some(out) = out.downcast_mut::<Option<F::Output>>()
            && output.is_some()
        {
            *out = output.take();
        }
    }
}

/// A task's cell, as the slab keeps it.
pub(super) type BoxCell = Pin<Box<dyn TaskCell>>;

/// Puts `future` in a cell of its own.
pub(super) fn new<F>(future: F) -> BoxCell
where
    F: Future + 'static,
    F::Output: 'static,
{
    Box::pin(Cell::Running { future })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;

    #[test]
    fn the_output_replaces_the_future_and_is_taken_once() {
        let mut cell = new(async { String::from("done") });
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(cell.as_mut().poll(&mut cx), Poll::Ready(()));
        let mut wrong: Option<u32> = None;
        cell.as_mut().take_output(&mut wrong);
        assert_eq!(
            wrong, None,
            "a different type gets nothing and takes nothing"
        );
        let mut out: Option<String> = None;
        cell.as_mut().take_output(&mut out);
        assert_eq!(out.as_deref(), Some("done"));
        cell.as_mut().take_output(&mut out);
        assert_eq!(
            out.as_deref(),
            Some("done"),
            "the second take leaves out alone"
        );
    }

    #[test]
    fn a_pending_future_stays_and_gives_no_output() {
        let mut cell = new(std::future::pending::<u8>());
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(cell.as_mut().poll(&mut cx), Poll::Pending);
        let mut out: Option<u8> = None;
        cell.as_mut().take_output(&mut out);
        assert_eq!(out, None);
    }
}
