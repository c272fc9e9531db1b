//! A counting semaphore: at most N holders at once, waiters served first come, first served.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::runtime;
use crate::trace::WaitOn;

/// Where a queued acquirer stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Standing {
    /// In the queue, waiting for a permit.
    Queued,
    /// A permit was handed to it; it is its owner now, even before it is polled again.
    Granted,
    /// The semaphore was closed while it waited.
    Closed,
}

/// One waiting acquirer, shared between the queue and its future.
struct Waiter {
    standing: Cell<Standing>,
    waker: RefCell<Option<Waker>>,
}

/// A counting semaphore: a pool of permits that tasks borrow and give back.
///
/// [`acquire`](Semaphore::acquire) takes a permit, waiting if none is free; dropping the
/// [`Permit`] gives it back. Waiters are served in arrival order: a released permit goes
/// straight to the task at the head of the queue (a hand-off), so a later arrival can never
/// overtake it, even one that asks while the head has not yet run.
///
/// Python: `asyncio.Semaphore`, with `async with sem:` written `let _permit = sem.acquire().await?;`.
///
/// ```
/// use std::rc::Rc;
/// use std::time::Duration;
/// use executor::sync::Semaphore;
/// use executor::{now, sleep, spawn, Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// ex.block_on(async {
///     let pool = Rc::new(Semaphore::new(3));
///     let tasks: Vec<_> = (0..9)
///         .map(|_| {
///             let pool = pool.clone();
///             spawn(async move {
///                 let _permit = pool.acquire().await.unwrap();
///                 sleep(Duration::from_millis(100)).await;
///             })
///         })
///         .collect();
///     for t in tasks {
///         t.await.unwrap();
///     }
///     assert_eq!(now(), Duration::from_millis(300)); // three rounds of three
/// })
/// .unwrap();
/// ```
pub struct Semaphore {
    permits: Cell<usize>,
    closed: Cell<bool>,
    waiters: RefCell<VecDeque<Rc<Waiter>>>,
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("permits", &self.permits.get())
            .field("waiters", &self.waiters.borrow().len())
            .field("closed", &self.closed.get())
            .finish()
    }
}

/// The error of an acquire on a [`closed`](Semaphore::close) semaphore.
///
/// ```
/// use executor::sync::{AcquireError, Semaphore};
/// use executor::{Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let sem = Semaphore::new(1);
/// sem.close();
/// let err: AcquireError = ex.block_on(async move { sem.acquire().await.map(drop) }).unwrap().unwrap_err();
/// assert_eq!(err.to_string(), "the semaphore is closed");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AcquireError(());

impl fmt::Display for AcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the semaphore is closed")
    }
}

impl std::error::Error for AcquireError {}

/// Why [`Semaphore::try_acquire`] gave no permit.
///
/// ```
/// use executor::sync::{Semaphore, TryAcquireError};
///
/// let sem = Semaphore::new(0);
/// assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
/// sem.close();
/// assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::Closed);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TryAcquireError {
    /// Every permit is taken (or promised to a waiter).
    NoPermits,
    /// The semaphore is closed.
    Closed,
}

impl fmt::Display for TryAcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryAcquireError::NoPermits => f.write_str("no permits available"),
            TryAcquireError::Closed => f.write_str("the semaphore is closed"),
        }
    }
}

impl std::error::Error for TryAcquireError {}

impl Semaphore {
    /// A semaphore with `permits` permits.
    ///
    /// ```
    /// use executor::sync::Semaphore;
    /// assert_eq!(Semaphore::new(4).available_permits(), 4);
    /// ```
    pub fn new(permits: usize) -> Semaphore {
        Semaphore {
            permits: Cell::new(permits),
            closed: Cell::new(false),
            waiters: RefCell::new(VecDeque::new()),
        }
    }

    /// Permits free right now.
    ///
    /// ```
    /// use executor::sync::Semaphore;
    /// let sem = Semaphore::new(2);
    /// let held = sem.try_acquire().unwrap();
    /// assert_eq!(sem.available_permits(), 1);
    /// drop(held);
    /// assert_eq!(sem.available_permits(), 2);
    /// ```
    pub fn available_permits(&self) -> usize {
        self.permits.get()
    }

    /// Waits for a permit. The [`Permit`] gives it back when dropped.
    ///
    /// Fails with [`AcquireError`] if the semaphore is closed, before or while waiting.
    /// Cancel-safe: dropping the future before it finishes leaves the queue as if it had
    /// never asked, and a permit it had already been handed goes on to the next waiter.
    ///
    /// ```
    /// use std::time::Duration;
    /// use executor::sync::Semaphore;
    /// use executor::{now, sleep, Executor, VirtualHost};
    ///
    /// let ex = Executor::new(VirtualHost::new());
    /// ex.block_on(async {
    ///     let sem = Semaphore::new(1);
    ///     let permit = sem.acquire().await.unwrap();
    ///     assert_eq!(sem.available_permits(), 0);
    ///     drop(permit);
    ///     let _again = sem.acquire().await.unwrap(); // no wait: it was given back
    ///     assert_eq!(now(), Duration::ZERO);
    /// })
    /// .unwrap();
    /// ```
    pub fn acquire(&self) -> Acquire<'_> {
        Acquire {
            sem: self,
            waiter: None,
        }
    }

    /// Like [`acquire`](Semaphore::acquire), for a semaphore in an `Rc`: the
    /// [`OwnedPermit`] keeps the semaphore alive and borrows nothing, so it can move into a
    /// spawned task.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use executor::sync::Semaphore;
    /// use executor::{spawn, Executor, VirtualHost};
    ///
    /// let ex = Executor::new(VirtualHost::new());
    /// ex.block_on(async {
    ///     let sem = Rc::new(Semaphore::new(1));
    ///     let permit = sem.acquire_owned().await.unwrap();
    ///     let task = spawn(async move {
    ///         let _held = permit; // released when the task ends
    ///     });
    ///     task.await.unwrap();
    ///     assert_eq!(sem.available_permits(), 1);
    /// })
    /// .unwrap();
    /// ```
    pub fn acquire_owned(self: &Rc<Self>) -> AcquireOwned {
        AcquireOwned {
            sem: self.clone(),
            waiter: None,
        }
    }

    /// Takes a permit if one is free now and nobody is queued for it.
    ///
    /// ```
    /// use executor::sync::{Semaphore, TryAcquireError};
    /// let sem = Semaphore::new(1);
    /// let first = sem.try_acquire().unwrap();
    /// assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
    /// drop(first);
    /// assert!(sem.try_acquire().is_ok());
    /// ```
    pub fn try_acquire(&self) -> Result<Permit<'_>, TryAcquireError> {
        self.try_take()?;
        Ok(Permit { sem: self })
    }

    /// Adds `n` permits, handing them to waiters first (in order).
    ///
    /// ```
    /// use executor::sync::Semaphore;
    /// let sem = Semaphore::new(0);
    /// sem.add_permits(2);
    /// assert_eq!(sem.available_permits(), 2);
    /// ```
    pub fn add_permits(&self, n: usize) {
        let mut wake = Vec::new();
        {
            let mut waiters = self.waiters.borrow_mut();
            let mut free = self.permits.get().saturating_add(n);
            while free > 0 {
                let Some(head) = waiters.pop_front() else {
                    break;
                };
                free -= 1;
                head.standing.set(Standing::Granted);
                wake.extend(head.waker.borrow_mut().take());
            }
            self.permits.set(free);
        }
        // Wake outside the borrow: a waker may run arbitrary code.
        wake.into_iter().for_each(crate::runtime::wake_from_channel);
    }

    /// Closes the semaphore: every waiter fails with [`AcquireError`] and so does every later
    /// acquire. Permits already held stay valid.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use executor::sync::Semaphore;
    /// use executor::{spawn, yield_now, Executor, VirtualHost};
    ///
    /// let ex = Executor::new(VirtualHost::new());
    /// ex.block_on(async {
    ///     let sem = Rc::new(Semaphore::new(0));
    ///     let s = sem.clone();
    ///     let waiter = spawn(async move { s.acquire().await.is_err() });
    ///     yield_now().await; // let it start waiting
    ///     sem.close();
    ///     assert!(waiter.await.unwrap(), "the waiter got an error");
    ///     assert!(sem.is_closed());
    /// })
    /// .unwrap();
    /// ```
    pub fn close(&self) {
        self.closed.set(true);
        let drained: Vec<Rc<Waiter>> = self.waiters.borrow_mut().drain(..).collect();
        for waiter in drained {
            waiter.standing.set(Standing::Closed);
            let waker = waiter.waker.borrow_mut().take();
            if let Some(w) = waker {
                crate::runtime::wake_from_channel(w);
            }
        }
    }

    /// True once [`close`](Semaphore::close) was called.
    ///
    /// ```
    /// use executor::sync::Semaphore;
    /// let sem = Semaphore::new(1);
    /// assert!(!sem.is_closed());
    /// sem.close();
    /// assert!(sem.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.closed.get()
    }

    /// Takes one permit without waiting; the caller owns it afterwards.
    fn try_take(&self) -> Result<(), TryAcquireError> {
        if self.closed.get() {
            return Err(TryAcquireError::Closed);
        }
        let free = self.permits.get();
        if free == 0 || !self.waiters.borrow().is_empty() {
            return Err(TryAcquireError::NoPermits);
        }
        self.permits.set(free - 1);
        Ok(())
    }

    /// The poll shared by [`Acquire`] and [`AcquireOwned`]. `Ready(Ok)` means the caller now
    /// owns one permit.
    fn poll_take(
        &self,
        slot: &mut Option<Rc<Waiter>>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), AcquireError>> {
        let Some(waiter) = slot.as_ref() else {
            return match self.try_take() {
                Ok(()) => Poll::Ready(Ok(())),
                Err(TryAcquireError::Closed) => Poll::Ready(Err(AcquireError(()))),
                Err(TryAcquireError::NoPermits) => {
                    let waiter = Rc::new(Waiter {
                        standing: Cell::new(Standing::Queued),
                        waker: RefCell::new(Some(cx.waker().clone())),
                    });
                    self.waiters.borrow_mut().push_back(waiter.clone());
                    *slot = Some(waiter);
                    runtime::note_wait(WaitOn::Channel);
                    Poll::Pending
                }
            };
        };
        match waiter.standing.get() {
            Standing::Granted => {
                *slot = None;
                Poll::Ready(Ok(()))
            }
            Standing::Closed => {
                *slot = None;
                Poll::Ready(Err(AcquireError(())))
            }
            Standing::Queued => {
                let mut stored = waiter.waker.borrow_mut();
                match stored.as_ref() {
                    Some(w) if w.will_wake(cx.waker()) => {}
                    _ => *stored = Some(cx.waker().clone()),
                }
                runtime::note_wait(WaitOn::Channel);
                Poll::Pending
            }
        }
    }

    /// An acquire future is dropped: leave the queue, or pass on a permit already granted.
    fn cancel(&self, slot: &mut Option<Rc<Waiter>>) {
        let Some(waiter) = slot.take() else {
            return;
        };
        match waiter.standing.get() {
            Standing::Queued => {
                self.waiters
                    .borrow_mut()
                    .retain(|w| !Rc::ptr_eq(w, &waiter));
            }
            Standing::Granted => self.add_permits(1),
            Standing::Closed => {}
        }
    }
}

/// Waits for a permit. Made by [`Semaphore::acquire`].
///
/// ```
/// use executor::sync::{Acquire, Semaphore};
/// use executor::{Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let sem = Semaphore::new(1);
/// ex.block_on(async move {
///     let pending: Acquire<'_> = sem.acquire();
///     assert!(pending.await.is_ok());
/// })
/// .unwrap();
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct Acquire<'a> {
    sem: &'a Semaphore,
    waiter: Option<Rc<Waiter>>,
}

impl fmt::Debug for Acquire<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire")
            .field("queued", &self.waiter.is_some())
            .finish()
    }
}

impl<'a> Future for Acquire<'a> {
    type Output = Result<Permit<'a>, AcquireError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let sem = this.sem;
        sem.poll_take(&mut this.waiter, cx)
            .map(|r| r.map(|()| Permit { sem }))
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        self.sem.cancel(&mut self.waiter);
    }
}

/// Waits for a permit of a semaphore in an `Rc`. Made by [`Semaphore::acquire_owned`].
///
/// ```
/// use std::rc::Rc;
/// use executor::sync::{AcquireOwned, Semaphore};
/// use executor::{Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let sem = Rc::new(Semaphore::new(1));
/// let pending: AcquireOwned = sem.acquire_owned();
/// let permit = ex.block_on(pending).unwrap().unwrap();
/// assert_eq!(sem.available_permits(), 0);
/// drop(permit);
/// assert_eq!(sem.available_permits(), 1);
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct AcquireOwned {
    sem: Rc<Semaphore>,
    waiter: Option<Rc<Waiter>>,
}

impl fmt::Debug for AcquireOwned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AcquireOwned")
            .field("queued", &self.waiter.is_some())
            .finish()
    }
}

impl Future for AcquireOwned {
    type Output = Result<OwnedPermit, AcquireError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        this.sem.poll_take(&mut this.waiter, cx).map(|r| {
            r.map(|()| OwnedPermit {
                sem: this.sem.clone(),
            })
        })
    }
}

impl Drop for AcquireOwned {
    fn drop(&mut self) {
        self.sem.cancel(&mut self.waiter);
    }
}

/// One permit, borrowed from a [`Semaphore`]; dropping it gives the permit back.
///
/// ```
/// use executor::sync::{Permit, Semaphore};
/// let sem = Semaphore::new(1);
/// let permit: Permit<'_> = sem.try_acquire().unwrap();
/// assert_eq!(sem.available_permits(), 0);
/// drop(permit);
/// assert_eq!(sem.available_permits(), 1);
/// ```
#[must_use = "the permit is given back as soon as it is dropped"]
pub struct Permit<'a> {
    sem: &'a Semaphore,
}

impl fmt::Debug for Permit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Permit")
    }
}

impl Permit<'_> {
    /// Keeps the permit taken for good: the semaphore has one permit fewer.
    ///
    /// ```
    /// use executor::sync::Semaphore;
    /// let sem = Semaphore::new(2);
    /// sem.try_acquire().unwrap().forget();
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn forget(self) {
        std::mem::forget(self);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.sem.add_permits(1);
    }
}

/// One permit of a semaphore in an `Rc`; owns a handle to it, so it can move into a task.
/// Made by [`Semaphore::acquire_owned`].
///
/// ```
/// use std::rc::Rc;
/// use executor::sync::{OwnedPermit, Semaphore};
/// use executor::{Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let sem = Rc::new(Semaphore::new(1));
/// let permit: OwnedPermit = ex.block_on(sem.acquire_owned()).unwrap().unwrap();
/// assert!(Rc::ptr_eq(permit.semaphore(), &sem));
/// ```
#[must_use = "the permit is given back as soon as it is dropped"]
pub struct OwnedPermit {
    sem: Rc<Semaphore>,
}

impl fmt::Debug for OwnedPermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OwnedPermit")
    }
}

impl OwnedPermit {
    /// The semaphore this permit belongs to.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use executor::sync::Semaphore;
    /// let sem = Rc::new(Semaphore::new(3));
    /// let permit = executor::Executor::new(executor::VirtualHost::new())
    ///     .block_on(sem.acquire_owned())
    ///     .unwrap()
    ///     .unwrap();
    /// assert_eq!(permit.semaphore().available_permits(), 2);
    /// ```
    pub fn semaphore(&self) -> &Rc<Semaphore> {
        &self.sem
    }
}

impl Drop for OwnedPermit {
    fn drop(&mut self) {
        self.sem.add_permits(1);
    }
}
