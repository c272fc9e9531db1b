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
use crate::trace::WaitOn;

/// A sleeper's place in the timer table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimerKey {
    index: u32,
    generation: u32,
}

#[derive(Default)]
struct Slot {
    generation: u32,
    deadline_us: u64,
    waker: Option<Waker>,
}

/// Deadlines in a min-heap, ties broken by arrival (so sleepers due at the same instant wake
/// in the order they started sleeping); cancelled entries are skipped when they reach the top.
#[derive(Default)]
pub(crate) struct Timers {
    heap: BinaryHeap<Reverse<(u64, u64, u32, u32)>>,
    arrivals: u64,
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
        self.arrivals += 1;
        self.heap.push(Reverse((
            deadline_us,
            self.arrivals,
            index,
            slot.generation,
        )));
        self.live += 1;
        TimerKey {
            index,
            generation: slot.generation,
        }
    }

    fn slot_mut(&mut self, key: TimerKey) -> Option<&mut Slot> {
        self.slots
            .get_mut(key.index as usize)
            .filter(|s| s.generation == key.generation && s.waker.is_some())
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
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(key.index);
        self.live -= 1;
        waker
    }

    /// Moves the wakers of every sleeper due at `now_us` into `out`.
    pub(crate) fn take_due(&mut self, now_us: u64, out: &mut Vec<Waker>) {
        while let Some(&Reverse((deadline, _, index, generation))) = self.heap.peek() {
            if deadline > now_us {
                break;
            }
            self.heap.pop();
            if let Some(waker) = self.remove(TimerKey { index, generation }) {
                out.push(waker);
            }
        }
    }

    /// The earliest deadline still waiting, dropping cancelled entries from the top.
    pub(crate) fn next_deadline(&mut self) -> Option<u64> {
        while let Some(&Reverse((deadline, _, index, generation))) = self.heap.peek() {
            if self.slot_mut(TimerKey { index, generation }).is_some() {
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

/// Keeps the thread busy for `duration`, as real computation of that length would: no other
/// task, timer or callback runs meanwhile. On a virtual clock the time passes at once.
///
/// ```
/// use std::time::Duration;
/// use executor::{busy, now, Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// ex.block_on(async { busy(Duration::from_millis(30)) }).unwrap();
/// assert_eq!(ex.now().as_millis(), 30);
/// ```
///
/// # Panics
/// Outside an executor.
pub fn busy(duration: Duration) {
    let host = runtime::expect_current("busy", |rt| rt.host().clone());
    host.busy(duration.as_micros() as u64);
}

/// Runs `f` on this thread when the current executor's clock reaches `at` (at once, on its
/// next turn, if that time has passed). The executor's own helpers use it for events that
/// happen at a known time outside any task, such as a simulated worker finishing a job.
///
/// ```
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use std::time::Duration;
/// use executor::{call_at, sleep, Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let when = Rc::new(Cell::new(None));
/// let seen = when.clone();
/// call_at(Duration::from_millis(30), move || seen.set(Some(executor::now())));
/// ex.block_on(sleep(Duration::from_millis(50))).unwrap();
/// assert_eq!(when.get(), Some(Duration::from_millis(30)));
/// ```
///
/// # Panics
/// Outside an executor.
pub fn call_at(at: Duration, f: impl FnOnce() + 'static) {
    let id = CALLBACKS.with(|c| {
        let mut c = c.borrow_mut();
        c.next += 1;
        let id = c.next;
        c.waiting.insert(id, Box::new(f));
        id
    });
    let waker = Waker::from(std::sync::Arc::new(Callback(id)));
    let at_us = at.as_micros().min(u64::MAX as u128) as u64;
    runtime::expect_current("call_at", |inner| {
        inner.add_quiet_timer(at_us, waker);
    });
}

#[derive(Default)]
struct Callbacks {
    next: u64,
    waiting: std::collections::HashMap<u64, Box<dyn FnOnce()>>,
}

thread_local! {
    static CALLBACKS: std::cell::RefCell<Callbacks> = std::cell::RefCell::default();
}

/// The waker of a [`call_at`] timer: waking it runs the callback stored under its number.
/// (A `Waker` must be `Send`; the callback is not, so it stays in this thread's table.)
struct Callback(u64);

impl std::task::Wake for Callback {
    fn wake(self: std::sync::Arc<Self>) {
        let f = CALLBACKS.with(|c| c.borrow_mut().waiting.remove(&self.0));
        if let Some(f) = f {
            f();
        }
    }
}

impl Drop for Callback {
    fn drop(&mut self) {
        // A timer dropped unfired (its executor went away): forget the callback too.
        let id = self.0;
        let dropped = CALLBACKS.try_with(|c| {
            c.try_borrow_mut()
                .ok()
                .and_then(|mut c| c.waiting.remove(&id))
        });
        drop(dropped);
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
            runtime::note_wait(WaitOn::Timer);
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

/// Sleeps until the executor's clock reads `deadline` (measured like [`now`]: time since the
/// executor started). A deadline already passed finishes at once.
///
/// Sleeping *until* a time, rather than *for* a time, is how a loop keeps a steady rhythm: the
/// time spent working between sleeps does not push the next deadline back.
///
/// ```
/// use std::time::Duration;
/// use executor::{now, sleep, sleep_until, Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// ex.block_on(async {
///     sleep(Duration::from_millis(30)).await; // some work
///     sleep_until(Duration::from_millis(100)).await;
///     assert_eq!(now(), Duration::from_millis(100)); // not 130
///     sleep_until(Duration::from_millis(50)).await; // already past: no wait
///     assert_eq!(now(), Duration::from_millis(100));
/// })
/// .unwrap();
/// ```
pub fn sleep_until(deadline: Duration) -> Sleep {
    Sleep {
        deadline_us: deadline.as_micros().min(u64::MAX as u128) as u64,
        key: None,
    }
}

/// The error of a [`timeout`] whose future did not finish in time.
///
/// ```
/// use std::time::Duration;
/// use executor::{sleep, timeout, Elapsed, Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let err: Elapsed = ex
///     .block_on(timeout(Duration::from_millis(100), sleep(Duration::from_secs(1))))
///     .unwrap()
///     .unwrap_err();
/// assert_eq!(err.to_string(), "timed out after 100 ms");
/// assert_eq!(err.duration(), Duration::from_millis(100));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Elapsed {
    after: Duration,
}

impl Elapsed {
    /// The time limit that ran out.
    ///
    /// ```
    /// use std::time::Duration;
    /// use executor::{sleep, timeout, Executor, VirtualHost};
    /// let ex = Executor::new(VirtualHost::new());
    /// let res = ex.block_on(timeout(Duration::from_millis(5), sleep(Duration::from_millis(9))));
    /// assert_eq!(res.unwrap().unwrap_err().duration(), Duration::from_millis(5));
    /// ```
    pub fn duration(&self) -> Duration {
        self.after
    }
}

impl std::fmt::Display for Elapsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // f64's Display prints 100.0 as "100" and 1.5 as "1.5".
        write!(
            f,
            "timed out after {} ms",
            self.after.as_secs_f64() * 1000.0
        )
    }
}

impl std::error::Error for Elapsed {}

/// A future with a time limit. Made by [`timeout`].
///
/// It owns the inner future (boxed, so any future will do) and a [`Sleep`]. Whichever finishes
/// first decides the output; the other is dropped right then. Dropping the inner future is how
/// a timed-out [`fetch`](crate::fetch) gets aborted.
///
/// ```
/// use std::time::Duration;
/// use executor::{sleep, timeout, Executor, Timeout, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// ex.block_on(async {
///     let limited: Timeout<_> = timeout(Duration::from_millis(50), async { 7 });
///     assert_eq!(limited.await, Ok(7));
/// })
/// .unwrap();
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct Timeout<F: Future> {
    /// `None` once the timeout has finished (either way).
    future: Option<Pin<Box<F>>>,
    sleep: Option<Sleep>,
    after: Duration,
}

impl<F: Future> std::fmt::Debug for Timeout<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Timeout")
            .field("after", &self.after)
            .field("finished", &self.future.is_none())
            .finish()
    }
}

/// Runs `future` for at most `duration`: `Ok(output)` if it finishes in time, else
/// `Err(Elapsed)`, and the future is dropped (cancelled) at the deadline.
///
/// Python: `asyncio.wait_for(coro, timeout)` (or `async with asyncio.timeout(...)`).
///
/// The inner future is polled before the clock is checked, so a future that is ready exactly
/// at the deadline wins.
///
/// ```
/// use std::time::Duration;
/// use executor::{fetch, now, timeout, Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// ex.block_on(async {
///     let ms = Duration::from_millis;
///     let quick = timeout(ms(500), fetch("api/page/1?delay=200")).await;
///     assert!(quick.is_ok());
///     assert_eq!(now(), ms(200));
///     let slow = timeout(ms(500), fetch("api/page/2?delay=5000")).await;
///     assert!(slow.is_err()); // and the request was aborted
///     assert_eq!(now(), ms(700));
/// })
/// .unwrap();
/// ```
///
/// # Panics
/// Outside an executor: the deadline is measured on its clock.
pub fn timeout<F: Future>(duration: Duration, future: F) -> Timeout<F> {
    Timeout {
        future: Some(Box::pin(future)),
        sleep: Some(sleep(duration)),
        after: duration,
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let future = this
            .future
            .as_mut()
            .expect("Timeout polled after it finished");
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            this.future = None;
            this.sleep = None; // removes the deadline from the timer heap
            return Poll::Ready(Ok(output));
        }
        let sleep = this
            .sleep
            .as_mut()
            .expect("a pending Timeout has its Sleep");
        match Pin::new(sleep).poll(cx) {
            Poll::Ready(()) => {
                this.sleep = None;
                this.future = None; // cancels the inner future: a fetch is aborted here
                Poll::Ready(Err(Elapsed { after: this.after }))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

// Nothing inside is ever pinned in place (the inner future lives in its own box).
impl<F: Future> Unpin for Timeout<F> {}

/// A metronome: ticks at `start`, `start + period`, `start + 2·period`, … Made by [`interval`].
///
/// Deadlines are computed from the start, never from when the last tick was taken, so the
/// schedule does not drift however long the work between ticks takes. A consumer that falls
/// more than a period behind gets the missed ticks at once, one per [`Interval::tick`], until it
/// has caught up (what tokio calls `MissedTickBehavior::Burst`).
///
/// It is also a [`Stream`](crate::stream::Stream) of tick times.
///
/// ```
/// use std::time::Duration;
/// use executor::stream::StreamExt;
/// use executor::{interval, Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let ticks = ex
///     .block_on(async { interval(Duration::from_millis(10)).take(3).collect_vec().await })
///     .unwrap();
/// let ms: Vec<u128> = ticks.iter().map(|t| t.as_millis()).collect();
/// assert_eq!(ms, [0, 10, 20]);
/// ```
#[derive(Debug)]
pub struct Interval {
    period_us: u64,
    next_us: u64,
    sleep: Option<Sleep>,
}

/// Makes an [`Interval`] whose first tick is immediate and whose next ticks come every
/// `period` after that. Python: a `while True:` loop that sleeps until the next multiple of the
/// period (plain `asyncio.sleep(period)` in the loop would drift).
///
/// ```
/// use std::time::Duration;
/// use executor::{interval, now, sleep, Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// ex.block_on(async {
///     let mut every_100 = interval(Duration::from_millis(100));
///     for k in 0..4u32 {
///         let at = every_100.tick().await;
///         assert_eq!(at, k * Duration::from_millis(100));
///         sleep(Duration::from_millis(30)).await; // work does not delay the next tick
///     }
///     assert_eq!(now(), Duration::from_millis(330));
/// })
/// .unwrap();
/// ```
///
/// # Panics
/// If `period` is zero, or outside an executor.
pub fn interval(period: Duration) -> Interval {
    assert!(!period.is_zero(), "interval needs a non-zero period");
    let start = runtime::expect_current("interval", |inner| inner.now_us());
    Interval {
        period_us: period.as_micros().min(u64::MAX as u128) as u64,
        next_us: start,
        sleep: None,
    }
}

impl Interval {
    /// Waits for the next tick and returns the time it was scheduled for (which is earlier
    /// than [`now`] if the consumer is running late).
    ///
    /// ```
    /// use std::time::Duration;
    /// use executor::{interval, now, sleep, Executor, VirtualHost};
    ///
    /// let ex = Executor::new(VirtualHost::new());
    /// ex.block_on(async {
    ///     let ms = Duration::from_millis;
    ///     let mut iv = interval(ms(100));
    ///     assert_eq!(iv.tick().await, ms(0));
    ///     sleep(ms(250)).await; // late: ticks 100 and 200 were missed
    ///     assert_eq!(iv.tick().await, ms(100)); // at once
    ///     assert_eq!(iv.tick().await, ms(200)); // at once
    ///     assert_eq!(now(), ms(250));
    ///     assert_eq!(iv.tick().await, ms(300)); // back on schedule
    ///     assert_eq!(now(), ms(300));
    /// })
    /// .unwrap();
    /// ```
    pub async fn tick(&mut self) -> Duration {
        std::future::poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// The poll behind [`Interval::tick`], for code that writes its own `poll` functions.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::time::Duration;
    /// use executor::{interval, Executor, VirtualHost};
    ///
    /// let ex = Executor::new(VirtualHost::new());
    /// ex.block_on(async {
    ///     let mut iv = interval(Duration::from_millis(40));
    ///     poll_fn(|cx| iv.poll_tick(cx)).await;
    ///     let second = poll_fn(|cx| iv.poll_tick(cx)).await;
    ///     assert_eq!(second, Duration::from_millis(40));
    /// })
    /// .unwrap();
    /// ```
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Duration> {
        let sleep = self
            .sleep
            .get_or_insert_with(|| sleep_until(Duration::from_micros(self.next_us)));
        match Pin::new(sleep).poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => {
                self.sleep = None;
                let at = self.next_us;
                self.next_us = at.saturating_add(self.period_us);
                Poll::Ready(Duration::from_micros(at))
            }
        }
    }

    /// The time between ticks.
    ///
    /// ```
    /// use std::time::Duration;
    /// use executor::{interval, Executor, VirtualHost};
    /// let _ex = Executor::new(VirtualHost::new());
    /// assert_eq!(interval(Duration::from_secs(1)).period(), Duration::from_secs(1));
    /// ```
    pub fn period(&self) -> Duration {
        Duration::from_micros(self.period_us)
    }
}

/// An endless stream of tick times: `while let Some(t) = iv.next().await { … }`.
impl futures_core::Stream for Interval {
    type Item = Duration;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Duration>> {
        self.get_mut().poll_tick(cx).map(Some)
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
