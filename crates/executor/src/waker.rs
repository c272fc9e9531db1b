//! Wakers that are just a task's slot key: no allocation, no reference count.
//!
//! A [`Waker`] is a data pointer plus a table of four functions. Ours stores the task's key
//! (slot index and generation, packed into a `usize`) in place of the pointer, so cloning a
//! waker is a copy and waking it pushes the key onto the current thread's ready queue. A stale
//! key (a task that has finished, or an executor that is gone) is recognised by its generation
//! and ignored. The waker lent to a poll is not counted; the copies a future keeps are, which
//! is how a lost wake-up is noticed.

use std::task::{RawWaker, RawWakerVTable, Waker};

fn count(raw: usize, up: bool) {
    crate::runtime::with_current(|inner| inner.count_waker(Key::unpack(raw), up));
}

/// Bits of a key that hold the slot index; the rest hold the slot's generation.
const INDEX_BITS: u32 = if usize::BITS >= 64 { 32 } else { 20 };
const INDEX_MASK: usize = (1 << INDEX_BITS) - 1;
/// How many generations fit in a key before they wrap around.
pub(crate) const GEN_MASK: u32 = (usize::MAX >> INDEX_BITS) as u32;
/// The largest number of tasks alive at once.
pub(crate) const MAX_TASKS: usize = INDEX_MASK;

/// A task's place in the slab: index plus the generation the slot had when the task moved in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    pub index: u32,
    pub generation: u32,
}

impl Key {
    pub(crate) fn pack(self) -> usize {
        (self.index as usize) | (((self.generation & GEN_MASK) as usize) << INDEX_BITS)
    }

    pub(crate) fn unpack(raw: usize) -> Key {
        Key {
            index: (raw & INDEX_MASK) as u32,
            generation: (raw >> INDEX_BITS) as u32 & GEN_MASK,
        }
    }
}

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_waker);

/// The waker lent to `poll` through its `Context`. It is not counted (it dies with the poll);
/// a copy the future keeps is made by `clone`, which returns an ordinary counted waker.
static LENT: RawWakerVTable = RawWakerVTable::new(clone, wake_lent, wake_by_ref, forget_lent);

fn wake_lent(data: *const ()) {
    crate::runtime::wake_key(Key::unpack(data.addr()));
}

fn forget_lent(_: *const ()) {}

fn raw(key: usize) -> RawWaker {
    RawWaker::new(std::ptr::without_provenance(key), &VTABLE)
}

fn clone(data: *const ()) -> RawWaker {
    count(data.addr(), true);
    raw(data.addr())
}

fn wake(data: *const ()) {
    count(data.addr(), false);
    crate::runtime::wake_key(Key::unpack(data.addr()));
}

fn wake_by_ref(data: *const ()) {
    crate::runtime::wake_key(Key::unpack(data.addr()));
}

fn drop_waker(data: *const ()) {
    count(data.addr(), false);
}

/// The waker lent to one poll of the task at `key`.
#[expect(
    unsafe_code,
    reason = "the workspace denies unsafe code; the executor's one block builds this waker (SAFETY below)"
)]
pub(crate) fn for_poll(key: Key) -> Waker {
    // SAFETY: `Waker::from_raw` requires that the vtable functions uphold the `RawWaker`
    // contract and are safe to call from any thread. The data "pointer" is an integer that is
    // never dereferenced; `clone` returns a (counted) waker for the same key, the drop
    // functions free nothing, and the wake functions only look up the calling thread's
    // executor (doing nothing when that thread has none or the key is stale). The copy counts
    // are thread-local bookkeeping for diagnostics, never used for memory. So every function
    // is sound on every thread.
    unsafe {
        Waker::from_raw(RawWaker::new(
            std::ptr::without_provenance(key.pack()),
            &LENT,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for (index, generation) in [(0, 0), (1, 1), (7, 3), (MAX_TASKS as u32 - 1, GEN_MASK)] {
            let key = Key { index, generation };
            assert_eq!(Key::unpack(key.pack()), key);
        }
    }

    #[test]
    fn generations_wrap_instead_of_spilling_into_the_index() {
        let key = Key {
            index: 5,
            generation: GEN_MASK.wrapping_add(1),
        };
        assert_eq!(Key::unpack(key.pack()).index, 5);
    }
}
