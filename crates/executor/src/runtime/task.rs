//! The task API: `spawn`, the `JoinHandle` that awaits, aborts or detaches a task, `yield_now`.
//!
//! A handle holds only its task's slab key; everything it does goes through the current
//! executor, so a handle that outlives its executor just reports the task as cancelled.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::cell;
use super::slab::{ABORT_REQUESTED, DETACHED, Status};
use super::{Inner, expect_current, note_wait, with_current};
use crate::trace::{TaskId, WaitOn};
use crate::waker::Key;

/// Why a [`JoinHandle`] has no value to give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoinError {
    /// The task panicked; this is the panic's message.
    Panicked(String),
    /// The task was aborted, or its executor was dropped, before it finished.
    Cancelled,
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JoinError::Panicked(msg) => write!(f, "task panicked: {msg}"),
            JoinError::Cancelled => f.write_str("task was cancelled"),
        }
    }
}

impl std::error::Error for JoinError {}

/// Puts `future` in a task cell of `inner` and returns the task's handle.
pub(super) fn spawn_on<F>(inner: &Inner, future: F, name: Option<String>) -> JoinHandle<F::Output>
where
    F: Future + 'static,
{
    let (key, id) = inner.spawn_cell(cell::new(future), name);
    JoinHandle {
        key,
        id,
        _output: PhantomData,
    }
}

/// Spawns a task on the current executor and returns a handle to its result.
///
/// The task starts on the executor's next turn. Awaiting the handle gives the task's output,
/// or a [`JoinError`] if it panicked or was aborted. Dropping the handle detaches the task: it
/// keeps running and its output is dropped.
///
/// ```
/// use executor::{spawn, Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let answer = ex.block_on(async { spawn(async { 6 * 7 }).await.unwrap() }).unwrap();
/// assert_eq!(answer, 42);
/// ```
///
/// # Panics
/// Outside an executor.
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
{
    expect_current("spawn", |inner| spawn_on(inner, future, None))
}

/// Like [`spawn`], with a name the trace and the timeline show for the task.
///
/// ```
/// use executor::{spawn_named, Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let log = ex.record_trace();
/// ex.block_on(async { spawn_named("page 1", async {}).await.unwrap() }).unwrap();
/// assert!(log.borrow().iter().any(|r| matches!(&r.event,
///     executor::trace::Event::Spawn { name: Some(n), .. } if n == "page 1")));
/// ```
pub fn spawn_named<F>(name: impl Into<String>, future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
{
    let name = name.into();
    expect_current("spawn_named", |inner| spawn_on(inner, future, Some(name)))
}

/// The current task's id, if called from inside a task.
///
/// ```
/// use executor::{current_task, spawn, Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// assert_eq!(current_task(), None); // the test itself is no task
/// let (outer, inner) = ex
///     .block_on(async { (current_task(), spawn(async { current_task() }).await.unwrap()) })
///     .unwrap();
/// assert_eq!((outer, inner), (Some(1), Some(2))); // `block_on`'s future is task 1
/// ```
pub fn current_task() -> Option<TaskId> {
    with_current(|inner| inner.running_task()).flatten()
}

/// An owned permission to await a task's result. Itself a future.
///
/// Dropping it detaches the task; [`JoinHandle::abort`] cancels it.
#[must_use = "dropping a JoinHandle detaches the task; await it or call abort()"]
pub struct JoinHandle<T> {
    key: Key,
    id: TaskId,
    _output: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("task", &self.id)
            .finish()
    }
}

impl<T> JoinHandle<T> {
    /// The task's id, as the trace names it.
    pub fn id(&self) -> TaskId {
        self.id
    }

    /// Cancels the task: its future is dropped now (or, if it is running, when its poll
    /// returns), and awaiting this handle gives [`JoinError::Cancelled`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use executor::{spawn, sleep, Executor, JoinError, VirtualHost};
    /// let ex = Executor::new(VirtualHost::new());
    /// let err = ex.block_on(async {
    ///     let slow = spawn(sleep(Duration::from_secs(60)));
    ///     slow.abort();
    ///     slow.await.unwrap_err()
    /// }).unwrap();
    /// assert_eq!(err, JoinError::Cancelled);
    /// assert_eq!(ex.now().as_secs(), 0); // nobody waited the minute
    /// ```
    pub fn abort(&self) {
        with_current(|inner| inner.abort(self.key));
    }

    /// True once the task has finished, panicked or been cancelled.
    pub fn is_finished(&self) -> bool {
        with_current(|inner| inner.is_finished(self.key)).unwrap_or(true)
    }
}

impl<T: 'static> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let key = self.key;
        let mut output: Option<T> = None;
        match with_current(|inner| inner.poll_join(key, cx, &mut output)) {
            None => Poll::Ready(Err(JoinError::Cancelled)),
            Some(Poll::Pending) => Poll::Pending,
            Some(Poll::Ready(result)) => Poll::Ready(
                result.map(|()| output.expect("a JoinHandle's type matches its task's output")),
            ),
        }
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        let key = self.key;
        with_current(|inner| inner.detach(key));
    }
}

/// The executor's side of a [`JoinHandle`]: what `abort`, `is_finished`, `poll` and `drop` do
/// to the task's slot.
impl Inner {
    fn abort(&self, key: Key) {
        let future = {
            let mut tasks = self.tasks.borrow_mut();
            let Some(slot) = tasks.get_mut(key) else {
                return;
            };
            match slot.status {
                Status::Done | Status::Vacant => return,
                Status::Running => {
                    // The task aborts itself (or a task it polls does): finish after the poll.
                    slot.set(ABORT_REQUESTED, true);
                    return;
                }
                Status::Idle | Status::Scheduled => slot.cell.take(),
            }
        };
        drop(future);
        self.finish(key, Err(JoinError::Cancelled));
    }

    fn is_finished(&self, key: Key) -> bool {
        self.tasks
            .borrow_mut()
            .get_mut(key)
            .is_none_or(|s| s.status == Status::Done)
    }

    /// Polls for the task's end; once it has finished, its output goes into `output` (an
    /// `Option` of the output's type).
    fn poll_join(
        &self,
        key: Key,
        cx: &mut Context<'_>,
        output: &mut dyn std::any::Any,
    ) -> Poll<Result<(), JoinError>> {
        // Wakers are cloned and dropped outside the slab's borrow: counting them needs it.
        let mut new_waker = None;
        loop {
            let (result, old_waker, id) = {
                let mut tasks = self.tasks.borrow_mut();
                let Some(slot) = tasks.get_mut(key) else {
                    return Poll::Ready(Err(JoinError::Cancelled));
                };
                if slot.status == Status::Done {
                    let result = match slot.cell.as_mut() {
                        Some(cell) => {
                            cell.as_mut().take_output(output);
                            Ok(())
                        }
                        None => Err(match tasks.panic_of(key.index) {
                            Some(message) => JoinError::Panicked(message.to_owned()),
                            None => JoinError::Cancelled,
                        }),
                    };
                    (Some((result, tasks.remove(key))), None, 0)
                } else if slot
                    .join_waker
                    .as_ref()
                    .is_some_and(|w| w.will_wake(cx.waker()))
                {
                    (None, None, slot.id())
                } else if let Some(w) = new_waker.take() {
                    (None, slot.join_waker.replace(w), slot.id())
                } else {
                    drop(tasks);
                    new_waker = Some(cx.waker().clone());
                    continue;
                }
            };
            drop(old_waker);
            drop(new_waker);
            return match result {
                Some((r, leftovers)) => {
                    drop(leftovers);
                    Poll::Ready(r)
                }
                None => {
                    note_wait(WaitOn::Task(id));
                    Poll::Pending
                }
            };
        }
    }

    fn detach(&self, key: Key) {
        let leftovers = {
            let mut tasks = self.tasks.borrow_mut();
            let Some(slot) = tasks.get_mut(key) else {
                return;
            };
            if slot.status == Status::Done {
                tasks.remove(key)
            } else {
                slot.set(DETACHED, true);
                Some((None, slot.join_waker.take()))
            }
        };
        drop(leftovers);
    }
}

/// A future that returns `Pending` once, waking itself first: the task goes to the back of the
/// ready queue and every other ready task gets a turn before it continues.
///
/// ```
/// use executor::{yield_now, Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// ex.block_on(async { yield_now().await }).unwrap();
/// assert_eq!(ex.snapshot().stats.polls, 2); // once to yield, once to finish
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// Made by [`yield_now`].
#[must_use = "futures do nothing unless awaited"]
#[derive(Debug)]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.yielded, true) {
            Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}
