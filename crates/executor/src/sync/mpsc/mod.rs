//! A multi-producer, single-consumer channel: a queue of values between tasks, bounded or not.
//!
//! ```
//! use executor::sync::mpsc;
//! use executor::{spawn, Executor, VirtualHost};
//!
//! let ex = Executor::new(VirtualHost::new());
//! let got = ex
//!     .block_on(async {
//!         let (tx, mut rx) = mpsc::channel(2);
//!         drop(spawn(async move {
//!             for n in 1..=3 {
//!                 tx.send(n).await.unwrap();
//!             }
//!         })); // the task owns `tx`: when it ends, so does the channel
//!         let mut got = Vec::new();
//!         while let Some(n) = rx.recv().await {
//!             got.push(n);
//!         }
//!         got
//!     })
//!     .unwrap();
//! assert_eq!(got, [1, 2, 3]);
//! ```

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use super::semaphore::{Semaphore, TryAcquireError};
use crate::runtime;
use crate::trace::WaitOn;

mod errors;

pub use errors::{Refusal, SendError, TryRecvError, TrySendError};

struct Shared<T> {
    queue: RefCell<VecDeque<T>>,
    /// Free slots, for a bounded channel: a sender takes one per value, the receiver gives it
    /// back per value taken. Its queue of waiters is the queue of blocked senders.
    slots: Option<Semaphore>,
    rx_waker: RefCell<Option<Waker>>,
    senders: Cell<usize>,
    closed: Cell<bool>,
}

impl<T> Shared<T> {
    fn push(&self, value: T) {
        self.queue.borrow_mut().push_back(value);
        let waker = self.rx_waker.borrow_mut().take();
        if let Some(w) = waker {
            crate::runtime::wake_from_channel(w);
        }
    }
}

fn make<T>(slots: Option<Semaphore>) -> (Sender<T>, Receiver<T>) {
    let shared = Rc::new(Shared {
        queue: RefCell::new(VecDeque::new()),
        slots,
        rx_waker: RefCell::new(None),
        senders: Cell::new(1),
        closed: Cell::new(false),
    });
    (
        Sender {
            shared: shared.clone(),
        },
        Receiver { shared },
    )
}

/// Makes a bounded channel holding at most `capacity` values. A sender that finds it full
/// waits for room (back-pressure: a fast producer is slowed to the consumer's pace); blocked
/// senders get room in the order they started waiting.
///
/// Python: `asyncio.Queue(maxsize=capacity)`; Go: `make(chan T, capacity)`.
///
/// ```
/// use std::time::Duration;
/// use executor::sync::mpsc;
/// use executor::{now, sleep, spawn, Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// ex.block_on(async {
///     let (tx, mut rx) = mpsc::channel(1);
///     let producer = spawn(async move {
///         tx.send("a").await.unwrap(); // room: no wait
///         tx.send("b").await.unwrap(); // full: waits until "a" is taken
///         now()
///     });
///     sleep(Duration::from_millis(50)).await;
///     assert_eq!(rx.recv().await, Some("a"));
///     assert_eq!(producer.await.unwrap(), Duration::from_millis(50));
/// })
/// .unwrap();
/// ```
///
/// # Panics
/// If `capacity` is 0 (a rendezvous channel is not supported: use a capacity of 1).
pub fn channel<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    assert!(
        capacity > 0,
        "mpsc::channel needs a capacity of at least 1 (got 0)"
    );
    make(Some(Semaphore::new(capacity)))
}

/// Makes a channel with no bound: sending never waits, and the queue grows as needed.
///
/// ```
/// use executor::sync::mpsc;
/// use executor::{Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let (tx, mut rx) = mpsc::unbounded_channel();
/// for n in 0..1000 {
///     tx.try_send(n).unwrap(); // never full
/// }
/// assert_eq!(rx.len(), 1000);
/// assert_eq!(ex.block_on(async move { rx.recv().await }).unwrap(), Some(0));
/// ```
pub fn unbounded_channel<T>() -> (Sender<T>, Receiver<T>) {
    make(None)
}

/// The sending half of a channel. Clone it to have several producers; the channel ends (the
/// receiver gets `None`) when every clone is dropped.
///
/// ```
/// use executor::sync::mpsc;
/// use executor::{spawn, Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let mut got = ex
///     .block_on(async {
///         let (tx, mut rx) = mpsc::unbounded_channel();
///         for id in 0..3 {
///             let tx = tx.clone();
///             drop(spawn(async move { tx.send(id).await.unwrap() }));
///         }
///         drop(tx);
///         let mut got = Vec::new();
///         while let Some(id) = rx.recv().await {
///             got.push(id);
///         }
///         got
///     })
///     .unwrap();
/// got.sort();
/// assert_eq!(got, [0, 1, 2]);
/// ```
pub struct Sender<T> {
    shared: Rc<Shared<T>>,
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("mpsc::Sender")
            .field("queued", &self.shared.queue.borrow().len())
            .field("closed", &self.shared.closed.get())
            .finish()
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.shared.senders.set(self.shared.senders.get() + 1);
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let left = self.shared.senders.get() - 1;
        self.shared.senders.set(left);
        if left == 0 {
            let waker = self.shared.rx_waker.borrow_mut().take();
            if let Some(w) = waker {
                crate::runtime::wake_from_channel(w);
            }
        }
    }
}

impl<T> Sender<T> {
    /// Sends a value, waiting for room if a bounded channel is full. Fails, giving the value
    /// back, if the receiver is gone or closes the channel (also while waiting).
    ///
    /// Cancel-safe in the sense that matters for the others: dropping this future while it
    /// waits drops the value, but never takes room meant for another waiting sender.
    ///
    /// ```
    /// use executor::sync::mpsc;
    /// use executor::{Executor, VirtualHost};
    ///
    /// let ex = Executor::new(VirtualHost::new());
    /// let (tx, mut rx) = mpsc::channel(8);
    /// ex.block_on(async move {
    ///     tx.send("hello").await.unwrap();
    ///     assert_eq!(rx.recv().await, Some("hello"));
    /// })
    /// .unwrap();
    /// ```
    pub async fn send(&self, value: T) -> Result<(), SendError<T>> {
        let shared = &*self.shared;
        if let Some(slots) = &shared.slots {
            match slots.acquire().await {
                Ok(permit) => permit.forget(), // the receiver gives the slot back
                Err(_) => return Err(SendError(value)),
            }
        } else if shared.closed.get() {
            return Err(SendError(value));
        }
        shared.push(value);
        Ok(())
    }

    /// Sends a value if there is room now, without waiting.
    ///
    /// ```
    /// use executor::sync::mpsc::{self, TrySendError};
    /// let (tx, mut rx) = mpsc::channel(2);
    /// tx.try_send('a').unwrap();
    /// tx.try_send('b').unwrap();
    /// assert_eq!(tx.try_send('c'), Err(TrySendError::Full('c')));
    /// assert_eq!(rx.try_recv(), Ok('a'));
    /// tx.try_send('c').unwrap(); // room again
    /// ```
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        let shared = &*self.shared;
        if let Some(slots) = &shared.slots {
            match slots.try_acquire() {
                Ok(permit) => permit.forget(),
                Err(TryAcquireError::NoPermits) => return Err(TrySendError::Full(value)),
                Err(TryAcquireError::Closed) => return Err(TrySendError::Closed(value)),
            }
        } else if shared.closed.get() {
            return Err(TrySendError::Closed(value));
        }
        shared.push(value);
        Ok(())
    }

    /// True if the receiver was dropped or closed the channel: every send will fail.
    ///
    /// ```
    /// use executor::sync::mpsc;
    /// let (tx, rx) = mpsc::channel::<u8>(1);
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.closed.get()
    }
}

/// The receiving half of a channel. Values come out in the order they went in.
///
/// ```
/// use executor::sync::mpsc;
/// use executor::{Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let (tx, mut rx) = mpsc::unbounded_channel();
/// tx.try_send(1).unwrap();
/// tx.try_send(2).unwrap();
/// drop(tx);
/// let all = ex
///     .block_on(async move { (rx.recv().await, rx.recv().await, rx.recv().await) })
///     .unwrap();
/// assert_eq!(all, (Some(1), Some(2), None));
/// ```
pub struct Receiver<T> {
    shared: Rc<Shared<T>>,
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("mpsc::Receiver")
            .field("queued", &self.shared.queue.borrow().len())
            .field("senders", &self.shared.senders.get())
            .field("closed", &self.shared.closed.get())
            .finish()
    }
}

impl<T> Receiver<T> {
    /// Waits for the next value. `None` once the channel is empty and no value can come any
    /// more: every sender is dropped, or [`close`](Receiver::close) was called.
    ///
    /// Cancel-safe: dropping the future loses no value.
    ///
    /// ```
    /// use std::time::Duration;
    /// use executor::sync::mpsc;
    /// use executor::{now, sleep, spawn, Executor, VirtualHost};
    ///
    /// let ex = Executor::new(VirtualHost::new());
    /// ex.block_on(async {
    ///     let (tx, mut rx) = mpsc::channel(1);
    ///     drop(spawn(async move {
    ///         sleep(Duration::from_millis(10)).await;
    ///         tx.send(()).await.unwrap();
    ///     }));
    ///     assert_eq!(rx.recv().await, Some(()));
    ///     assert_eq!(now(), Duration::from_millis(10));
    ///     assert_eq!(rx.recv().await, None); // the sender is gone
    /// })
    /// .unwrap();
    /// ```
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// The poll behind [`recv`](Receiver::recv), for code that writes its own `poll`
    /// functions (a `Stream` over the channel, say).
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use executor::sync::mpsc;
    /// use executor::{Executor, VirtualHost};
    ///
    /// let ex = Executor::new(VirtualHost::new());
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// tx.try_send(9).unwrap();
    /// let got = ex.block_on(async move { poll_fn(|cx| rx.poll_recv(cx)).await }).unwrap();
    /// assert_eq!(got, Some(9));
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        match self.try_recv() {
            Ok(v) => Poll::Ready(Some(v)),
            Err(TryRecvError::Disconnected) => Poll::Ready(None),
            Err(TryRecvError::Empty) => {
                let mut stored = self.shared.rx_waker.borrow_mut();
                match stored.as_ref() {
                    Some(w) if w.will_wake(cx.waker()) => {}
                    _ => *stored = Some(cx.waker().clone()),
                }
                runtime::note_wait(WaitOn::Channel);
                Poll::Pending
            }
        }
    }

    /// Takes the next value if one is queued, without waiting.
    ///
    /// ```
    /// use executor::sync::mpsc::{self, TryRecvError};
    /// let (tx, mut rx) = mpsc::channel(1);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.try_send(3).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(3));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let shared = &*self.shared;
        let next = shared.queue.borrow_mut().pop_front();
        match next {
            Some(v) => {
                if let Some(slots) = &shared.slots {
                    slots.add_permits(1); // room for the next sender in line
                }
                Ok(v)
            }
            None if shared.closed.get() || shared.senders.get() == 0 => {
                Err(TryRecvError::Disconnected)
            }
            None => Err(TryRecvError::Empty),
        }
    }

    /// Closes the channel: every send from now on fails, and senders waiting for room are
    /// woken with an error. Values already queued can still be received; then `recv` gives
    /// `None`.
    ///
    /// ```
    /// use executor::sync::mpsc;
    /// use executor::{Executor, VirtualHost};
    ///
    /// let ex = Executor::new(VirtualHost::new());
    /// let (tx, mut rx) = mpsc::channel(4);
    /// tx.try_send(1).unwrap();
    /// rx.close();
    /// assert!(tx.try_send(2).is_err());
    /// let (a, b) = ex.block_on(async move { (rx.recv().await, rx.recv().await) }).unwrap();
    /// assert_eq!((a, b), (Some(1), None));
    /// ```
    pub fn close(&mut self) {
        self.shared.closed.set(true);
        if let Some(slots) = &self.shared.slots {
            slots.close();
        }
    }

    /// Values queued now.
    ///
    /// ```
    /// use executor::sync::mpsc;
    /// let (tx, rx) = mpsc::unbounded_channel();
    /// tx.try_send("x").unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.shared.queue.borrow().len()
    }

    /// True if no value is queued now.
    ///
    /// ```
    /// use executor::sync::mpsc;
    /// let (_tx, rx) = mpsc::channel::<u8>(1);
    /// assert!(rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.shared.queue.borrow().is_empty()
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.close();
        // Values nobody will read are dropped now, outside the borrow.
        let left = std::mem::take(&mut *self.shared.queue.borrow_mut());
        drop(left);
    }
}

/// A receiver is a stream of the values sent: `while let Some(v) = rx.next().await`.
///
/// ```
/// use executor::stream::StreamExt;
/// use executor::sync::mpsc;
/// use executor::{spawn, Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let got = ex.block_on(async {
///     let (tx, mut rx) = mpsc::unbounded_channel();
///     spawn(async move {
///         for i in 1..=3 {
///             tx.send(i).await.unwrap();
///         }
///     })
///     .await
///     .unwrap();
///     rx.collect_vec().await
/// }).unwrap();
/// assert_eq!(got, [1, 2, 3]);
/// ```
impl<T> crate::stream::Stream for Receiver<T> {
    type Item = T;

    fn poll_next(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.poll_recv(cx)
    }
}
