//! The task slab: one slot per task, a free list, and generations that make stale keys miss.
//!
//! A task lives in a [`Slot`] of a `Vec`; its [`Key`] is the slot's index plus the generation
//! the slot had when the task moved in. A freed slot goes on the free list with its generation
//! bumped, so a waker or handle that outlives its task never matches the slot's next tenant.

use std::any::Any;
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::Waker;

use super::task::JoinError;
use crate::trace::{TaskId, WaitOn};
use crate::waker::{GEN_MASK, Key, MAX_TASKS};

/// A task's future, boxed and with its output boxed too, so every task fits one slot type.
pub(super) type BoxFuture = Pin<Box<dyn Future<Output = Box<dyn Any>>>>;

thread_local! {
    /// Generations keep counting across executors, so a waker that outlives its executor
    /// cannot match a task of the next one.
    static NEXT_GEN: Cell<u32> = const { Cell::new(0) };
}

/// Moves this thread's generation counter on: called once per new executor.
pub(super) fn new_generation() {
    NEXT_GEN.with(|g| g.set(g.get().wrapping_add(1) & GEN_MASK));
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Status {
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
pub(super) enum Stage {
    /// Not started or not finished (empty while the future is out being polled).
    Future(BoxFuture),
    /// Finished: what the handle will get.
    Output(Result<Box<dyn Any>, JoinError>),
    Empty,
}

impl Stage {
    pub(super) fn take(&mut self) -> Stage {
        std::mem::replace(self, Stage::Empty)
    }
}

/// One task's place in the slab. A vacant slot keeps its generation, so a key to a task that
/// has gone never matches the next task to move in.
pub(super) struct Slot {
    pub(super) generation: u32,
    pub(super) status: Status,
    /// Woken while running: goes back on the queue when the poll returns `Pending`.
    pub(super) rescheduled: bool,
    pub(super) abort_requested: bool,
    pub(super) detached: bool,
    /// Polls in a row that ended with the task waking itself.
    pub(super) self_wakes: u32,
    /// Copies of the task's waker alive outside a poll (see `waker.rs`).
    pub(super) wakers: u32,
    pub(super) id: TaskId,
    pub(super) stage: Stage,
    pub(super) join_waker: Option<Waker>,
    /// What it waits for since its last `Pending` (None: stuck, its waker was lost).
    pub(super) wait: Option<WaitOn>,
}

/// What leaves the slab with a task: dropped by the caller once the slab is no longer
/// borrowed, since dropping a future or a waker may run code that needs it.
pub(super) type Leftovers = (Stage, Option<Waker>);

/// Every task of one executor, by key.
#[derive(Default)]
pub(super) struct Tasks {
    pub(super) slots: Vec<Slot>,
    free: Vec<u32>,
    /// Occupied slots: tasks not finished, or finished with a result not yet taken.
    pub(super) live: usize,
}

impl Tasks {
    pub(super) fn get_mut(&mut self, key: Key) -> Option<&mut Slot> {
        self.slots
            .get_mut(key.index as usize)
            .filter(|s| s.generation == key.generation && s.status != Status::Vacant)
    }

    pub(super) fn insert(&mut self, id: TaskId, future: BoxFuture) -> Key {
        let index = match self.free.pop() {
            Some(i) => i,
            None => {
                assert!(self.slots.len() < MAX_TASKS, "too many live tasks");
                self.slots.push(Slot {
                    generation: NEXT_GEN.with(|g| g.get()),
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
            generation: slot.generation,
        }
    }

    /// Empties a task's slot and returns what it held.
    pub(super) fn remove(&mut self, key: Key) -> Option<Leftovers> {
        let slot = self.get_mut(key)?;
        slot.generation = slot.generation.wrapping_add(1) & GEN_MASK;
        slot.status = Status::Vacant;
        let leftovers = (slot.stage.take(), slot.join_waker.take());
        self.free.push(key.index);
        self.live -= 1;
        Some(leftovers)
    }
}
