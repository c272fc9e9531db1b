//! The `Executor` handle: creating and dropping one, `block_on`, step mode, trace listeners.
//!
//! An [`Executor`] owns the runtime's state and makes it the thread's current one; a
//! [`Driver`] is the weak handle its host keeps to run turns from its own callbacks.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use super::inspect::{Counters, Inspection, Snapshot};
use super::slab::{self, Leftovers, Status};
use super::task::{JoinError, JoinHandle, spawn_on};
use super::{CURRENT, Inner};
use crate::blocking::BlockingPool;
use crate::host::Host;
use crate::trace::Record;

/// A single-threaded executor, driven by a [`Host`].
///
/// Creating one makes it the thread's current executor until it is dropped.
///
/// ```
/// use std::time::Duration;
/// use executor::{spawn, sleep, Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let total = ex
///     .block_on(async {
///         let a = spawn(async { sleep(Duration::from_millis(100)).await; 1 });
///         let b = spawn(async { sleep(Duration::from_millis(100)).await; 2 });
///         a.await.unwrap() + b.await.unwrap()
///     })
///     .unwrap();
/// assert_eq!(total, 3);
/// assert_eq!(ex.now().as_millis(), 100); // the two sleeps overlapped
/// ```
pub struct Executor {
    inner: Rc<Inner>,
    previous: Option<Rc<Inner>>,
}

/// A weak handle a host uses to run turns of its executor from its own callbacks.
#[derive(Clone)]
pub struct Driver(Weak<Inner>);

impl Driver {
    /// Runs one turn (due timers, then up to `budget` polls). Returns the number of polls, or
    /// `None` if the executor is gone.
    pub fn turn(&self, budget: usize) -> Option<usize> {
        self.0.upgrade().map(|inner| inner.turn(budget))
    }

    /// The host's timer went off: forget the armed deadline (so the next one is armed even if
    /// it is the same) and run a turn.
    pub fn alarm_fired(&self, budget: usize) -> Option<usize> {
        let inner = self.0.upgrade()?;
        inner.alarm_us.set(None);
        Some(inner.turn(budget))
    }
}

impl Executor {
    /// Creates an executor on `host` and makes it this thread's current one.
    pub fn new(host: impl Host + 'static) -> Executor {
        Self::with_host(Rc::new(host))
    }

    /// Like [`Executor::new`], for a host that is shared with other code.
    pub fn with_host(host: Rc<dyn Host>) -> Executor {
        slab::new_generation();
        let inner = Rc::new(Inner {
            host,
            tasks: RefCell::default(),
            ready: RefCell::default(),
            timers: RefCell::default(),
            alarm_us: Cell::new(None),
            turn_requested: Cell::new(false),
            running: Cell::new(None),
            next_task: Cell::new(0),
            next_request: Cell::new(0),
            next_job: Cell::new(0),
            stats: Counters::default(),
            listener: RefCell::new(None),
            tracing: Cell::new(false),
            current_wait: Cell::new(None),
            in_flight: Cell::new(0),
            step_mode: Cell::new(false),
            steps: Cell::new(0),
            paused: Cell::new(false),
            blocking_pool: RefCell::new(None),
        });
        inner.host.attach(Driver(Rc::downgrade(&inner)));
        let previous = CURRENT.with(|c| c.borrow_mut().replace(inner.clone()));
        Executor { inner, previous }
    }

    /// Spawns a task on this executor. See [`spawn`](crate::spawn).
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
    {
        spawn_on(&self.inner, future, None)
    }

    /// Runs the jobs of [`spawn_blocking`](crate::spawn_blocking) on `pool` from now on
    /// (until then they run inline, blocking this thread). See [`BlockingPool`].
    pub fn set_blocking_pool(&self, pool: Rc<dyn BlockingPool>) {
        self.inner.set_blocking_pool(pool);
    }

    /// Sends every trace event to `listener` from now on (replacing any previous listener).
    pub fn on_trace(&self, listener: impl FnMut(&Record) + 'static) {
        *self.inner.listener.borrow_mut() = Some(Box::new(listener));
        self.inner.tracing.set(true);
    }

    /// Collects every trace event from now on into a shared list, and returns the list.
    pub fn record_trace(&self) -> Rc<RefCell<Vec<Record>>> {
        let log = Rc::new(RefCell::new(Vec::new()));
        let sink = log.clone();
        self.on_trace(move |r| sink.borrow_mut().push(r.clone()));
        log
    }

    /// Stops sending trace events.
    pub fn stop_trace(&self) {
        self.inner.tracing.set(false);
        self.inner.listener.borrow_mut().take();
    }

    /// Runs one turn: due timers, then up to `budget` ready tasks. Returns the number of polls.
    pub fn turn(&self, budget: usize) -> usize {
        self.inner.turn(budget)
    }

    /// Time since the executor started, on its host's clock.
    pub fn now(&self) -> std::time::Duration {
        std::time::Duration::from_micros(self.inner.now_us())
    }

    /// Counters and sizes at this moment.
    pub fn snapshot(&self) -> Snapshot {
        self.inner.snapshot()
    }

    /// The inner state task by task: what the inspector shows.
    ///
    /// ```
    /// use std::time::Duration;
    /// use executor::{sleep, Executor, TaskState, VirtualHost};
    /// use executor::trace::WaitOn;
    /// let ex = Executor::new(VirtualHost::new());
    /// let _sleeper = ex.spawn(sleep(Duration::from_secs(1)));
    /// assert_eq!(ex.inspect().ready, [1]);
    /// ex.turn(usize::MAX);
    /// assert_eq!(ex.inspect().tasks[0].state, TaskState::Waiting(WaitOn::Timer));
    /// ```
    pub fn inspect(&self) -> Inspection {
        self.inner.inspect()
    }

    /// Turns step mode on or off. In step mode the executor polls nothing until [`step`]
    /// allows one poll; timers still fire and wake tasks, which then wait on the ready queue.
    /// [`block_on`] ignores step mode.
    ///
    /// ```
    /// use executor::{Executor, VirtualHost};
    /// let ex = Executor::new(VirtualHost::new());
    /// ex.set_step_mode(true);
    /// let _a = ex.spawn(async {});
    /// let _b = ex.spawn(async {});
    /// assert_eq!(ex.turn(usize::MAX), 0); // paused before task 1
    /// ex.step();
    /// assert_eq!(ex.turn(usize::MAX), 1); // one poll, then paused before task 2
    /// assert_eq!(ex.inspect().ready, [2]);
    /// ```
    ///
    /// [`step`]: Executor::step
    /// [`block_on`]: Executor::block_on
    pub fn set_step_mode(&self, on: bool) {
        self.inner.step_mode.set(on);
        self.inner.steps.set(0);
        if !on {
            self.inner.paused.set(false);
            self.wake_if_ready();
        }
    }

    /// In step mode, allows one more poll and asks the host for a turn.
    pub fn step(&self) {
        self.inner.steps.set(self.inner.steps.get() + 1);
        self.wake_if_ready();
    }

    /// Leaves step mode and runs on.
    pub fn run_to_end(&self) {
        self.set_step_mode(false);
    }

    fn wake_if_ready(&self) {
        if !self.inner.ready.borrow().is_empty() {
            self.inner.request_turn();
        }
    }

    /// Drives `future` to completion on a host that can move its clock (the virtual host):
    /// runs every ready task, then jumps the clock to the next deadline, until `future` is done.
    ///
    /// Returns [`Stalled`] if every task waits for something that can never happen.
    ///
    /// # Panics
    /// On a host whose clock cannot jump (the browser): there, spawn the future and let the
    /// host run turns.
    pub fn block_on<F>(&self, future: F) -> Result<F::Output, Stalled>
    where
        F: Future + 'static,
    {
        let mut main = spawn_on(&self.inner, future, Some("main".into()));
        let waker = Waker::noop();
        let mut cx = Context::from_waker(waker);
        let stepping = self.inner.step_mode.replace(false);
        let _restore = Restore(&self.inner.step_mode, stepping);
        loop {
            while self.inner.turn(usize::MAX) > 0 {}
            if let Poll::Ready(result) = Pin::new(&mut main).poll(&mut cx) {
                return match result {
                    Ok(v) => Ok(v),
                    Err(JoinError::Panicked(m)) => std::panic::panic_any(m),
                    Err(JoinError::Cancelled) => Err(Stalled {
                        now_us: self.inner.now_us(),
                    }),
                };
            }
            let next = self.inner.timers.borrow_mut().next_deadline();
            match next {
                Some(at) if self.inner.host.advance_to(at) => {}
                Some(_) => panic!("block_on needs a host whose clock can jump (VirtualHost)"),
                None => {
                    return Err(Stalled {
                        now_us: self.inner.now_us(),
                    });
                }
            }
        }
    }
}

/// Puts a `Cell` back to its old value when dropped.
struct Restore<'a>(&'a Cell<bool>, bool);

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        self.0.set(self.1);
    }
}

/// Every task was waiting and nothing (no timer, no request) could ever wake one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stalled {
    /// The clock when the executor gave up.
    pub now_us: u64,
}

impl fmt::Display for Stalled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "stalled at {:.3} ms: every task is waiting and nothing can wake one",
            self.now_us as f64 / 1000.0
        )
    }
}

impl std::error::Error for Stalled {}

impl Drop for Executor {
    fn drop(&mut self) {
        // Cancel what is left, outside any borrow: dropping a future may run arbitrary code.
        let leftovers: Vec<Leftovers> = {
            let mut tasks = self.inner.tasks.borrow_mut();
            tasks
                .slots_mut()
                .filter(|s| s.status != Status::Vacant)
                .map(|s| {
                    s.status = Status::Done;
                    (s.cell.take(), s.join_waker.take())
                })
                .collect()
        };
        drop(leftovers);
        self.inner.ready.borrow_mut().clear();
        self.inner.host.set_alarm(None);
        let previous = self.previous.take();
        CURRENT.with(|c| {
            // Dropping an executor from inside one of its own calls would be a bug in the
            // caller; rather than panic, the thread keeps it as current.
            let Ok(mut c) = c.try_borrow_mut() else {
                return;
            };
            if c.as_ref().is_some_and(|cur| Rc::ptr_eq(cur, &self.inner)) {
                *c = previous;
            }
        });
    }
}
