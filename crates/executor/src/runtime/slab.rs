//! The task slab: one slot per task, a free list, and generations that make stale keys miss.
//!
//! A task lives in a [`Slot`]; its [`Key`] is the slot's index plus the generation the slot had
//! when the task moved in. A freed slot goes on the free list with its generation bumped, so a
//! waker or handle that outlives its task never matches the slot's next tenant. Slots come in
//! chunks of [`CHUNK`] that never move: growing the slab allocates a chunk instead of copying
//! every slot into a buffer twice the size (which held both buffers at once, and left the
//! old one's memory behind in a wasm page).

use std::any::Any;
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::Waker;

use super::task::JoinError;
use crate::trace::{JobId, RequestId, TaskId, WaitOn};
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

/// One task's place in the slab (48 bytes on wasm32). A vacant slot keeps its generation, so a
/// key to a task that has gone never matches the next task to move in.
pub(super) struct Slot {
    pub(super) id: TaskId,
    pub(super) generation: u32,
    /// Copies of the task's waker alive outside a poll (see `waker.rs`).
    pub(super) wakers: u32,
    pub(super) stage: Stage,
    pub(super) join_waker: Option<Waker>,
    /// What it waits for since its last `Pending` (see [`Slot::wait`]): the id, then the kind.
    wait_id: u32,
    wait_kind: u8,
    pub(super) status: Status,
    /// Woken while running: goes back on the queue when the poll returns `Pending`.
    pub(super) rescheduled: bool,
    pub(super) abort_requested: bool,
    pub(super) detached: bool,
    /// Polls in a row that ended with the task waking itself (counting stops at `u16::MAX`).
    pub(super) self_wakes: u16,
}

impl Slot {
    /// What it waits for since its last `Pending` (None: stuck, its waker was lost).
    pub(super) fn wait(&self) -> Option<WaitOn> {
        let id = u64::from(self.wait_id);
        Some(match self.wait_kind {
            WAIT_TIMER => WaitOn::Timer,
            WAIT_NETWORK => WaitOn::Network(id as RequestId),
            WAIT_JOB => WaitOn::Job(id as JobId),
            WAIT_TASK => WaitOn::Task(id as TaskId),
            WAIT_CHANNEL => WaitOn::Channel,
            WAIT_OTHER => WaitOn::Other,
            _ => return None,
        })
    }

    /// Notes what it waits for. Ids past `u32::MAX` (no run makes four billion requests) read
    /// back as `u32::MAX`.
    pub(super) fn set_wait(&mut self, wait: Option<WaitOn>) {
        let short = |id: u64| u32::try_from(id).unwrap_or(u32::MAX);
        (self.wait_kind, self.wait_id) = match wait {
            None => (WAIT_NONE, 0),
            Some(WaitOn::Timer) => (WAIT_TIMER, 0),
            Some(WaitOn::Network(r)) => (WAIT_NETWORK, short(r)),
            Some(WaitOn::Job(j)) => (WAIT_JOB, short(j)),
            Some(WaitOn::Task(t)) => (WAIT_TASK, short(t)),
            Some(WaitOn::Channel) => (WAIT_CHANNEL, 0),
            Some(WaitOn::Other) => (WAIT_OTHER, 0),
        };
    }
}

/// [`Slot::wait_kind`] values.
const WAIT_NONE: u8 = 0;
const WAIT_TIMER: u8 = 1;
const WAIT_NETWORK: u8 = 2;
const WAIT_JOB: u8 = 3;
const WAIT_TASK: u8 = 4;
const WAIT_CHANNEL: u8 = 5;
const WAIT_OTHER: u8 = 6;

/// Slots per chunk (a power of two: an index splits into chunk and place with a shift).
pub(super) const CHUNK: usize = 1 << CHUNK_BITS;
const CHUNK_BITS: u32 = 8;

/// What leaves the slab with a task: dropped by the caller once the slab is no longer
/// borrowed, since dropping a future or a waker may run code that needs it.
pub(super) type Leftovers = (Stage, Option<Waker>);

/// Every task of one executor, by key.
#[derive(Default)]
pub(super) struct Tasks {
    /// Full chunks of [`CHUNK`] slots, then the last one, filling up.
    chunks: Vec<Vec<Slot>>,
    free: Vec<u32>,
    /// Occupied slots: tasks not finished, or finished with a result not yet taken.
    pub(super) live: usize,
}

impl Tasks {
    pub(super) fn get_mut(&mut self, key: Key) -> Option<&mut Slot> {
        self.chunks
            .get_mut((key.index >> CHUNK_BITS) as usize)?
            .get_mut(key.index as usize & (CHUNK - 1))
            .filter(|s| s.generation == key.generation && s.status != Status::Vacant)
    }

    /// Every slot, vacant ones too, in index order.
    pub(super) fn slots(&self) -> impl Iterator<Item = &Slot> {
        self.chunks.iter().flatten()
    }

    /// Every slot, mutably.
    pub(super) fn slots_mut(&mut self) -> impl Iterator<Item = &mut Slot> {
        self.chunks.iter_mut().flatten()
    }

    pub(super) fn insert(&mut self, id: TaskId, future: BoxFuture) -> Key {
        let index = match self.free.pop() {
            Some(i) => i,
            None => self.grow(),
        };
        let slot = &mut self.chunks[(index >> CHUNK_BITS) as usize][index as usize & (CHUNK - 1)];
        slot.status = Status::Scheduled;
        slot.rescheduled = false;
        slot.abort_requested = false;
        slot.detached = false;
        slot.self_wakes = 0;
        slot.wakers = 0;
        slot.id = id;
        slot.stage = Stage::Future(future);
        slot.set_wait(None);
        self.live += 1;
        Key {
            index,
            generation: slot.generation,
        }
    }

    /// Adds a vacant slot (and a chunk for it when the last one is full); returns its index.
    fn grow(&mut self) -> u32 {
        let count =
            self.chunks.len().saturating_sub(1) * CHUNK + self.chunks.last().map_or(0, Vec::len);
        assert!(count < MAX_TASKS, "too many live tasks");
        if self.chunks.last().is_none_or(|c| c.len() == CHUNK) {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        let chunk = self.chunks.last_mut().expect("a chunk with room");
        chunk.push(Slot {
            id: 0,
            generation: NEXT_GEN.with(|g| g.get()),
            wakers: 0,
            stage: Stage::Empty,
            join_waker: None,
            wait_id: 0,
            wait_kind: WAIT_NONE,
            status: Status::Vacant,
            rescheduled: false,
            abort_requested: false,
            detached: false,
            self_wakes: 0,
        });
        count as u32
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

#[cfg(test)]
mod tests {
    use super::*;

    fn idle() -> BoxFuture {
        Box::pin(std::future::pending())
    }

    #[test]
    fn slots_past_a_chunk_are_found_and_freed_ones_reused() {
        let mut tasks = Tasks::default();
        let keys: Vec<Key> = (0..CHUNK as u64 * 2 + 3)
            .map(|i| tasks.insert(i + 1, idle()))
            .collect();
        assert_eq!(tasks.chunks.len(), 3);
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(key.index as usize, i);
            assert_eq!(tasks.get_mut(*key).unwrap().id, i as u64 + 1);
        }
        let gone = keys[CHUNK + 1];
        drop(tasks.remove(gone));
        assert!(
            tasks.get_mut(gone).is_none(),
            "a freed slot does not answer its old key"
        );
        let next = tasks.insert(999, idle());
        assert_eq!(next.index, gone.index);
        assert_ne!(next.generation, gone.generation);
        assert_eq!(tasks.get_mut(next).unwrap().id, 999);
        assert_eq!(tasks.slots().count(), CHUNK * 2 + 3);
        assert_eq!(tasks.live, CHUNK * 2 + 3);
    }

    #[test]
    fn a_wait_reads_back_as_it_was_noted() {
        let mut tasks = Tasks::default();
        let key = tasks.insert(1, idle());
        let slot = tasks.get_mut(key).unwrap();
        for wait in [
            None,
            Some(WaitOn::Timer),
            Some(WaitOn::Network(7)),
            Some(WaitOn::Job(3)),
            Some(WaitOn::Task(12)),
            Some(WaitOn::Channel),
            Some(WaitOn::Other),
        ] {
            slot.set_wait(wait);
            assert_eq!(slot.wait(), wait);
        }
        slot.set_wait(Some(WaitOn::Network(u64::MAX)));
        assert_eq!(slot.wait(), Some(WaitOn::Network(u64::from(u32::MAX))));
    }
}
