//! Executor-neutral benchmark parts in std only: a latch, a one-slot channel, statistics, a PRNG.

use std::cell::{Cell, RefCell};
use std::future::{Future, poll_fn};
use std::rc::Rc;
use std::task::{Poll, Waker};

/// Counts down to zero and then wakes the one task waiting for it.
#[derive(Debug)]
pub struct Latch {
    left: Cell<usize>,
    waiter: RefCell<Option<Waker>>,
}

impl Latch {
    /// A latch that opens after `count` calls to [`Latch::count_down`].
    pub fn new(count: usize) -> Rc<Latch> {
        Rc::new(Latch {
            left: Cell::new(count),
            waiter: RefCell::new(None),
        })
    }

    /// One more done; the last one wakes the waiter.
    pub fn count_down(&self) {
        let left = self.left.get().saturating_sub(1);
        self.left.set(left);
        if left == 0 {
            let waiter = self.waiter.borrow_mut().take();
            if let Some(w) = waiter {
                w.wake();
            }
        }
    }

    /// How many are still to come.
    pub fn left(&self) -> usize {
        self.left.get()
    }

    /// Finishes once the count reaches zero.
    pub fn wait(self: &Rc<Self>) -> impl Future<Output = ()> {
        let latch = self.clone();
        poll_fn(move |cx| {
            if latch.left.get() == 0 {
                Poll::Ready(())
            } else {
                *latch.waiter.borrow_mut() = Some(cx.waker().clone());
                Poll::Pending
            }
        })
    }
}

#[derive(Debug)]
struct Slot<T> {
    value: Option<T>,
    receiver: Option<Waker>,
    sender: Option<Waker>,
}

/// A channel holding at most one value: `send` waits while it is full, `recv` while it is
/// empty, and each side wakes the other. One value handed to a waiting receiver is one wake.
#[derive(Debug)]
pub struct Handoff<T> {
    slot: RefCell<Slot<T>>,
}

impl<T> Handoff<T> {
    /// An empty channel.
    pub fn new() -> Rc<Handoff<T>> {
        Rc::new(Handoff {
            slot: RefCell::new(Slot {
                value: None,
                receiver: None,
                sender: None,
            }),
        })
    }

    /// Puts `value` in the slot once it is free, waking a waiting receiver.
    pub fn send(self: &Rc<Self>, value: T) -> impl Future<Output = ()> {
        let chan = self.clone();
        let mut value = Some(value);
        poll_fn(move |cx| {
            let mut slot = chan.slot.borrow_mut();
            if slot.value.is_some() {
                slot.sender = Some(cx.waker().clone());
                return Poll::Pending;
            }
            slot.value = value.take();
            let receiver = slot.receiver.take();
            drop(slot);
            if let Some(w) = receiver {
                w.wake();
            }
            Poll::Ready(())
        })
    }

    /// Takes the value once there is one, waking a waiting sender.
    pub fn recv(self: &Rc<Self>) -> impl Future<Output = T> {
        let chan = self.clone();
        poll_fn(move |cx| {
            let mut slot = chan.slot.borrow_mut();
            match slot.value.take() {
                Some(v) => {
                    let sender = slot.sender.take();
                    drop(slot);
                    if let Some(w) = sender {
                        w.wake();
                    }
                    Poll::Ready(v)
                }
                None => {
                    slot.receiver = Some(cx.waker().clone());
                    Poll::Pending
                }
            }
        })
    }
}

/// Two tasks handing a number back and forth `wakes` times (each hand-off wakes the other
/// side once); the latch opens when both are done. `spawn` starts a task on the executor
/// under test.
pub fn ping_pong(
    wakes: usize,
    spawn: impl Fn(std::pin::Pin<Box<dyn Future<Output = ()>>>),
) -> Rc<Latch> {
    let done = Latch::new(2);
    let there: Rc<Handoff<usize>> = Handoff::new();
    let back: Rc<Handoff<usize>> = Handoff::new();
    let rounds = wakes / 2;
    {
        let (there, back, done) = (there.clone(), back.clone(), done.clone());
        spawn(Box::pin(async move {
            for i in 0..rounds {
                there.send(i).await;
                let got = back.recv().await;
                debug_assert_eq!(got, i + 1);
            }
            done.count_down();
        }));
    }
    {
        let done = done.clone();
        spawn(Box::pin(async move {
            for _ in 0..rounds {
                let v = there.recv().await;
                back.send(v + 1).await;
            }
            done.count_down();
        }));
    }
    done
}

/// A future that stays pending (keeping its waker in `parked`) until `release` is set and
/// the wakers are woken: a task waiting for an event that has not happened.
pub fn parked(
    parked: Rc<RefCell<Vec<Waker>>>,
    release: Rc<Cell<bool>>,
) -> impl Future<Output = ()> {
    let mut registered = false;
    poll_fn(move |cx| {
        if release.get() {
            return Poll::Ready(());
        }
        if !registered {
            registered = true;
            parked.borrow_mut().push(cx.waker().clone());
        }
        Poll::Pending
    })
}

/// The smallest of `values` (0 for none): the best round of a throughput benchmark, since a
/// noisy machine only ever adds time to a round.
pub fn best(values: &[f64]) -> f64 {
    values.iter().copied().reduce(f64::min).unwrap_or(0.0)
}

/// The median of `values` (the mean of the two middle ones for an even count); 0 if empty.
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// The `p`-th percentile (0–100, nearest rank) of `values`; 0 if empty.
pub fn percentile(values: &[f64], p: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// A xorshift32 generator: the same durations on every run and on both executors.
#[derive(Clone, Debug)]
pub struct XorShift(u32);

impl XorShift {
    /// A generator from a non-zero seed (zero is replaced).
    pub fn new(seed: u32) -> XorShift {
        XorShift(if seed == 0 { 0x9E37_79B9 } else { seed })
    }

    /// The next number in `0..=max`.
    pub fn up_to(&mut self, max: u32) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x % max.saturating_add(1).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;
    use std::pin::Pin;
    use std::sync::Arc;
    use std::task::{Context, Wake};

    /// A tiny run queue: a waker pushes its task's index back.
    struct Queue(std::sync::Mutex<VecDeque<usize>>);

    struct TaskWaker(Arc<Queue>, usize);

    impl Wake for TaskWaker {
        fn wake(self: Arc<Self>) {
            self.0.0.lock().unwrap().push_back(self.1);
        }
    }

    type Task = Pin<Box<dyn Future<Output = ()>>>;

    fn run(tasks: Rc<RefCell<Vec<Option<Task>>>>) -> usize {
        let queue = Arc::new(Queue(std::sync::Mutex::new(
            (0..tasks.borrow().len()).collect(),
        )));
        let mut polls = 0;
        loop {
            let next = queue.0.lock().unwrap().pop_front();
            let Some(i) = next else { break };
            let waker = Waker::from(Arc::new(TaskWaker(queue.clone(), i)));
            let mut task = tasks.borrow_mut()[i].take();
            if let Some(f) = task.as_mut() {
                polls += 1;
                if f.as_mut()
                    .poll(&mut Context::from_waker(&waker))
                    .is_pending()
                {
                    tasks.borrow_mut()[i] = task;
                }
            }
        }
        polls
    }

    #[test]
    fn ping_pong_hands_off_and_finishes() {
        let tasks: Rc<RefCell<Vec<Option<Task>>>> = Rc::default();
        let t = tasks.clone();
        let done = ping_pong(1000, move |f| t.borrow_mut().push(Some(f)));
        let polls = run(tasks);
        assert_eq!(done.left(), 0);
        // One poll per wake, plus each task's first poll.
        assert!((1000..=1004).contains(&polls), "{polls} polls");
    }

    #[test]
    fn latch_wakes_its_waiter_once_at_zero() {
        let latch = Latch::new(2);
        let mut wait = Box::pin(latch.wait());
        let mut cx = Context::from_waker(Waker::noop());
        assert!(wait.as_mut().poll(&mut cx).is_pending());
        latch.count_down();
        assert!(wait.as_mut().poll(&mut cx).is_pending());
        latch.count_down();
        assert!(wait.as_mut().poll(&mut cx).is_ready());
    }

    #[test]
    fn parked_waits_for_release() {
        let wakers = Rc::new(RefCell::new(Vec::new()));
        let release = Rc::new(Cell::new(false));
        let mut f = Box::pin(parked(wakers.clone(), release.clone()));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(f.as_mut().poll(&mut cx).is_pending());
        assert!(f.as_mut().poll(&mut cx).is_pending());
        assert_eq!(wakers.borrow().len(), 1);
        release.set(true);
        assert!(f.as_mut().poll(&mut cx).is_ready());
    }

    #[test]
    fn statistics() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(best(&[4.0, 1.5, 2.0]), 1.5);
        assert_eq!(best(&[]), 0.0);
        let hundred: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&hundred, 50.0), 50.0);
        assert_eq!(percentile(&hundred, 99.0), 99.0);
        assert_eq!(percentile(&[], 99.0), 0.0);
        let mut r = XorShift::new(1);
        assert!((0..1000).all(|_| r.up_to(50) <= 50));
    }
}
