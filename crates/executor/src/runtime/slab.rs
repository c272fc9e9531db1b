//! The task slab: one slot per task, a free list, and generations that make stale keys miss.
//!
//! A task lives in a [`Slot`]; its [`Key`] is the slot's index plus the generation the slot had
//! when the task moved in. A freed slot goes on the free list with its generation bumped, so a
//! waker or handle that outlives its task never matches the slot's next tenant. Slots come in
//! chunks of [`CHUNK`] that never move: growing the slab allocates a chunk instead of copying
//! every slot into a buffer twice the size (which held both buffers at once, and left the
//! old one's memory behind in a wasm page).

use std::cell::Cell;
use std::task::Waker;

use super::cell::BoxCell;
use crate::trace::{JobId, RequestId, TaskId, WaitOn};
use crate::waker::{GEN_MASK, Key, MAX_TASKS};

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
    /// Finished, panicked or cancelled. A finished task keeps its cell, holding the output,
    /// until the handle takes it; a panicked one has its message in [`Tasks::panics`]; a
    /// cancelled one has neither.
    Done,
}

/// One task's place in the slab (36 bytes on wasm32). A vacant slot keeps its generation, so a
/// key to a task that has gone never matches the next task to move in.
pub(super) struct Slot {
    /// The task's id, as the trace names it (ids past `u32::MAX` are refused at spawn).
    id: u32,
    pub(super) generation: u32,
    /// Copies of the task's waker alive outside a poll (see `waker.rs`).
    pub(super) wakers: u32,
    /// The future, then the output; out of the slot while the task is being polled.
    pub(super) cell: Option<BoxCell>,
    pub(super) join_waker: Option<Waker>,
    /// The id of what it waits for since its last `Pending` (see [`Slot::wait`]).
    wait_id: u32,
    pub(super) status: Status,
    /// [`RESCHEDULED`], [`ABORT_REQUESTED`] and [`DETACHED`] in the low bits, one bit each; the
    /// kind of what it waits for (a `WAIT_` value) from bit [`KIND_SHIFT`] up.
    flags: u8,
    /// Polls in a row that ended with the task waking itself (counting stops at `u16::MAX`).
    pub(super) self_wakes: u16,
}

// The slot's size is what 10 000 pending tasks cost beyond their futures: keep it in check on
// the target that matters (wasm32) and on 64-bit hosts.
const _: () = assert!(size_of::<Slot>() <= if usize::BITS == 32 { 36 } else { 56 });

/// Woken while running: goes back on the queue when the poll returns `Pending`.
pub(super) const RESCHEDULED: u8 = 1;
/// Aborted while running: finishes as cancelled when the poll returns.
pub(super) const ABORT_REQUESTED: u8 = 2;
/// Its handle was dropped: nobody takes the result, so the slot is freed when it ends.
pub(super) const DETACHED: u8 = 4;

impl Slot {
    /// The task's id.
    pub(super) fn id(&self) -> TaskId {
        TaskId::from(self.id)
    }

    /// Whether `flag` (one of [`RESCHEDULED`], [`ABORT_REQUESTED`], [`DETACHED`]) is set.
    pub(super) fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    /// Sets or clears `flag`; returns whether it was set before.
    pub(super) fn set(&mut self, flag: u8, on: bool) -> bool {
        let was = self.has(flag);
        if on {
            self.flags |= flag;
        } else {
            self.flags &= !flag;
        }
        was
    }

    /// What it waits for since its last `Pending` (None: stuck, its waker was lost).
    pub(super) fn wait(&self) -> Option<WaitOn> {
        let id = u64::from(self.wait_id);
        Some(match self.flags >> KIND_SHIFT {
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
        let (kind, id) = match wait {
            None => (WAIT_NONE, 0),
            Some(WaitOn::Timer) => (WAIT_TIMER, 0),
            Some(WaitOn::Network(r)) => (WAIT_NETWORK, short(r)),
            Some(WaitOn::Job(j)) => (WAIT_JOB, short(j)),
            Some(WaitOn::Task(t)) => (WAIT_TASK, short(t)),
            Some(WaitOn::Channel) => (WAIT_CHANNEL, 0),
            Some(WaitOn::Other) => (WAIT_OTHER, 0),
        };
        self.wait_id = id;
        self.flags = (self.flags & ((1 << KIND_SHIFT) - 1)) | (kind << KIND_SHIFT);
    }
}

/// Kinds of wait, as [`Slot::flags`] holds them from [`KIND_SHIFT`] up.
const KIND_SHIFT: u8 = 4;
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
pub(super) type Leftovers = (Option<BoxCell>, Option<Waker>);

/// Every task of one executor, by key.
#[derive(Default)]
pub(super) struct Tasks {
    /// Full chunks of [`CHUNK`] slots, then the last one, filling up.
    chunks: Vec<Vec<Slot>>,
    free: Vec<u32>,
    /// Slots made so far, vacant ones too.
    made: u32,
    /// The messages of panicked tasks whose handles have not taken them, by slot index.
    pub(super) panics: Vec<(u32, String)>,
    /// Occupied slots: tasks not finished, or finished with a result not yet taken.
    pub(super) live: usize,
}

impl Tasks {
    #[inline]
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

    /// Moves a new task into a slot.
    ///
    /// # Panics
    /// If `id` is past `u32::MAX` (four billion tasks in one executor), or too many tasks are
    /// alive at once.
    #[inline]
    pub(super) fn insert(&mut self, id: TaskId, cell: BoxCell) -> Key {
        let id = u32::try_from(id).expect("at most u32::MAX tasks in one executor");
        self.live += 1;
        let Some(index) = self.free.pop() else {
            return self.grow(id, cell);
        };
        let slot = &mut self.chunks[(index >> CHUNK_BITS) as usize][index as usize & (CHUNK - 1)];
        // A vacant slot has no cell, no join waker, and no flags or wait left over.
        slot.status = Status::Scheduled;
        slot.self_wakes = 0;
        slot.wakers = 0;
        slot.id = id;
        slot.cell = Some(cell);
        Key {
            index,
            generation: slot.generation,
        }
    }

    /// Moves a new task into a new slot (in a new chunk when the last one is full).
    fn grow(&mut self, id: u32, cell: BoxCell) -> Key {
        let index = self.made;
        assert!((index as usize) < MAX_TASKS, "too many live tasks");
        self.made += 1;
        if index as usize & (CHUNK - 1) == 0 {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        let generation = NEXT_GEN.with(|g| g.get());
        let chunk = self.chunks.last_mut().expect("a chunk with room");
        chunk.push(Slot {
            id,
            generation,
            wakers: 0,
            cell: Some(cell),
            join_waker: None,
            wait_id: 0,
            status: Status::Scheduled,
            flags: 0,
            self_wakes: 0,
        });
        Key { index, generation }
    }

    /// Empties a task's slot and returns what it held.
    #[inline]
    pub(super) fn remove(&mut self, key: Key) -> Option<Leftovers> {
        let slot = self.get_mut(key)?;
        slot.generation = slot.generation.wrapping_add(1) & GEN_MASK;
        slot.status = Status::Vacant;
        slot.flags = 0;
        let leftovers = (slot.cell.take(), slot.join_waker.take());
        self.free.push(key.index);
        self.live -= 1;
        if !self.panics.is_empty() {
            self.panics.retain(|(i, _)| *i != key.index);
        }
        Some(leftovers)
    }

    /// Notes that the task in slot `index` panicked with `message`.
    pub(super) fn note_panic(&mut self, index: u32, message: String) {
        self.panics.push((index, message));
    }

    /// The panic message of the task in slot `index`, if it panicked.
    pub(super) fn panic_of(&self, index: u32) -> Option<&str> {
        self.panics
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, m)| m.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idle() -> BoxCell {
        super::super::cell::new(std::future::pending::<()>())
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
            assert_eq!(tasks.get_mut(*key).unwrap().id(), i as u64 + 1);
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
        assert_eq!(tasks.get_mut(next).unwrap().id(), 999);
        assert_eq!(tasks.slots().count(), CHUNK * 2 + 3);
        assert_eq!(tasks.live, CHUNK * 2 + 3);
    }

    #[test]
    fn a_wait_and_the_flags_read_back_as_they_were_set() {
        let mut tasks = Tasks::default();
        let key = tasks.insert(1, idle());
        let slot = tasks.get_mut(key).unwrap();
        slot.set(DETACHED, true);
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
            slot.set(RESCHEDULED, true);
            assert!(
                slot.set(RESCHEDULED, false),
                "clearing says the flag was set"
            );
            assert_eq!(
                slot.wait(),
                wait,
                "flags and the wait share a byte, not bits"
            );
            assert!(slot.has(DETACHED) && !slot.has(ABORT_REQUESTED));
        }
        slot.set_wait(Some(WaitOn::Network(u64::MAX)));
        assert_eq!(slot.wait(), Some(WaitOn::Network(u64::from(u32::MAX))));
    }
}
