//! A value set once and awaited by any number of futures: a run's end, the network, the runner.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::task::{Poll, Waker};

/// A value that is set once; until then, futures from [`Latch::wait`] are pending, and every
/// one of them is woken when it is set. Clones share the value.
pub struct Latch<T> {
    state: Rc<RefCell<State<T>>>,
}

struct State<T> {
    value: Option<T>,
    wakers: Vec<Waker>,
}

impl<T> Clone for Latch<T> {
    fn clone(&self) -> Self {
        Latch {
            state: self.state.clone(),
        }
    }
}

impl<T> Default for Latch<T> {
    fn default() -> Self {
        Latch {
            state: Rc::new(RefCell::new(State {
                value: None,
                wakers: Vec::new(),
            })),
        }
    }
}

impl<T: Clone + 'static> Latch<T> {
    /// A latch not yet set.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value, if it is set.
    pub fn get(&self) -> Option<T> {
        self.state.borrow().value.clone()
    }

    /// Sets the value and wakes every waiting future; a latch already set keeps its value.
    pub fn set(&self, value: T) {
        let wakers = {
            let mut state = self.state.borrow_mut();
            if state.value.is_some() {
                return;
            }
            state.value = Some(value);
            std::mem::take(&mut state.wakers)
        };
        // No borrow is held while the wakers run.
        for waker in wakers {
            waker.wake();
        }
    }

    /// The value, once it is set.
    pub fn wait(&self) -> impl Future<Output = T> + use<T> {
        let state = self.state.clone();
        std::future::poll_fn(move |cx| {
            let mut state = state.borrow_mut();
            if let Some(value) = &state.value {
                return Poll::Ready(value.clone());
            }
            if !state.wakers.iter().any(|w| w.will_wake(cx.waker())) {
                state.wakers.push(cx.waker().clone());
            }
            Poll::Pending
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::task::{Context, Wake};

    struct Count(std::sync::atomic::AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    #[test]
    fn waiters_wake_once_set_and_the_first_value_stays() {
        let count = Arc::new(Count(0.into()));
        let waker = Waker::from(count.clone());
        let mut cx = Context::from_waker(&waker);
        let latch = Latch::<u32>::new();
        let mut a = std::pin::pin!(latch.wait());
        let mut b = std::pin::pin!(latch.clone().wait());
        assert!(a.as_mut().poll(&mut cx).is_pending());
        assert!(a.as_mut().poll(&mut cx).is_pending());
        assert!(b.as_mut().poll(&mut cx).is_pending());
        latch.set(7);
        latch.set(8);
        assert_eq!(count.0.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(a.as_mut().poll(&mut cx), Poll::Ready(7));
        assert_eq!(b.as_mut().poll(&mut cx), Poll::Ready(7));
        assert_eq!(latch.get(), Some(7));
    }
}
