//! The executor proper: a slab of tasks, a ready queue, and turns that poll what is ready.
//!
//! One executor lives on a thread at a time and is "current" there: [`spawn`], [`sleep`] and
//! [`fetch`] find it without being passed a handle, as `tokio::spawn` does. Wakers carry only a
//! task's key; waking one pushes that key onto the current executor's ready queue.
//!
//! This file is the scheduling core, to read first: the executor's state (`Inner`), how a
//! wake-up schedules a task, how a poll runs and ends, and the turn that loops over both. The
//! rest sits beside it in `runtime/`, as smol's `async-task` keeps tasks apart from the
//! executor that runs them:
//!
//! - `runtime/slab.rs`: the slots tasks live in, and the generations that make stale keys miss.
//! - `runtime/cell.rs`: a task's one allocation, holding its future and then its output.
//! - `runtime/task.rs`: [`spawn`], [`JoinHandle`] (await, abort, detach) and [`yield_now`].
//! - `runtime/set.rs`: [`TaskSet`], tasks owned together: taken as they finish, cancelled
//!   together.
//! - `runtime/executor.rs`: the [`Executor`] handle, [`Executor::block_on`], step mode, and
//!   the [`Driver`] a host runs turns with.
//! - `runtime/inspect.rs`: [`Stats`], [`Snapshot`] and the task-by-task [`Inspection`].
//!
//! [`sleep`]: crate::sleep
//! [`fetch`]: crate::fetch

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::blocking::BlockingPool;
use crate::host::Host;
use crate::time::{TimerKey, Timers};
use crate::trace::{
    Diagnostic, Event, JobId, Outcome, Record, RequestId, TaskId, TurnStop, WaitOn, WakeSource,
};
use crate::waker::{self, Key};

mod cell;
mod executor;
mod inspect;
mod set;
mod slab;
mod task;

pub use self::executor::{Driver, Executor, Stalled};
pub use self::inspect::{Inspection, Snapshot, Stats, TaskInfo, TaskState, stats};
pub use self::set::{JoinNext, SetError, TaskSet};
pub use self::task::{
    JoinError, JoinHandle, YieldNow, current_task, spawn, spawn_named, yield_now,
};

use self::cell::BoxCell;
use self::inspect::Counters;
use self::slab::{ABORT_REQUESTED, DETACHED, RESCHEDULED, Status, Tasks};

/// A turn also ends once it has run this long, so the browser can paint and handle input
/// between turns however cheap or costly the polls are. The clock is read after 1, 2, 4, …, 64
/// polls and then after every 64: a turn of slow polls ends after at most twice the slice (or
/// one poll, if a single poll is longer), while fast polls pay for few clock readings.
pub const TURN_SLICE_US: u64 = 4_000;

/// A poll at least this long (in microseconds) is reported as a long poll: the length after
/// which browsers call a task on their thread a "long task".
pub const LONG_POLL_US: u64 = 50_000;

/// Polls in a row in which a task woke itself before the executor reports it as busy.
pub const BUSY_POLLS: u32 = 1000;

type Listener = Box<dyn FnMut(&Record)>;

thread_local! {
    static CURRENT: RefCell<Option<Rc<Inner>>> = const { RefCell::new(None) };
    static WAKE_SOURCE: Cell<Option<WakeSource>> = const { Cell::new(None) };
}

/// Everything one executor holds. [`Executor`] owns it; the thread's current-executor slot
/// and the host's [`Driver`] point at it.
pub(crate) struct Inner {
    host: Rc<dyn Host>,
    tasks: RefCell<Tasks>,
    /// Keys of the tasks to poll, in order, packed ([`Key::pack`]: 4 bytes each on wasm32).
    ready: RefCell<VecDeque<usize>>,
    timers: RefCell<Timers>,
    alarm_us: Cell<Option<u64>>,
    turn_requested: Cell<bool>,
    running: Cell<Option<TaskId>>,
    next_task: Cell<TaskId>,
    next_request: Cell<RequestId>,
    next_job: Cell<JobId>,
    stats: Counters,
    listener: RefCell<Option<Listener>>,
    tracing: Cell<bool>,
    /// What the task being polled registered its waker with, first registration first.
    current_wait: Cell<Option<WaitOn>>,
    in_flight: Cell<u32>,
    step_mode: Cell<bool>,
    steps: Cell<u32>,
    paused: Cell<bool>,
    blocking_pool: RefCell<Option<Rc<dyn BlockingPool>>>,
}

/// Runs `f` with the current executor, if this thread has one.
pub(crate) fn with_current<R>(f: impl FnOnce(&Inner) -> R) -> Option<R> {
    // A shared borrow for the call (no reference-count traffic). Nested calls share it; only
    // creating or dropping an executor needs the cell mutably, and neither happens inside.
    CURRENT.with(|c| c.borrow().as_deref().map(f))
}

/// Runs `f` with the current executor; panics with a clear message when there is none.
pub(crate) fn expect_current<R>(what: &str, f: impl FnOnce(&Inner) -> R) -> R {
    with_current(f).unwrap_or_else(|| {
        panic!("{what} needs a running executor on this thread (create one with Executor::new)")
    })
}

/// Tells the executor what the task being polled is about to wait for. Leaf futures call it
/// when they store the task's waker; the first call in a poll wins.
pub(crate) fn note_wait(on: WaitOn) {
    with_current(|inner| {
        if inner.running.get().is_some() && inner.current_wait.get().is_none() {
            inner.current_wait.set(Some(on));
        }
    });
}

/// Runs `f` without letting it note what the running task waits for: work done on another
/// future's behalf (sending a request early) says nothing about the task's own wait.
pub(crate) fn without_wait_notes<R>(f: impl FnOnce() -> R) -> R {
    let saved = with_current(|inner| inner.current_wait.replace(Some(WaitOn::Other)));
    let result = f();
    if let Some(saved) = saved {
        with_current(|inner| inner.current_wait.set(saved));
    }
    result
}

/// Runs `f`; any task woken inside it is recorded as woken by `source`.
pub(crate) fn with_wake_source<R>(source: WakeSource, f: impl FnOnce() -> R) -> R {
    let previous = WAKE_SOURCE.with(|s| s.replace(Some(source)));
    let result = f();
    WAKE_SOURCE.with(|s| s.set(previous));
    result
}

/// Wakes `waker` on behalf of a channel, semaphore or lock: the trace says so, and names the
/// task (if any) whose send, release or drop it was.
pub(crate) fn wake_from_channel(waker: Waker) {
    let by = current_task();
    with_wake_source(WakeSource::Channel(by), || waker.wake());
}

pub(crate) fn wake_key(key: Key) {
    with_current(|inner| inner.schedule(key));
}

impl Inner {
    pub(crate) fn now_us(&self) -> u64 {
        self.host.now_us()
    }

    pub(crate) fn host(&self) -> &Rc<dyn Host> {
        &self.host
    }

    pub(crate) fn blocking_pool(&self) -> Option<Rc<dyn BlockingPool>> {
        self.blocking_pool.borrow().clone()
    }

    pub(crate) fn running_task(&self) -> Option<TaskId> {
        self.running.get()
    }

    fn bump(&self, counter: impl FnOnce(&Counters) -> &Cell<u64>) {
        let c = counter(&self.stats);
        c.set(c.get() + 1);
    }

    #[inline]
    pub(crate) fn emit(&self, event: impl FnOnce() -> Event) {
        if !self.tracing.get() {
            return;
        }
        let record = Record {
            t_us: self.now_us(),
            event: event(),
        };
        // A listener that itself emits (or is being replaced) simply misses the nested event.
        if let Ok(mut slot) = self.listener.try_borrow_mut()
            && let Some(listener) = slot.as_mut()
        {
            listener(&record);
        }
    }

    pub(crate) fn next_job_id(&self) -> JobId {
        let id = self.next_job.get() + 1;
        self.next_job.set(id);
        id
    }

    pub(crate) fn set_blocking_pool(&self, pool: Rc<dyn BlockingPool>) {
        *self.blocking_pool.borrow_mut() = Some(pool);
    }

    pub(crate) fn next_request_id(&self) -> RequestId {
        let id = self.next_request.get() + 1;
        self.next_request.set(id);
        self.bump(|c| &c.requests);
        self.in_flight.set(self.in_flight.get() + 1);
        id
    }

    /// A request finished, failed or was aborted.
    pub(crate) fn request_ended(&self) {
        self.in_flight.set(self.in_flight.get().saturating_sub(1));
    }

    fn spawn_cell(&self, cell: BoxCell, name: Option<String>) -> (Key, TaskId) {
        let id = self.next_task.get() + 1;
        self.next_task.set(id);
        let key = self.tasks.borrow_mut().insert(id, cell);
        self.ready.borrow_mut().push_back(key.pack());
        self.bump(|c| &c.spawned);
        let parent = self.running.get();
        self.emit(|| Event::Spawn {
            task: id,
            name,
            parent,
        });
        self.request_turn();
        (key, id)
    }

    /// Puts a task on the ready queue (a wake-up).
    fn schedule(&self, key: Key) {
        let id = {
            let Ok(mut tasks) = self.tasks.try_borrow_mut() else {
                // Only the executor's own bookkeeping borrows the slab, and it never wakes
                // while doing so; a wake from there would be a bug in this module.
                debug_assert!(false, "wake while the task slab is borrowed");
                return;
            };
            let Some(slot) = tasks.get_mut(key) else {
                return; // stale waker: the task is gone
            };
            match slot.status {
                Status::Idle => slot.status = Status::Scheduled,
                Status::Running => {
                    if slot.set(RESCHEDULED, true) {
                        return;
                    }
                }
                Status::Scheduled | Status::Done | Status::Vacant => return,
            }
            slot.id()
        };
        self.ready.borrow_mut().push_back(key.pack());
        self.bump(|c| &c.wakes);
        let by = WAKE_SOURCE
            .with(|s| s.get())
            .or_else(|| self.running.get().map(WakeSource::Task))
            .unwrap_or(WakeSource::External);
        self.emit(|| Event::Wake { task: id, by });
        self.request_turn();
    }

    fn request_turn(&self) {
        if self.step_mode.get() && self.steps.get() == 0 {
            // Paused: only a step (or run to end) resumes. Say what the next step will poll.
            if self.running.get().is_none() {
                self.pause();
            }
            return;
        }
        if self.running.get().is_none() && !self.turn_requested.replace(true) {
            self.host.request_turn();
        }
    }

    /// Polls one task. Returns false if the key was stale or the task not runnable.
    fn poll_task(&self, key: Key) -> bool {
        let (mut cell, id) = {
            let mut tasks = self.tasks.borrow_mut();
            let Some(slot) = tasks.get_mut(key) else {
                return false;
            };
            if slot.status != Status::Scheduled {
                return false;
            }
            let Some(cell) = slot.cell.take() else {
                return false;
            };
            slot.status = Status::Running;
            (cell, slot.id())
        };
        self.bump(|c| &c.polls);
        self.emit(|| Event::PollStart { task: id });
        let previous = self.running.replace(Some(id));
        self.current_wait.set(None);
        let waker = waker::for_poll(key);
        let mut cx = Context::from_waker(&waker);
        let started = self.tracing.get().then(|| self.now_us());
        let result = catch_panic(|| cell.as_mut().poll(&mut cx));
        drop(waker); // only the copies the future kept count from here on
        self.running.set(previous);
        self.emit(|| Event::PollEnd {
            task: id,
            ready: !matches!(result, Ok(Poll::Pending)),
        });
        if let Some(took) = started.map(|s| self.now_us().saturating_sub(s))
            && took >= LONG_POLL_US
        {
            let ms = u32::try_from(took / 1000).unwrap_or(u32::MAX);
            self.emit(|| Event::Diagnostic {
                task: id,
                problem: Diagnostic::LongPoll { ms },
            });
        }
        match result {
            Ok(Poll::Pending) => {
                let note = {
                    let mut tasks = self.tasks.borrow_mut();
                    let slot = tasks.get_mut(key).expect("a running task keeps its slot");
                    if slot.has(ABORT_REQUESTED) {
                        Err(cell)
                    } else {
                        slot.cell = Some(cell);
                        let woke_itself = slot.set(RESCHEDULED, false);
                        let note = if woke_itself {
                            slot.status = Status::Scheduled;
                            slot.self_wakes = slot.self_wakes.saturating_add(1);
                            PendingNote::SelfWake(u32::from(slot.self_wakes))
                        } else {
                            slot.status = Status::Idle;
                            slot.self_wakes = 0;
                            if slot.wakers == 0 {
                                slot.set_wait(None);
                                PendingNote::Lost
                            } else {
                                let on = self.current_wait.get().unwrap_or(WaitOn::Other);
                                slot.set_wait(Some(on));
                                PendingNote::Waits(on, slot.wakers)
                            }
                        };
                        Ok(note)
                    }
                };
                match note {
                    Err(cell) => {
                        // Aborted during its own poll: the cell is still ours to drop.
                        drop(cell);
                        self.finish(key, Err(JoinError::Cancelled));
                    }
                    Ok(note) => self.note_pending(id, note),
                }
                return true;
            }
            Ok(Poll::Ready(())) => self.finish(key, Ok(cell)),
            Err(message) => {
                drop(cell);
                self.finish(key, Err(JoinError::Panicked(message)));
            }
        }
        true
    }

    fn note_pending(&self, task: TaskId, note: PendingNote) {
        match note {
            PendingNote::Waits(on, wakers) => self.emit(|| Event::Wait { task, on, wakers }),
            PendingNote::SelfWake(polls) => {
                self.bump(|c| &c.self_wakes);
                if polls == BUSY_POLLS {
                    self.bump(|c| &c.busy_tasks);
                    self.emit(|| Event::Diagnostic {
                        task,
                        problem: Diagnostic::BusySelfWake { polls },
                    });
                }
            }
            PendingNote::Lost => {
                self.bump(|c| &c.lost_wakeups);
                self.emit(|| Event::Diagnostic {
                    task,
                    problem: Diagnostic::LostWakeup,
                });
            }
        }
    }

    /// Marks a task done, keeps or drops its result (the cell holding the output, or why there
    /// is none), and wakes whoever joins it.
    fn finish(&self, key: Key, result: Result<BoxCell, JoinError>) {
        let (id, join_waker, dropped, outcome) = {
            let mut tasks = self.tasks.borrow_mut();
            let Some(slot) = tasks.get_mut(key) else {
                return;
            };
            slot.status = Status::Done;
            slot.set(RESCHEDULED, false);
            let id = slot.id();
            let join_waker = slot.join_waker.take();
            let detached = slot.has(DETACHED);
            let (kept, outcome) = match result {
                Ok(cell) => (Some(cell), Outcome::Finished),
                Err(JoinError::Cancelled) => (None, Outcome::Cancelled),
                Err(JoinError::Panicked(message)) => {
                    if !detached {
                        tasks.note_panic(key.index, message.clone());
                    }
                    (None, Outcome::Panicked(message))
                }
            };
            if detached {
                (id, join_waker, (kept, tasks.remove(key)), outcome)
            } else {
                if let Some(slot) = tasks.get_mut(key) {
                    slot.cell = kept;
                }
                (id, join_waker, (None, None), outcome)
            }
        };
        drop(dropped);
        self.emit(|| Event::Done { task: id, outcome });
        if let Some(w) = join_waker {
            // The joiner is woken by the task that ended (also when it ends outside its own
            // poll: aborted, or cancelled with the executor).
            with_wake_source(WakeSource::Task(id), || w.wake());
        }
    }

    /// Counts a copy of a task's waker made (`up`) or dropped, for the lost wake-up check.
    pub(crate) fn count_waker(&self, key: Key, up: bool) {
        let Ok(mut tasks) = self.tasks.try_borrow_mut() else {
            debug_assert!(
                false,
                "a waker was cloned or dropped while the slab was borrowed"
            );
            return;
        };
        if let Some(slot) = tasks.get_mut(key) {
            slot.wakers = if up {
                slot.wakers.saturating_add(1)
            } else {
                slot.wakers.saturating_sub(1)
            };
        }
    }

    /// Wakes every sleeper whose deadline has passed, then re-arms the host's timer.
    pub(crate) fn fire_timers(&self) {
        let now = self.now_us();
        let mut due = Vec::new();
        self.timers.borrow_mut().take_due(now, &mut due);
        if self.alarm_us.get().is_some_and(|at| at <= now) {
            self.alarm_us.set(None);
        }
        if !due.is_empty() {
            let woke = due.len() as u32;
            self.emit(|| Event::TimerFired { woke });
            with_wake_source(WakeSource::Timer, || due.into_iter().for_each(Waker::wake));
        }
        self.sync_alarm();
    }

    /// Arms the host's one timer for the earliest deadline, if that changed.
    fn sync_alarm(&self) {
        let next = self.timers.borrow_mut().next_deadline();
        if next == self.alarm_us.get() {
            return;
        }
        self.alarm_us.set(next);
        if let Some(at_us) = next {
            self.bump(|c| &c.timers_armed);
            self.emit(|| Event::TimerArmed { at_us });
        }
        self.host.set_alarm(next);
    }

    pub(crate) fn add_timer(&self, deadline_us: u64, waker: Waker) -> TimerKey {
        let task = self.running.get();
        self.emit(|| Event::Sleep {
            task,
            until_us: deadline_us,
        });
        self.add_quiet_timer(deadline_us, waker)
    }

    /// A timer that is nobody's sleep (a callback of the runtime itself): no `Sleep` event.
    pub(crate) fn add_quiet_timer(&self, deadline_us: u64, waker: Waker) -> TimerKey {
        let key = self.timers.borrow_mut().insert(deadline_us, waker);
        if self.alarm_us.get().is_none_or(|at| deadline_us < at) {
            self.sync_alarm();
        }
        key
    }

    pub(crate) fn update_timer(&self, key: TimerKey, waker: &Waker) {
        let old = self.timers.borrow_mut().update_waker(key, waker);
        drop(old);
    }

    pub(crate) fn remove_timer(&self, key: TimerKey) {
        let old = self.timers.borrow_mut().remove(key);
        drop(old);
    }

    /// Runs one turn: fires due timers, then polls up to `budget` ready tasks.
    /// Returns how many polls it made. With no timer due and no task ready it does nothing: no
    /// turn is counted or traced.
    pub(crate) fn turn(&self, budget: usize) -> usize {
        self.turn_requested.set(false);
        let now = self.now_us();
        let timer_due = self
            .timers
            .borrow_mut()
            .next_deadline()
            .is_some_and(|at| at <= now);
        if !timer_due && self.ready.borrow().is_empty() {
            // Nothing to do (a host checking in, or `block_on` making sure): not a turn.
            self.sync_alarm();
            return 0;
        }
        self.bump(|c| &c.turns);
        self.emit(|| Event::TurnStart {
            budget: u32::try_from(budget).unwrap_or(u32::MAX),
        });
        self.fire_timers();
        let started = self.now_us();
        let mut polled = 0;
        let mut why = TurnStop::Budget;
        while polled < budget {
            if slice_check(polled) && self.now_us().saturating_sub(started) >= TURN_SLICE_US {
                why = TurnStop::Slice;
                break;
            }
            if self.step_mode.get() && self.steps.get() == 0 {
                self.pause();
                why = TurnStop::Paused;
                break;
            }
            let Some(key) = self.ready.borrow_mut().pop_front().map(Key::unpack) else {
                why = TurnStop::Idle;
                break;
            };
            if self.poll_task(key) {
                polled += 1;
                self.paused.set(false);
                if self.step_mode.get() {
                    self.steps.set(self.steps.get() - 1);
                }
            }
        }
        self.emit(|| Event::TurnEnd {
            polls: u32::try_from(polled).unwrap_or(u32::MAX),
            why,
        });
        if !self.ready.borrow().is_empty() {
            self.request_turn();
        }
        polled
    }

    /// Step mode with no step left: say which task is next, once.
    fn pause(&self) {
        let next = {
            let ready = self.ready.borrow();
            let mut tasks = self.tasks.borrow_mut();
            ready.iter().find_map(|k| {
                tasks
                    .get_mut(Key::unpack(*k))
                    .filter(|s| s.status == Status::Scheduled)
                    .map(|s| s.id())
            })
        };
        if let Some(next) = next
            && !self.paused.replace(true)
        {
            self.emit(|| Event::Paused { next });
        }
    }
}

/// Whether a turn looks at the clock after `polled` polls: after 1, 2, 4, …, 64, then every 64.
fn slice_check(polled: usize) -> bool {
    polled > 0 && (polled.is_power_of_two() || polled.is_multiple_of(64))
}

/// What a task's `Pending` told the executor.
enum PendingNote {
    Waits(WaitOn, u32),
    SelfWake(u32),
    Lost,
}

#[cfg(panic = "unwind")]
fn catch_panic<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        if let Some(s) = payload.downcast_ref::<&str>() {
            (*s).to_owned()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "(a panic with a non-string payload)".to_owned()
        }
    })
}

/// With `panic = "abort"` (always the case on wasm32) a panic cannot be caught: the runner
/// worker reports it from its panic hook and is replaced.
#[cfg(not(panic = "unwind"))]
fn catch_panic<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    Ok(f())
}
