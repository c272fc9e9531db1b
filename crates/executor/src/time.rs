//! Time: every sleeping task shares one heap of deadlines, and the host arms one timer for it.
//!
//! A browser gives each `setTimeout` its own timer. Ten thousand sleeping tasks with one timer
//! each cost the browser ten thousand timers; here they cost one heap entry each, and the host
//! only ever has one timer armed: for the earliest deadline.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::runtime::{self, Inner};

/// A sleeper's place in the timer table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimerKey {
    index: u32,
    gen: u32,
}

#[derive(Default)]
struct Slot {
    gen: u32,
    deadline_us: u64,
    waker: Option<Waker>,
}

/// Deadlines in a min-heap; cancelled entries are skipped when they reach the top.
#[derive(Default)]
pub(crate) struct Timers {
    heap: BinaryHeap<Reverse<(u64, u32, u32)>>,
    slots: Vec<Slot>,
    free: Vec<u32>,
    live: usize,
}

impl Timers {
    pub(crate) fn insert(&mut self, deadline_us: u64, waker: Waker) -> TimerKey {
        let index = self.free.pop().unwrap_or_else(|| {
            self.slots.push(Slot::default());
            (self.slots.len() - 1) as u32
        });
        let slot = &mut self.slots[index as usize];
        slot.deadline_us = deadline_us;
        slot.waker = Some(waker);
        self.heap.push(Reverse((deadline_us, index, slot.gen)));
        self.live += 1;
        TimerKey {
            index,
            gen: slot.gen,
        }
    }

    fn slot_mut(&mut self, key: TimerKey) -> Option<&mut Slot> {
        self.slots
            .get_mut(key.index as usize)
            .filter(|s| s.gen == key.gen && s.waker.is_some())
    }

    /// Replaces the stored waker if the task's waker changed; returns the old one to drop.
    pub(crate) fn update_waker(&mut self, key: TimerKey, waker: &Waker) -> Option<Waker> {
        let slot = self.slot_mut(key)?;
        match &slot.waker {
            Some(w) if w.will_wake(waker) => None,
            _ => slot.waker.replace(waker.clone()),
        }
    }

    /// Removes a sleeper; returns its waker so the caller can drop it outside any borrow.
    pub(crate) fn remove(&mut self, key: TimerKey) -> Option<Waker> {
        let slot = self.slot_mut(key)?;
        let waker = slot.waker.take();
        slot.gen = slot.gen.wrapping_add(1);
        self.free.push(key.index);
        self.live -= 1;
        waker
    }

    /// Moves the wakers of every sleeper due at `now_us` into `out`.
    pub(crate) fn take_due(&mut self, now_us: u64, out: &mut Vec<Waker>) {
        while let Some(&Reverse((deadline, index, gen))) = self.heap.peek() {
            if deadline > now_us {
                break;
            }
            self.heap.pop();
            if let Some(waker) = self.remove(TimerKey { index, gen }) {
                out.push(waker);
            }
        }
    }

    /// The earliest deadline still waiting, dropping cancelled entries from the top.
    pub(crate) fn next_deadline(&mut self) -> Option<u64> {
        while let Some(&Reverse((deadline, index, gen))) = self.heap.peek() {
            if self.slot_mut(TimerKey { index, gen }).is_some() {
                return Some(deadline);
            }
            self.heap.pop();
        }
        None
    }

    /// Sleepers still waiting.
    pub(crate) fn len(&self) -> usize {
        self.live
    }
}

/// A future that finishes once the host's clock reaches its deadline. Made by [`sleep`].
///
/// Dropping it before then removes its deadline, so an abandoned sleep costs nothing.
#[must_use = "futures do nothing unless awaited"]
#[derive(Debug)]
pub struct Sleep {
    deadline_us: u64,
    key: Option<TimerKey>,
}

/// Sleeps for `duration` on the current executor's clock.
///
/// ```
/// use std::time::Duration;
/// use executor::{sleep, now, Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// ex.block_on(async {
///     sleep(Duration::from_millis(250)).await;
///     assert_eq!(now(), Duration::from_millis(250)); // virtual time: exact
/// })
/// .unwrap();
/// ```
///
/// # Panics
/// Outside an executor: there is no clock to sleep on.
pub fn sleep(duration: Duration) -> Sleep {
    let now = runtime::expect_current("sleep", |inner| inner.now_us());
    Sleep {
        deadline_us: now.saturating_add(duration.as_micros().min(u64::MAX as u128) as u64),
        key: None,
    }
}

/// Time since the current executor started, on its host's clock.
///
/// ```
/// use executor::{now, Executor, VirtualHost};
/// let _ex = Executor::new(VirtualHost::new());
/// assert_eq!(now().as_millis(), 0);
/// ```
///
/// # Panics
/// Outside an executor.
pub fn now() -> Duration {
    Duration::from_micros(runtime::expect_current("now", |inner| inner.now_us()))
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        runtime::expect_current("Sleep::poll", |inner: &Inner| {
            if inner.now_us() >= this.deadline_us {
                if let Some(key) = this.key.take() {
                    inner.remove_timer(key);
                }
                return Poll::Ready(());
            }
            match this.key {
                Some(key) => inner.update_timer(key, cx.waker()),
                None => this.key = Some(inner.add_timer(this.deadline_us, cx.waker().clone())),
            }
            Poll::Pending
        })
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            runtime::with_current(|inner| inner.remove_timer(key));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;

    #[test]
    fn due_sleepers_come_out_in_deadline_order_and_cancelled_ones_never() {
        let mut t = Timers::default();
        let a = t.insert(30, Waker::noop().clone());
        let _b = t.insert(10, Waker::noop().clone());
        let c = t.insert(20, Waker::noop().clone());
        t.remove(c);
        assert_eq!(t.next_deadline(), Some(10));
        let mut out = Vec::new();
        t.take_due(25, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(t.next_deadline(), Some(30));
        assert_eq!(t.len(), 1);
        t.remove(a);
        assert_eq!(t.next_deadline(), None);
    }

    #[test]
    fn a_stale_key_touches_nothing() {
        let mut t = Timers::default();
        let a = t.insert(5, Waker::noop().clone());
        t.remove(a);
        let b = t.insert(6, Waker::noop().clone());
        assert!(
            t.remove(a).is_none(),
            "old key must not remove the slot's new tenant"
        );
        assert!(t.remove(b).is_some());
    }
}
