//! [`TaskSet`]: tasks spawned together, taken as they finish, and cancelled together.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::task::{JoinError, JoinHandle, spawn, spawn_named};
use crate::trace::TaskId;

/// Tasks with one output type, owned together: spawn into the set, take each result as its
/// task finishes, and cancel whatever is left.
///
/// Dropping the set aborts every task still in it, so none outlives the set that started it
/// (a lone [`JoinHandle`] dropped detaches its task instead). This is the ownership Python's
/// `asyncio.TaskGroup` gets from its `async with` block.
///
/// ```
/// use std::time::Duration;
/// use executor::{sleep, Executor, TaskSet, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let order = ex.block_on(async {
///     let mut set = TaskSet::new();
///     for ms in [30, 10, 20] {
///         set.spawn(async move {
///             sleep(Duration::from_millis(ms)).await;
///             ms
///         });
///     }
///     // Results come in the order the tasks finish, not the order they were spawned.
///     let mut order = Vec::new();
///     while let Some((_task, result)) = set.join_next().await {
///         order.push(result.unwrap());
///     }
///     order
/// }).unwrap();
/// assert_eq!(order, [10, 20, 30]);
/// ```
#[must_use = "dropping a TaskSet cancels its tasks"]
pub struct TaskSet<T> {
    /// In spawn order, each with its place in that order (kept as tasks leave the set).
    tasks: Vec<(usize, JoinHandle<T>)>,
    spawned: usize,
}

impl<T> fmt::Debug for TaskSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskSet")
            .field(
                "tasks",
                &self.tasks.iter().map(|(_, h)| h).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl<T: 'static> Default for TaskSet<T> {
    fn default() -> Self {
        TaskSet::new()
    }
}

impl<T: 'static> TaskSet<T> {
    /// An empty set.
    pub fn new() -> Self {
        TaskSet {
            tasks: Vec::new(),
            spawned: 0,
        }
    }

    /// Spawns `future` as a task of the set (see [`spawn`]) and returns the task's id.
    ///
    /// # Panics
    /// Outside an executor.
    pub fn spawn<F>(&mut self, future: F) -> TaskId
    where
        F: Future<Output = T> + 'static,
    {
        self.keep(spawn(future))
    }

    /// Like [`TaskSet::spawn`], with a name the trace and the timeline show for the task.
    ///
    /// # Panics
    /// Outside an executor.
    pub fn spawn_named<F>(&mut self, name: impl Into<String>, future: F) -> TaskId
    where
        F: Future<Output = T> + 'static,
    {
        self.keep(spawn_named(name, future))
    }

    fn keep(&mut self, handle: JoinHandle<T>) -> TaskId {
        let id = handle.id();
        self.tasks.push((self.spawned, handle));
        self.spawned += 1;
        id
    }

    /// Tasks in the set: running, or ended and not yet taken by [`TaskSet::join_next`].
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// True when no task is in the set.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Waits for the next task of the set to end and takes it out: its id and what awaiting
    /// its [`JoinHandle`] gives. `None` once the set is empty.
    ///
    /// Each poll asks every task in the set, in spawn order (so ties go to the task spawned
    /// first): cheap for the tens or hundreds of tasks a crawl keeps going at once.
    pub fn join_next(&mut self) -> JoinNext<'_, T> {
        JoinNext { set: self }
    }

    /// Aborts every task in the set (see [`JoinHandle::abort`]). They stay in the set until
    /// [`TaskSet::join_next`] takes them, as [`JoinError::Cancelled`] unless they had already
    /// finished.
    pub fn abort_all(&self) {
        for (_, handle) in &self.tasks {
            handle.abort();
        }
    }

    /// Aborts every task in the set and waits until each has ended; the set is then empty and
    /// what the tasks returned is dropped.
    ///
    /// ```
    /// use std::time::Duration;
    /// use executor::{sleep, Executor, TaskSet, VirtualHost};
    /// let ex = Executor::new(VirtualHost::new());
    /// ex.block_on(async {
    ///     let mut set = TaskSet::new();
    ///     set.spawn(sleep(Duration::from_secs(60)));
    ///     set.shutdown().await;
    ///     assert!(set.is_empty());
    /// }).unwrap();
    /// assert_eq!(ex.now().as_secs(), 0); // nobody waited the minute
    /// ```
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }

    /// Takes the first task (in spawn order) that has ended, if one has.
    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Ended<T>>> {
        if self.tasks.is_empty() {
            return Poll::Ready(None);
        }
        for i in 0..self.tasks.len() {
            let (place, handle) = &mut self.tasks[i];
            if let Poll::Ready(result) = Pin::new(handle).poll(cx) {
                let (place, handle) = (*place, self.tasks.remove(i).1);
                let id = handle.id();
                // Its result is taken: dropping the handle now only lets go of the slot's key.
                drop(handle);
                return Poll::Ready(Some((place, id, result)));
            }
        }
        Poll::Pending
    }
}

/// A task taken out of a set: its place in spawn order, its id, and what its handle gave.
type Ended<T> = (usize, TaskId, Result<T, JoinError>);

impl<T: 'static, E: 'static> TaskSet<Result<T, E>> {
    /// Waits for every task; the first to fail (with its own `Err`, or by panicking or being
    /// cancelled) makes the others be aborted and waited for, and its error is returned. If
    /// none fails, the outputs come in spawn order.
    ///
    /// This is the structured way to run a batch: an error leaves nothing running behind it,
    /// as with Python's `asyncio.TaskGroup`. Waiting for each [`JoinHandle`] in turn (or
    /// `asyncio.gather`) reports the error too, but lets the other tasks run on.
    ///
    /// ```
    /// use std::time::Duration;
    /// use executor::{sleep, Executor, SetError, TaskSet, VirtualHost};
    /// let ex = Executor::new(VirtualHost::new());
    /// let result = ex.block_on(async {
    ///     let mut set = TaskSet::new();
    ///     set.spawn(async {
    ///         sleep(Duration::from_secs(60)).await;
    ///         Ok(1)
    ///     });
    ///     set.spawn(async {
    ///         sleep(Duration::from_millis(10)).await;
    ///         Err("page 2 is gone")
    ///     });
    ///     set.try_join_all().await
    /// }).unwrap();
    /// assert_eq!(result, Err(SetError::Failed("page 2 is gone")));
    /// // The slow task was cancelled when the other failed: the run took 10 ms, not a minute.
    /// assert_eq!(ex.now(), Duration::from_millis(10));
    /// ```
    pub async fn try_join_all(mut self) -> Result<Vec<T>, SetError<E>> {
        let mut outputs: Vec<Option<T>> =
            std::iter::repeat_with(|| None).take(self.spawned).collect();
        while let Some((place, _, result)) = std::future::poll_fn(|cx| self.poll_next(cx)).await {
            let error = match result {
                Ok(Ok(output)) => {
                    outputs[place] = Some(output);
                    continue;
                }
                Ok(Err(e)) => SetError::Failed(e),
                Err(e) => SetError::Join(e),
            };
            self.shutdown().await;
            return Err(error);
        }
        Ok(outputs.into_iter().flatten().collect())
    }
}

impl<T> Drop for TaskSet<T> {
    fn drop(&mut self) {
        // Abort before the handles go: a handle dropped alone would detach its task.
        for (_, handle) in &self.tasks {
            handle.abort();
        }
    }
}

/// Why [`TaskSet::try_join_all`] gave up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetError<E> {
    /// A task returned this error.
    Failed(E),
    /// A task panicked or was cancelled.
    Join(JoinError),
}

impl<E: fmt::Display> fmt::Display for SetError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetError::Failed(e) => e.fmt(f),
            SetError::Join(e) => e.fmt(f),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for SetError<E> {}

/// Made by [`TaskSet::join_next`].
#[must_use = "futures do nothing unless awaited"]
pub struct JoinNext<'a, T> {
    set: &'a mut TaskSet<T>,
}

impl<T> fmt::Debug for JoinNext<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinNext").field("set", &self.set).finish()
    }
}

impl<T: 'static> Future for JoinNext<'_, T> {
    type Output = Option<(TaskId, Result<T, JoinError>)>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.set
            .poll_next(cx)
            .map(|next| next.map(|(_, id, result)| (id, result)))
    }
}
