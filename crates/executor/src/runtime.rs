//! The executor proper: a slab of tasks, a ready queue, and turns that poll what is ready.
//!
//! One executor lives on a thread at a time and is "current" there: [`spawn`], [`sleep`] and
//! [`fetch`] find it without being passed a handle, as `tokio::spawn` does. Wakers carry only a
//! task's key; waking one pushes that key onto the current executor's ready queue.
//!
//! [`sleep`]: crate::sleep
//! [`fetch`]: crate::fetch

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use crate::blocking::BlockingPool;
use crate::host::Host;
use crate::time::{TimerKey, Timers};
use crate::trace::{
    Diagnostic, Event, JobId, Outcome, Record, RequestId, TaskId, WaitOn, WakeSource,
};
use crate::waker::{self, Key, GEN_MASK, MAX_TASKS};

/// A turn also ends once it has run this long (checked every 64 polls), so the browser can
/// paint and handle input between turns however cheap or costly the polls are.
pub const TURN_SLICE_US: u64 = 4_000;

/// Polls in a row in which a task woke itself before the executor reports it as busy.
pub const BUSY_POLLS: u32 = 1000;

type BoxFuture = Pin<Box<dyn Future<Output = Box<dyn Any>>>>;
type Listener = Box<dyn FnMut(&Record)>;

thread_local! {
    static CURRENT: RefCell<Option<Rc<Inner>>> = const { RefCell::new(None) };
    static WAKE_SOURCE: Cell<Option<WakeSource>> = const { Cell::new(None) };
    /// Generations keep counting across executors, so a waker that outlives its executor
    /// cannot match a task of the next one.
    static NEXT_GEN: Cell<u32> = const { Cell::new(0) };
}

/// Why a [`JoinHandle`] has no value to give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoinError {
    /// The task panicked; this is the panic's message.
    Panicked(String),
    /// The task was aborted, or its executor was dropped, before it finished.
    Cancelled,
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JoinError::Panicked(msg) => write!(f, "task panicked: {msg}"),
            JoinError::Cancelled => f.write_str("task was cancelled"),
        }
    }
}

impl std::error::Error for JoinError {}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    /// No task: the slot is on the free list.
    Vacant,
    /// Waiting for a wake-up.
    Idle,
    /// On the ready queue.
    Scheduled,
    /// Being polled right now.
    Running,
    /// Finished, panicked or cancelled; `stage` holds the result until the handle takes it.
    Done,
}

/// A task's future, then its result.
enum Stage {
    /// Not started or not finished (empty while the future is out being polled).
    Future(BoxFuture),
    /// Finished: what the handle will get.
    Output(Result<Box<dyn Any>, JoinError>),
    Empty,
}

impl Stage {
    fn take(&mut self) -> Stage {
        std::mem::replace(self, Stage::Empty)
    }
}

/// One task's place in the slab. A vacant slot keeps its generation, so a key to a task that
/// has gone never matches the next task to move in.
struct Slot {
    gen: u32,
    status: Status,
    /// Woken while running: goes back on the queue when the poll returns `Pending`.
    rescheduled: bool,
    abort_requested: bool,
    detached: bool,
    /// Polls in a row that ended with the task waking itself.
    self_wakes: u32,
    /// Copies of the task's waker alive outside a poll (see `waker.rs`).
    wakers: u32,
    id: TaskId,
    stage: Stage,
    join_waker: Option<Waker>,
    /// What it waits for since its last `Pending` (None: stuck, its waker was lost).
    wait: Option<WaitOn>,
}

/// What leaves the slab with a task: dropped by the caller once the slab is no longer
/// borrowed, since dropping a future or a waker may run code that needs it.
type Leftovers = (Stage, Option<Waker>);

#[derive(Default)]
struct Tasks {
    slots: Vec<Slot>,
    free: Vec<u32>,
    live: usize,
}

impl Tasks {
    fn get_mut(&mut self, key: Key) -> Option<&mut Slot> {
        self.slots
            .get_mut(key.index as usize)
            .filter(|s| s.gen == key.gen && s.status != Status::Vacant)
    }

    fn insert(&mut self, id: TaskId, future: BoxFuture) -> Key {
        let index = match self.free.pop() {
            Some(i) => i,
            None => {
                assert!(self.slots.len() < MAX_TASKS, "too many live tasks");
                self.slots.push(Slot {
                    gen: NEXT_GEN.with(|g| g.get()),
                    status: Status::Vacant,
                    rescheduled: false,
                    abort_requested: false,
                    detached: false,
                    self_wakes: 0,
                    wakers: 0,
                    id: 0,
                    stage: Stage::Empty,
                    join_waker: None,
                    wait: None,
                });
                (self.slots.len() - 1) as u32
            }
        };
        let slot = &mut self.slots[index as usize];
        slot.status = Status::Scheduled;
        slot.rescheduled = false;
        slot.abort_requested = false;
        slot.detached = false;
        slot.self_wakes = 0;
        slot.wakers = 0;
        slot.id = id;
        slot.stage = Stage::Future(future);
        slot.wait = None;
        self.live += 1;
        Key {
            index,
            gen: slot.gen,
        }
    }

    /// Empties a task's slot and returns what it held.
    fn remove(&mut self, key: Key) -> Option<Leftovers> {
        let slot = self.get_mut(key)?;
        slot.gen = slot.gen.wrapping_add(1) & GEN_MASK;
        slot.status = Status::Vacant;
        let leftovers = (slot.stage.take(), slot.join_waker.take());
        self.free.push(key.index);
        self.live -= 1;
        Some(leftovers)
    }
}

/// The counters, one cell each, so counting is one add.
#[derive(Default)]
struct Counters {
    spawned: Cell<u64>,
    polls: Cell<u64>,
    wakes: Cell<u64>,
    timers_armed: Cell<u64>,
    requests: Cell<u64>,
    turns: Cell<u64>,
    self_wakes: Cell<u64>,
    lost_wakeups: Cell<u64>,
    busy_tasks: Cell<u64>,
}

impl Counters {
    fn get(&self) -> Stats {
        Stats {
            spawned: self.spawned.get(),
            polls: self.polls.get(),
            wakes: self.wakes.get(),
            timers_armed: self.timers_armed.get(),
            requests: self.requests.get(),
            turns: self.turns.get(),
            self_wakes: self.self_wakes.get(),
            lost_wakeups: self.lost_wakeups.get(),
            busy_tasks: self.busy_tasks.get(),
        }
    }
}

/// Counters since the executor started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Tasks spawned.
    pub spawned: u64,
    /// Polls of any task.
    pub polls: u64,
    /// Wake-ups that put a task on the ready queue.
    pub wakes: u64,
    /// Times the host's one timer was armed.
    pub timers_armed: u64,
    /// Requests started.
    pub requests: u64,
    /// Turns run.
    pub turns: u64,
    /// Polls after which the task had woken itself (`yield_now`, or a busy loop).
    pub self_wakes: u64,
    /// Lost wake-ups detected (a task returned `Pending` with no waker kept anywhere).
    pub lost_wakeups: u64,
    /// Tasks reported busy (woke themselves `BUSY_POLLS` polls in a row).
    pub busy_tasks: u64,
}

pub(crate) struct Inner {
    host: Rc<dyn Host>,
    tasks: RefCell<Tasks>,
    ready: RefCell<VecDeque<Key>>,
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
        if let Ok(mut slot) = self.listener.try_borrow_mut() {
            if let Some(listener) = slot.as_mut() {
                listener(&record);
            }
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

    fn spawn_boxed(&self, future: BoxFuture, name: Option<String>) -> (Key, TaskId) {
        let id = self.next_task.get() + 1;
        self.next_task.set(id);
        let key = self.tasks.borrow_mut().insert(id, future);
        self.ready.borrow_mut().push_back(key);
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
                    if slot.rescheduled {
                        return;
                    }
                    slot.rescheduled = true;
                }
                Status::Scheduled | Status::Done | Status::Vacant => return,
            }
            slot.id
        };
        self.ready.borrow_mut().push_back(key);
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
        let (mut future, id) = {
            let mut tasks = self.tasks.borrow_mut();
            let Some(slot) = tasks.get_mut(key) else {
                return false;
            };
            if slot.status != Status::Scheduled {
                return false;
            }
            let Stage::Future(future) = slot.stage.take() else {
                return false;
            };
            slot.status = Status::Running;
            (future, slot.id)
        };
        self.bump(|c| &c.polls);
        self.emit(|| Event::PollStart { task: id });
        let previous = self.running.replace(Some(id));
        self.current_wait.set(None);
        let waker = waker::for_poll(key);
        let mut cx = Context::from_waker(&waker);
        let result = catch_panic(|| future.as_mut().poll(&mut cx));
        drop(waker); // only the copies the future kept count from here on
        self.running.set(previous);
        self.emit(|| Event::PollEnd {
            task: id,
            ready: !matches!(result, Ok(Poll::Pending)),
        });
        match result {
            Ok(Poll::Pending) => {
                let note = {
                    let mut tasks = self.tasks.borrow_mut();
                    let slot = tasks.get_mut(key).expect("a running task keeps its slot");
                    if slot.abort_requested {
                        None
                    } else {
                        slot.stage = Stage::Future(future);
                        let woke_itself = std::mem::take(&mut slot.rescheduled);
                        let note = if woke_itself {
                            slot.status = Status::Scheduled;
                            slot.self_wakes = slot.self_wakes.saturating_add(1);
                            PendingNote::SelfWake(slot.self_wakes)
                        } else {
                            slot.status = Status::Idle;
                            slot.self_wakes = 0;
                            if slot.wakers == 0 {
                                slot.wait = None;
                                PendingNote::Lost
                            } else {
                                let on = self.current_wait.get().unwrap_or(WaitOn::Other);
                                slot.wait = Some(on);
                                PendingNote::Waits(on)
                            }
                        };
                        Some(note)
                    }
                };
                match note {
                    None => {
                        // Aborted during its own poll: `future` is still ours to drop.
                        self.finish(key, Err(JoinError::Cancelled));
                    }
                    Some(note) => self.note_pending(id, note),
                }
                return true;
            }
            Ok(Poll::Ready(output)) => {
                drop(future);
                self.finish(key, Ok(output));
            }
            Err(message) => {
                drop(future);
                self.finish(key, Err(JoinError::Panicked(message)));
            }
        }
        true
    }

    fn note_pending(&self, task: TaskId, note: PendingNote) {
        match note {
            PendingNote::Waits(on) => self.emit(|| Event::Wait { task, on }),
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

    /// Marks a task done, stores or drops its result, and wakes whoever joins it.
    fn finish(&self, key: Key, result: Result<Box<dyn Any>, JoinError>) {
        let outcome = match &result {
            Ok(_) => Outcome::Finished,
            Err(JoinError::Panicked(m)) => Outcome::Panicked(m.clone()),
            Err(JoinError::Cancelled) => Outcome::Cancelled,
        };
        let (id, join_waker, dropped) = {
            let mut tasks = self.tasks.borrow_mut();
            let Some(slot) = tasks.get_mut(key) else {
                return;
            };
            slot.status = Status::Done;
            slot.rescheduled = false;
            let id = slot.id;
            let join_waker = slot.join_waker.take();
            if slot.detached {
                (id, join_waker, (Some(result), tasks.remove(key)))
            } else {
                slot.stage = Stage::Output(result);
                (id, join_waker, (None, None))
            }
        };
        drop(dropped);
        self.emit(|| Event::Done { task: id, outcome });
        if let Some(w) = join_waker {
            w.wake();
        }
    }

    fn abort(&self, key: Key) {
        let future = {
            let mut tasks = self.tasks.borrow_mut();
            let Some(slot) = tasks.get_mut(key) else {
                return;
            };
            match slot.status {
                Status::Done | Status::Vacant => return,
                Status::Running => {
                    // The task aborts itself (or a task it polls does): finish after the poll.
                    slot.abort_requested = true;
                    return;
                }
                Status::Idle | Status::Scheduled => slot.stage.take(),
            }
        };
        drop(future);
        self.finish(key, Err(JoinError::Cancelled));
    }

    fn is_finished(&self, key: Key) -> bool {
        self.tasks
            .borrow_mut()
            .get_mut(key)
            .is_none_or(|s| s.status == Status::Done)
    }

    fn poll_join(&self, key: Key, cx: &mut Context<'_>) -> Poll<Result<Box<dyn Any>, JoinError>> {
        // Wakers are cloned and dropped outside the slab's borrow: counting them needs it.
        let mut new_waker = None;
        loop {
            let (result, old_waker, id) = {
                let mut tasks = self.tasks.borrow_mut();
                let Some(slot) = tasks.get_mut(key) else {
                    return Poll::Ready(Err(JoinError::Cancelled));
                };
                if slot.status == Status::Done {
                    let result = match slot.stage.take() {
                        Stage::Output(result) => result,
                        _ => Err(JoinError::Cancelled),
                    };
                    (Some((result, tasks.remove(key))), None, 0)
                } else if slot
                    .join_waker
                    .as_ref()
                    .is_some_and(|w| w.will_wake(cx.waker()))
                {
                    (None, None, slot.id)
                } else if let Some(w) = new_waker.take() {
                    (None, slot.join_waker.replace(w), slot.id)
                } else {
                    drop(tasks);
                    new_waker = Some(cx.waker().clone());
                    continue;
                }
            };
            drop(old_waker);
            drop(new_waker);
            return match result {
                Some((r, leftovers)) => {
                    drop(leftovers);
                    Poll::Ready(r)
                }
                None => {
                    note_wait(WaitOn::Task(id));
                    Poll::Pending
                }
            };
        }
    }

    fn detach(&self, key: Key) {
        let leftovers = {
            let mut tasks = self.tasks.borrow_mut();
            let Some(slot) = tasks.get_mut(key) else {
                return;
            };
            if slot.status == Status::Done {
                tasks.remove(key)
            } else {
                slot.detached = true;
                Some((Stage::Empty, slot.join_waker.take()))
            }
        };
        drop(leftovers);
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
    /// Returns how many polls it made.
    pub(crate) fn turn(&self, budget: usize) -> usize {
        self.turn_requested.set(false);
        self.bump(|c| &c.turns);
        self.fire_timers();
        let started = self.now_us();
        let mut polled = 0;
        while polled < budget {
            if polled % 64 == 63 && self.now_us().saturating_sub(started) >= TURN_SLICE_US {
                break;
            }
            if self.step_mode.get() && self.steps.get() == 0 {
                self.pause();
                break;
            }
            let Some(key) = self.ready.borrow_mut().pop_front() else {
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
                    .get_mut(*k)
                    .filter(|s| s.status == Status::Scheduled)
                    .map(|s| s.id)
            })
        };
        if let Some(next) = next {
            if !self.paused.replace(true) {
                self.emit(|| Event::Paused { next });
            }
        }
    }

    fn inspect(&self) -> Inspection {
        let mut tasks = self.tasks.borrow_mut();
        let ready: Vec<TaskId> = self
            .ready
            .borrow()
            .iter()
            .filter_map(|k| {
                tasks
                    .get_mut(*k)
                    .filter(|s| s.status == Status::Scheduled)
                    .map(|s| s.id)
            })
            .collect();
        let mut list: Vec<TaskInfo> = tasks
            .slots
            .iter()
            .filter(|s| s.status != Status::Vacant)
            .map(|s| TaskInfo {
                id: s.id,
                state: match s.status {
                    Status::Scheduled => TaskState::Scheduled,
                    Status::Running => TaskState::Running,
                    Status::Done | Status::Vacant => match &s.stage {
                        Stage::Output(Err(JoinError::Panicked(_))) => TaskState::Failed,
                        Stage::Output(Err(JoinError::Cancelled)) => TaskState::Cancelled,
                        _ => TaskState::Done,
                    },
                    Status::Idle => match s.wait {
                        Some(on) => TaskState::Waiting(on),
                        None => TaskState::Stuck,
                    },
                },
            })
            .collect();
        list.sort_by_key(|t| t.id);
        Inspection {
            now_us: self.now_us(),
            ready,
            tasks: list,
            sleepers: self.timers.borrow().len(),
            alarm_us: self.alarm_us.get(),
            requests_in_flight: self.in_flight.get(),
            paused: self.paused.get(),
            stats: self.stats.get(),
        }
    }

    fn snapshot(&self) -> Snapshot {
        let tasks = self.tasks.borrow();
        Snapshot {
            live_tasks: tasks.live,
            ready: self.ready.borrow().len(),
            sleepers: self.timers.borrow().len(),
            alarm_us: self.alarm_us.get(),
            now_us: self.now_us(),
            stats: self.stats.get(),
        }
    }
}

/// What a task's `Pending` told the executor.
enum PendingNote {
    Waits(WaitOn),
    SelfWake(u32),
    Lost,
}

/// A task as the inspector shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskInfo {
    /// Its id.
    pub id: TaskId,
    /// Where it is.
    pub state: TaskState,
}

/// Where a task is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskState {
    /// On the ready queue.
    Scheduled,
    /// Being polled.
    Running,
    /// Returned `Pending` and waits for this.
    Waiting(WaitOn),
    /// Returned `Pending` with no copy of its waker kept anywhere: nothing will wake it.
    Stuck,
    /// Finished; its handle has not taken the result yet.
    Done,
    /// Panicked; its handle has not taken the panic message yet.
    Failed,
    /// Aborted; its handle has not seen that yet.
    Cancelled,
}

/// The executor's inner state, for the inspector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspection {
    /// The host's clock.
    pub now_us: u64,
    /// Tasks on the ready queue, next first.
    pub ready: Vec<TaskId>,
    /// Every live task, by id.
    pub tasks: Vec<TaskInfo>,
    /// Sleeping tasks.
    pub sleepers: usize,
    /// When the host's one timer is armed for.
    pub alarm_us: Option<u64>,
    /// Requests started and not yet finished.
    pub requests_in_flight: u32,
    /// Step mode is waiting for a step.
    pub paused: bool,
    /// Counters.
    pub stats: Stats,
}

/// What the executor holds at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// Tasks not yet finished, plus finished ones whose handle has not taken the result.
    pub live_tasks: usize,
    /// Tasks on the ready queue.
    pub ready: usize,
    /// Sleeping tasks (deadlines in the timer heap).
    pub sleepers: usize,
    /// When the host's one timer is armed for, if it is.
    pub alarm_us: Option<u64>,
    /// The host's clock.
    pub now_us: u64,
    /// Counters.
    pub stats: Stats,
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
        NEXT_GEN.with(|g| g.set(g.get().wrapping_add(1) & GEN_MASK));
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

    /// Spawns a task on this executor. See [`spawn`].
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
                    })
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
                .slots
                .iter_mut()
                .filter(|s| s.status != Status::Vacant)
                .map(|s| {
                    s.status = Status::Done;
                    (s.stage.take(), s.join_waker.take())
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

fn spawn_on<F>(inner: &Inner, future: F, name: Option<String>) -> JoinHandle<F::Output>
where
    F: Future + 'static,
{
    let boxed: BoxFuture = Box::pin(async move { Box::new(future.await) as Box<dyn Any> });
    let (key, id) = inner.spawn_boxed(boxed, name);
    JoinHandle {
        key,
        id,
        _output: PhantomData,
    }
}

/// Spawns a task on the current executor and returns a handle to its result.
///
/// The task starts on the executor's next turn. Awaiting the handle gives the task's output,
/// or a [`JoinError`] if it panicked or was aborted. Dropping the handle detaches the task: it
/// keeps running and its output is dropped.
///
/// ```
/// use executor::{spawn, Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let answer = ex.block_on(async { spawn(async { 6 * 7 }).await.unwrap() }).unwrap();
/// assert_eq!(answer, 42);
/// ```
///
/// # Panics
/// Outside an executor.
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
{
    expect_current("spawn", |inner| spawn_on(inner, future, None))
}

/// Like [`spawn`], with a name the trace and the timeline show for the task.
///
/// ```
/// use executor::{spawn_named, Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let log = ex.record_trace();
/// ex.block_on(async { spawn_named("page 1", async {}).await.unwrap() }).unwrap();
/// assert!(log.borrow().iter().any(|r| matches!(&r.event,
///     executor::trace::Event::Spawn { name: Some(n), .. } if n == "page 1")));
/// ```
pub fn spawn_named<F>(name: impl Into<String>, future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
{
    let name = name.into();
    expect_current("spawn_named", |inner| spawn_on(inner, future, Some(name)))
}

/// The counters of the executor on this thread, `None` without one: how many turns it ran, how
/// many polls and wake-ups it made so far.
///
/// ```
/// use executor::{stats, yield_now, Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let turns = ex
///     .block_on(async {
///         yield_now().await;
///         stats().unwrap().turns
///     })
///     .unwrap();
/// assert!(turns >= 1);
/// assert_eq!(stats(), Some(ex.snapshot().stats));
/// ```
pub fn stats() -> Option<Stats> {
    with_current(|inner| inner.stats.get())
}

/// The current task's id, if called from inside a task.
pub fn current_task() -> Option<TaskId> {
    with_current(|inner| inner.running_task()).flatten()
}

/// An owned permission to await a task's result. Itself a future.
///
/// Dropping it detaches the task; [`JoinHandle::abort`] cancels it.
#[must_use = "dropping a JoinHandle detaches the task; await it or call abort()"]
pub struct JoinHandle<T> {
    key: Key,
    id: TaskId,
    _output: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("task", &self.id)
            .finish()
    }
}

impl<T: 'static> JoinHandle<T> {
    /// The task's id, as the trace names it.
    pub fn id(&self) -> TaskId {
        self.id
    }

    /// Cancels the task: its future is dropped now (or, if it is running, when its poll
    /// returns), and awaiting this handle gives [`JoinError::Cancelled`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use executor::{spawn, sleep, Executor, JoinError, VirtualHost};
    /// let ex = Executor::new(VirtualHost::new());
    /// let err = ex.block_on(async {
    ///     let slow = spawn(sleep(Duration::from_secs(60)));
    ///     slow.abort();
    ///     slow.await.unwrap_err()
    /// }).unwrap();
    /// assert_eq!(err, JoinError::Cancelled);
    /// assert_eq!(ex.now().as_secs(), 0); // nobody waited the minute
    /// ```
    pub fn abort(&self) {
        with_current(|inner| inner.abort(self.key));
    }

    /// True once the task has finished, panicked or been cancelled.
    pub fn is_finished(&self) -> bool {
        with_current(|inner| inner.is_finished(self.key)).unwrap_or(true)
    }
}

impl<T: 'static> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let key = self.key;
        match with_current(|inner| inner.poll_join(key, cx)) {
            None => Poll::Ready(Err(JoinError::Cancelled)),
            Some(Poll::Pending) => Poll::Pending,
            Some(Poll::Ready(result)) => Poll::Ready(result.map(|boxed| {
                *boxed
                    .downcast::<T>()
                    .expect("a JoinHandle's type matches its task's output")
            })),
        }
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        let key = self.key;
        with_current(|inner| inner.detach(key));
    }
}

/// A future that returns `Pending` once, waking itself first: the task goes to the back of the
/// ready queue and every other ready task gets a turn before it continues.
///
/// ```
/// use executor::{yield_now, Executor, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// ex.block_on(async { yield_now().await }).unwrap();
/// assert_eq!(ex.snapshot().stats.polls, 2); // once to yield, once to finish
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// Made by [`yield_now`].
#[must_use = "futures do nothing unless awaited"]
#[derive(Debug)]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.yielded, true) {
            Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}
