//! [`Chunks`]: a sequence kept in shared chunks, so that a copy costs a pointer per chunk and a
//! change copies only the chunk it falls in.

use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;

/// Items a chunk holds when it is full.
const CHUNK: usize = 64;

/// A sequence stored as chunks of up to 64 items, each behind an [`Rc`]. Cloning it shares
/// every chunk; a change to the clone or the original copies the one chunk it touches first.
/// Replay snapshots are clones of the live state, so a snapshot costs a pointer per chunk
/// and keeps alone only the chunks changed after it.
///
/// It does what the executor's state needs of its queues and lists: add at the back, take
/// from the front, keep order by a key, remove what matches, and look up by position.
///
/// ```
/// use replay::Chunks;
///
/// let mut queue: Chunks<u32> = (1..=100).collect();
/// let snapshot = queue.clone();
/// queue.drain_front(10);
/// queue.push_back(101);
/// assert_eq!(queue.front(), Some(&11));
/// assert_eq!(snapshot.len(), 100);
/// assert_eq!(snapshot.get(99), Some(&100));
/// ```
#[derive(Clone)]
pub struct Chunks<T> {
    chunks: VecDeque<Rc<Vec<T>>>,
    len: usize,
    /// Every chunk but the first and the last is full: a position finds its chunk by division.
    even: bool,
}

impl<T> Default for Chunks<T> {
    fn default() -> Self {
        Chunks {
            chunks: VecDeque::new(),
            len: 0,
            even: true,
        }
    }
}

impl<T: Clone> Chunks<T> {
    /// Items held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The items, first to last.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        self.chunks.iter().flat_map(|c| c.iter())
    }

    /// The first item.
    pub fn front(&self) -> Option<&T> {
        self.chunks.front().and_then(|c| c.first())
    }

    /// The last item.
    pub fn back(&self) -> Option<&T> {
        self.chunks.back().and_then(|c| c.last())
    }

    /// The chunk holding position `at`, and the position within it.
    fn locate(&self, at: usize) -> Option<(usize, usize)> {
        if at >= self.len {
            return None;
        }
        let first = self.chunks.front().map_or(0, |c| c.len());
        if at < first {
            return Some((0, at));
        }
        if self.even {
            let past = at - first;
            return Some((1 + past / CHUNK, past % CHUNK));
        }
        let mut at = at;
        for (i, c) in self.chunks.iter().enumerate() {
            if at < c.len() {
                return Some((i, at));
            }
            at -= c.len();
        }
        None
    }

    /// The item at position `at`.
    pub fn get(&self, at: usize) -> Option<&T> {
        let (chunk, i) = self.locate(at)?;
        self.chunks[chunk].get(i)
    }

    /// The item at position `at`, to change.
    pub fn get_mut(&mut self, at: usize) -> Option<&mut T> {
        let (chunk, i) = self.locate(at)?;
        own(&mut self.chunks[chunk]).get_mut(i)
    }

    /// Adds an item at the back.
    pub fn push_back(&mut self, item: T) {
        match self.chunks.back_mut() {
            Some(last) if last.len() < CHUNK => own(last).push(item),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(item);
                // The chunk that was last is now in the middle: it is full unless it is also
                // the first.
                self.chunks.push_back(Rc::new(chunk));
            }
        }
        self.len += 1;
    }

    /// Takes the first item.
    pub fn pop_front(&mut self) -> Option<T> {
        let first = self.chunks.front_mut()?;
        let item = own(first).remove(0);
        if first.is_empty() {
            self.chunks.pop_front();
        }
        self.len -= 1;
        Some(item)
    }

    /// Drops the first `count` items (all of them if there are fewer).
    pub fn drain_front(&mut self, mut count: usize) {
        while let Some(first) = self.chunks.front_mut() {
            if count == 0 {
                break;
            }
            if count >= first.len() {
                count -= first.len();
                self.len -= first.len();
                self.chunks.pop_front();
            } else {
                own(first).drain(..count);
                self.len -= count;
                break;
            }
        }
    }

    /// Puts an item at position `at` (at most the length), the items from there on moving up.
    pub fn insert(&mut self, at: usize, item: T) {
        assert!(at <= self.len, "insert at {at} past the end ({})", self.len);
        if at == self.len {
            return self.push_back(item);
        }
        let (chunk, i) = self.locate(at).expect("within the length");
        let last = self.chunks.len() - 1;
        let c = own(&mut self.chunks[chunk]);
        c.insert(i, item);
        let split = c.len() > CHUNK;
        if split {
            let rest = c.split_off(CHUNK / 2);
            self.chunks.insert(chunk + 1, Rc::new(rest));
        }
        // The first and the last chunk may hold any count; a chunk in the middle that is not
        // full puts the positions after it out of reach of a division.
        if split || (chunk != 0 && chunk != last) {
            self.even = false;
        }
        self.len += 1;
    }

    /// Removes every item for which `matches` holds, copying only the chunks that hold one.
    pub fn remove_where(&mut self, mut matches: impl FnMut(&T) -> bool) {
        let mut i = 0;
        while i < self.chunks.len() {
            if self.chunks[i].iter().any(&mut matches) {
                // A chunk in the middle left short (or gone, which leaves a short first chunk
                // in the middle if it was second) puts the positions after it out of reach of
                // a division.
                if i != 0 && i + 1 != self.chunks.len() {
                    self.even = false;
                }
                let c = own(&mut self.chunks[i]);
                let before = c.len();
                c.retain(|item| !matches(item));
                let (removed, empty) = (before - c.len(), c.is_empty());
                self.len -= removed;
                if empty {
                    self.chunks.remove(i);
                    continue;
                }
            }
            i += 1;
        }
    }

    /// The count of the first items for which `before` holds, when it holds for a first
    /// stretch of the items and for none after (as `slice::partition_point`).
    pub fn partition_point(&self, mut before: impl FnMut(&T) -> bool) -> usize {
        // The chunks whose last item is before come first; then one where the stretch ends.
        let whole = self
            .chunks
            .partition_point(|c| c.last().is_some_and(&mut before));
        let skipped: usize = if whole == self.chunks.len() {
            self.len
        } else if self.even && whole > 0 {
            // Chunks 1 to whole - 1 are in the middle, so full.
            self.chunks[0].len() + (whole - 1) * CHUNK
        } else {
            self.chunks.iter().take(whole).map(|c| c.len()).sum()
        };
        skipped
            + self
                .chunks
                .get(whole)
                .map_or(0, |c| c.partition_point(&mut before))
    }
}

/// The chunk, to change: copied first (with room to grow) if a clone shares it.
fn own<T: Clone>(chunk: &mut Rc<Vec<T>>) -> &mut Vec<T> {
    if Rc::get_mut(chunk).is_none() {
        let mut copy = Vec::with_capacity(CHUNK.max(chunk.len()));
        copy.extend_from_slice(chunk);
        *chunk = Rc::new(copy);
    }
    Rc::get_mut(chunk).expect("just made unshared")
}

impl<T: Clone> FromIterator<T> for Chunks<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut chunks = Chunks::default();
        for item in items {
            chunks.push_back(item);
        }
        chunks
    }
}

impl<T: Clone> std::ops::Index<usize> for Chunks<T> {
    type Output = T;

    fn index(&self, at: usize) -> &T {
        let len = self.len;
        self.get(at)
            .unwrap_or_else(|| panic!("index {at} out of {len} items"))
    }
}

impl<T: Clone + PartialEq> PartialEq for Chunks<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: Clone + Eq> Eq for Chunks<T> {}

impl<T: Clone + fmt::Debug> fmt::Debug for Chunks<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
