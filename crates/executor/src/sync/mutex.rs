//! An async mutex: one holder at a time, even across `.await`, waiters served in order.

use std::cell::{RefCell, RefMut};
use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::{Context, Poll};

use super::semaphore::{Acquire, Permit, Semaphore};

/// A lock whose guard may be held across `.await`.
///
/// On one thread, a `RefCell` already stops two borrows at once, but it does so by panicking;
/// a task that holds a `RefMut` across an `.await` and a second task that borrows meanwhile
/// crash the program. This mutex makes the second task *wait* instead. It is a [`Semaphore`]
/// of one permit plus the value: waiters are served first come, first served, and a waiter
/// that is cancelled (dropped) leaves the queue without stranding the others.
///
/// Python: `asyncio.Lock` (which guards no value; this one owns what it guards).
///
/// ```
/// use std::rc::Rc;
/// use std::time::Duration;
/// use executor::sync::Mutex;
/// use executor::{sleep, spawn, Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let total = ex
///     .block_on(async {
///         let counter = Rc::new(Mutex::new(0));
///         let tasks: Vec<_> = (0..5)
///             .map(|_| {
///                 let counter = counter.clone();
///                 spawn(async move {
///                     let mut n = counter.lock().await;
///                     let seen = *n;
///                     sleep(Duration::from_millis(10)).await; // still holding the lock
///                     *n = seen + 1;
///                 })
///             })
///             .collect();
///         for t in tasks {
///             t.await.unwrap();
///         }
///         let n = *counter.lock().await;
///         n
///     })
///     .unwrap();
/// assert_eq!(total, 5); // no update was lost
/// ```
pub struct Mutex<T> {
    sem: Semaphore,
    value: RefCell<T>,
}

impl<T> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mutex")
            .field("locked", &(self.sem.available_permits() == 0))
            .finish()
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Mutex::new(T::default())
    }
}

impl<T> Mutex<T> {
    /// A mutex guarding `value`, unlocked.
    ///
    /// ```
    /// use executor::sync::Mutex;
    /// let m = Mutex::new(vec![1, 2]);
    /// assert_eq!(m.into_inner(), [1, 2]);
    /// ```
    pub fn new(value: T) -> Mutex<T> {
        Mutex {
            sem: Semaphore::new(1),
            value: RefCell::new(value),
        }
    }

    /// Waits for the lock. The guard unlocks when dropped and hands the lock to the next
    /// waiter, in arrival order. Cancel-safe.
    ///
    /// ```
    /// use executor::sync::Mutex;
    /// use executor::{Executor, VirtualHost};
    ///
    /// let ex = Executor::new(VirtualHost::new());
    /// let m = Mutex::new(String::from("a"));
    /// let s = ex
    ///     .block_on(async move {
    ///         m.lock().await.push('b');
    ///         let s = m.lock().await.clone();
    ///         s
    ///     })
    ///     .unwrap();
    /// assert_eq!(s, "ab");
    /// ```
    pub fn lock(&self) -> Lock<'_, T> {
        Lock {
            mutex: self,
            acquire: self.sem.acquire(),
        }
    }

    /// Takes the lock if it is free now and nobody is waiting for it; `None` otherwise.
    ///
    /// ```
    /// use executor::sync::Mutex;
    /// let m = Mutex::new(1);
    /// let guard = m.try_lock().unwrap();
    /// assert!(m.try_lock().is_none());
    /// drop(guard);
    /// assert_eq!(*m.try_lock().unwrap(), 1);
    /// ```
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        let permit = self.sem.try_acquire().ok()?;
        Some(self.guard(permit))
    }

    /// The value, through a unique borrow of the mutex: no locking needed.
    ///
    /// ```
    /// use executor::sync::Mutex;
    /// let mut m = Mutex::new(1);
    /// *m.get_mut() += 1;
    /// assert_eq!(m.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }

    /// The value, consuming the mutex.
    ///
    /// ```
    /// use executor::sync::Mutex;
    /// assert_eq!(Mutex::new("x").into_inner(), "x");
    /// ```
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }

    fn guard<'a>(&'a self, permit: Permit<'a>) -> MutexGuard<'a, T> {
        MutexGuard {
            // The permit is the only way in, so this borrow never finds another one.
            value: self.value.borrow_mut(),
            _permit: permit,
        }
    }
}

/// Waits for a [`Mutex`]. Made by [`Mutex::lock`].
///
/// ```
/// use executor::sync::{Lock, Mutex};
/// use executor::{Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let m = Mutex::new(3);
/// let v = ex
///     .block_on(async move {
///         let waiting: Lock<'_, i32> = m.lock();
///         let v = *waiting.await;
///         v
///     })
///     .unwrap();
/// assert_eq!(v, 3);
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct Lock<'a, T> {
    mutex: &'a Mutex<T>,
    acquire: Acquire<'a>,
}

impl<T> fmt::Debug for Lock<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lock")
            .field("acquire", &self.acquire)
            .finish()
    }
}

impl<'a, T> Future for Lock<'a, T> {
    type Output = MutexGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        Pin::new(&mut this.acquire).poll(cx).map(|permit| {
            let permit = permit.expect("a mutex's semaphore is never closed");
            this.mutex.guard(permit)
        })
    }
}

/// The lock of a [`Mutex`], held: reads and writes the value through `*`. Dropping it unlocks.
///
/// ```
/// use executor::sync::{Mutex, MutexGuard};
/// let m = Mutex::new(vec![1]);
/// {
///     let mut guard: MutexGuard<'_, Vec<i32>> = m.try_lock().unwrap();
///     guard.push(2);
/// }
/// assert_eq!(*m.try_lock().unwrap(), [1, 2]);
/// ```
pub struct MutexGuard<'a, T> {
    // Field order matters: the borrow ends before the permit goes to the next holder.
    value: RefMut<'a, T>,
    _permit: Permit<'a>,
}

impl<T: fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.value, f)
    }
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}
