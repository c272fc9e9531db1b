//! Looking inside: the counters, a snapshot of sizes, and the task-by-task inspection.
//!
//! Nothing here changes what the executor does; it only reads the slab, the ready queue and
//! the timers, for the tests, the benchmark and the page's inspector.

use std::cell::Cell;

use super::slab::Status;
use super::{Inner, with_current};
use crate::trace::{TaskId, WaitOn};
use crate::waker::Key;

/// The counters, one cell each, so counting is one add.
#[derive(Default)]
pub(super) struct Counters {
    pub(super) spawned: Cell<u64>,
    pub(super) polls: Cell<u64>,
    pub(super) wakes: Cell<u64>,
    pub(super) timers_armed: Cell<u64>,
    pub(super) requests: Cell<u64>,
    pub(super) turns: Cell<u64>,
    pub(super) self_wakes: Cell<u64>,
    pub(super) lost_wakeups: Cell<u64>,
    pub(super) busy_tasks: Cell<u64>,
}

impl Counters {
    pub(super) fn get(&self) -> Stats {
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

impl Inner {
    pub(super) fn inspect(&self) -> Inspection {
        let mut tasks = self.tasks.borrow_mut();
        let ready: Vec<TaskId> = self
            .ready
            .borrow()
            .iter()
            .filter_map(|k| {
                tasks
                    .get_mut(Key::unpack(*k))
                    .filter(|s| s.status == Status::Scheduled)
                    .map(|s| s.id())
            })
            .collect();
        let mut list: Vec<TaskInfo> = tasks
            .slots()
            .zip(0u32..)
            .filter(|(s, _)| s.status != Status::Vacant)
            .map(|(s, index)| TaskInfo {
                id: s.id(),
                state: match s.status {
                    Status::Scheduled => TaskState::Scheduled,
                    Status::Running => TaskState::Running,
                    Status::Done | Status::Vacant => {
                        if s.cell.is_some() {
                            TaskState::Done
                        } else if tasks.panic_of(index).is_some() {
                            TaskState::Failed
                        } else {
                            TaskState::Cancelled
                        }
                    }
                    Status::Idle => match s.wait() {
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

    pub(super) fn snapshot(&self) -> Snapshot {
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
