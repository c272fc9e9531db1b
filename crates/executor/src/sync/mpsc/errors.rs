//! The errors of a channel: a refused send (with the value back), a refusal without the value, an empty receive.

use std::fmt;

/// The error of a send on a closed channel (the receiver was dropped or closed it). Holds the
/// value that could not be sent.
///
/// ```
/// use executor::sync::mpsc::{self, SendError};
/// use executor::{Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let (tx, rx) = mpsc::channel(4);
/// drop(rx);
/// let err: SendError<&str> = ex.block_on(async move { tx.send("lost").await }).unwrap().unwrap_err();
/// assert_eq!(err.0, "lost");
/// assert_eq!(err.to_string(), "sending on a closed channel");
/// let why = std::error::Error::source(&err).unwrap();
/// assert_eq!(why.downcast_ref(), Some(&mpsc::Refusal::Closed));
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SendError<T>(pub T);

impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SendError(..)")
    }
}

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("sending on a closed channel")
    }
}

/// Its [`source`](std::error::Error::source) is [`Refusal::Closed`].
impl<T> std::error::Error for SendError<T> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&Refusal::Closed)
    }
}

/// Why [`Sender::try_send`](super::Sender::try_send) did not send. Both variants give the value back.
///
/// ```
/// use executor::sync::mpsc::{self, TrySendError};
/// let (tx, rx) = mpsc::channel(1);
/// tx.try_send(1).unwrap();
/// assert_eq!(tx.try_send(2), Err(TrySendError::Full(2)));
/// drop(rx);
/// assert_eq!(tx.try_send(3), Err(TrySendError::Closed(3)));
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TrySendError<T> {
    /// The channel is at capacity (or blocked senders are ahead in line).
    Full(T),
    /// The receiver is gone or closed the channel.
    Closed(T),
}

impl<T> TrySendError<T> {
    /// The value that was not sent.
    ///
    /// ```
    /// use executor::sync::mpsc::TrySendError;
    /// assert_eq!(TrySendError::Full(7).into_inner(), 7);
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            TrySendError::Full(v) | TrySendError::Closed(v) => v,
        }
    }
}

impl<T> fmt::Debug for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrySendError::Full(_) => f.write_str("Full(..)"),
            TrySendError::Closed(_) => f.write_str("Closed(..)"),
        }
    }
}

impl<T> fmt::Display for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrySendError::Full(_) => f.write_str("the channel is full"),
            TrySendError::Closed(_) => f.write_str("sending on a closed channel"),
        }
    }
}

/// Its [`source`](std::error::Error::source) is the [`Refusal`]: `Full` or `Closed`.
impl<T> std::error::Error for TrySendError<T> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(match self {
            TrySendError::Full(_) => &Refusal::Full,
            TrySendError::Closed(_) => &Refusal::Closed,
        })
    }
}

/// Why a channel refused a value, without the value: the
/// [`source`](std::error::Error::source) of a [`SendError`] or a [`TrySendError`]. Those two
/// are generic over the value they give back, so code that holds one only as a `dyn Error` (a
/// snippet's boxed error, in the runner) cannot downcast to them; it can downcast their source
/// to this and tell the refusals apart by type.
///
/// ```
/// use std::error::Error;
/// use executor::sync::mpsc::{self, Refusal};
///
/// let (tx, rx) = mpsc::channel(1);
/// tx.try_send(1).unwrap();
/// let full: Box<dyn Error> = Box::new(tx.try_send(2).unwrap_err());
/// assert_eq!(full.source().unwrap().downcast_ref(), Some(&Refusal::Full));
/// drop(rx);
/// let closed: Box<dyn Error> = Box::new(tx.try_send(3).unwrap_err());
/// assert_eq!(closed.source().unwrap().downcast_ref(), Some(&Refusal::Closed));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// The receiver is gone or closed the channel: no value will ever be taken.
    Closed,
    /// The channel is at capacity (or blocked senders are ahead in line).
    Full,
}

/// The cause, in words of its own (the error that has it as its source says what failed).
impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Refusal::Closed => "the receiver is gone or closed the channel",
            Refusal::Full => "every slot of the channel is taken",
        })
    }
}

impl std::error::Error for Refusal {}

/// Why [`Receiver::try_recv`](super::Receiver::try_recv) gave no value.
///
/// ```
/// use executor::sync::mpsc::{self, TryRecvError};
/// let (tx, mut rx) = mpsc::unbounded_channel::<u8>();
/// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
/// drop(tx);
/// assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TryRecvError {
    /// Nothing queued now; more may come.
    Empty,
    /// Nothing queued and nothing ever will be: every sender is gone, or the channel was
    /// closed.
    Disconnected,
}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryRecvError::Empty => f.write_str("the channel is empty"),
            TryRecvError::Disconnected => f.write_str("the channel is empty and closed"),
        }
    }
}

impl std::error::Error for TryRecvError {}
