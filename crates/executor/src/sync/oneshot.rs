//! A one-shot channel: one value, sent once, from one task to another.
//!
//! ```
//! use executor::sync::oneshot;
//! use executor::{spawn, Executor, VirtualHost};
//!
//! let ex = Executor::new(VirtualHost::new());
//! let answer = ex
//!     .block_on(async {
//!         let (tx, rx) = oneshot::channel();
//!         drop(spawn(async move { tx.send(42).unwrap() }));
//!         rx.await
//!     })
//!     .unwrap();
//! assert_eq!(answer, Ok(42));
//! ```

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::runtime;
use crate::trace::WaitOn;

struct Shared<T> {
    value: RefCell<Option<T>>,
    rx_waker: RefCell<Option<Waker>>,
    tx_gone: Cell<bool>,
    rx_gone: Cell<bool>,
}

/// Makes a one-shot channel: a [`Sender`] for one value and a [`Receiver`] that is a future
/// of it. This is a future completed by hand (Python: `loop.create_future()` and
/// `fut.set_result(v)`).
///
/// ```
/// use std::time::Duration;
/// use executor::sync::oneshot;
/// use executor::{now, sleep, spawn, Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// ex.block_on(async {
///     let (tx, rx) = oneshot::channel::<&str>();
///     drop(spawn(async move {
///         sleep(Duration::from_millis(30)).await;
///         tx.send("done").unwrap();
///     }));
///     assert_eq!(rx.await, Ok("done"));
///     assert_eq!(now(), Duration::from_millis(30));
/// })
/// .unwrap();
/// ```
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let shared = Rc::new(Shared {
        value: RefCell::new(None),
        rx_waker: RefCell::new(None),
        tx_gone: Cell::new(false),
        rx_gone: Cell::new(false),
    });
    (
        Sender {
            shared: shared.clone(),
        },
        Receiver { shared },
    )
}

/// The sending half of a [`channel`]. Sends at most once; dropping it unsent makes the
/// receiver fail with [`RecvError`].
///
/// ```
/// use executor::sync::oneshot;
/// let (tx, rx) = oneshot::channel::<u8>();
/// assert!(!tx.is_closed());
/// drop(rx);
/// assert!(tx.is_closed());
/// ```
pub struct Sender<T> {
    shared: Rc<Shared<T>>,
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("oneshot::Sender")
            .field("closed", &self.is_closed())
            .finish()
    }
}

impl<T> Sender<T> {
    /// Sends the value and wakes the receiver. Gives the value back as `Err` if the receiver
    /// was dropped: nobody would ever read it.
    ///
    /// ```
    /// use executor::sync::oneshot;
    /// let (tx, rx) = oneshot::channel();
    /// drop(rx);
    /// assert_eq!(tx.send(5), Err(5));
    /// ```
    pub fn send(self, value: T) -> Result<(), T> {
        if self.shared.rx_gone.get() {
            return Err(value);
        }
        *self.shared.value.borrow_mut() = Some(value);
        // Dropping `self` now wakes the receiver, which finds the value.
        Ok(())
    }

    /// True if the receiver was dropped, so a send would fail.
    ///
    /// ```
    /// use executor::sync::oneshot;
    /// let (tx, rx) = oneshot::channel::<()>();
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.rx_gone.get()
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.shared.tx_gone.set(true);
        let waker = self.shared.rx_waker.borrow_mut().take();
        if let Some(w) = waker {
            crate::runtime::wake_from_channel(w);
        }
    }
}

/// The error of a [`Receiver`] whose sender was dropped without sending.
///
/// ```
/// use executor::sync::oneshot::{self, RecvError};
/// use executor::{Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let (tx, rx) = oneshot::channel::<u8>();
/// drop(tx);
/// let err: RecvError = ex.block_on(rx).unwrap().unwrap_err();
/// assert_eq!(err.to_string(), "the sender was dropped without sending");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecvError(());

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the sender was dropped without sending")
    }
}

impl std::error::Error for RecvError {}

/// The receiving half of a [`channel`]: a future of the value.
///
/// ```
/// use executor::sync::oneshot;
/// use executor::{Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let (tx, rx) = oneshot::channel();
/// tx.send("early").unwrap(); // sent before anyone waits: kept until received
/// assert_eq!(ex.block_on(rx).unwrap(), Ok("early"));
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct Receiver<T> {
    shared: Rc<Shared<T>>,
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("oneshot::Receiver")
            .field("sent", &self.shared.value.borrow().is_some())
            .finish()
    }
}

impl<T> Receiver<T> {
    /// Takes the value if it has been sent, without waiting. `Ok(None)`: not yet;
    /// `Err(RecvError)`: never will be.
    ///
    /// ```
    /// use executor::sync::oneshot;
    /// let (tx, mut rx) = oneshot::channel();
    /// assert_eq!(rx.try_recv(), Ok(None));
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(Some(1)));
    /// ```
    pub fn try_recv(&mut self) -> Result<Option<T>, RecvError> {
        if let Some(v) = self.shared.value.borrow_mut().take() {
            return Ok(Some(v));
        }
        if self.shared.tx_gone.get() {
            Err(RecvError(()))
        } else {
            Ok(None)
        }
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let shared = &self.shared;
        if let Some(v) = shared.value.borrow_mut().take() {
            return Poll::Ready(Ok(v));
        }
        if shared.tx_gone.get() {
            return Poll::Ready(Err(RecvError(())));
        }
        let mut stored = shared.rx_waker.borrow_mut();
        match stored.as_ref() {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => *stored = Some(cx.waker().clone()),
        }
        runtime::note_wait(WaitOn::Channel);
        Poll::Pending
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.shared.rx_gone.set(true);
        let waker = self.shared.rx_waker.borrow_mut().take();
        drop(waker);
        // A value sent but never received is dropped with the last half.
    }
}
