//! A recorded run, seen again at any point: the executor's state ([`state`]) and the
//! timeline's lanes ([`timeline`](mod@timeline)) after any first `n` records of a trace, and [`Replay`],
//! which keeps a run's packed trace with snapshots so the inspector, the timeline and the
//! replay scrubber reach any moment without replaying from the start.

#![deny(missing_docs)]

use executor::trace::{Event, Record};
use protocol::packed::Packed;

mod chunks;
pub mod state;
pub mod timeline;

pub use chunks::Chunks;

pub use state::*;
pub use timeline::*;

/// A run's trace, packed, with what the views need at any point of it without replaying it
/// from the start: fed the trace as it arrives, it keeps a snapshot of the state every so many
/// records and replays from the nearest one; it grows the lanes, and keeps the printed lines
/// and the step-mode pauses where they fell.
///
/// A snapshot costs little to take: the state's long sequences are [`Chunks`], and a
/// snapshot shares their chunks with the live state until a later record changes them. What a
/// snapshot comes to hold alone is the chunks changed before the next one, usually a few
/// hundred items; at worst all of them. So snapshots are at least [`Replay::EVERY`] records
/// apart, and at least an eighth of the state's items ([`Replay::SHARED`]): even if every
/// record changed a chunk of its own, the snapshots would hold no more than eight items per
/// record.
#[derive(Clone, Debug)]
pub struct Replay {
    trace: Packed,
    live: ExecState,
    /// States after 0, then more and more records.
    snapshots: Vec<ExecState>,
    since: usize,
    lanes: TimelineBuilder,
    printed: Vec<Printed>,
    /// For each `Paused` record, the count of records up to and including it.
    pauses: Vec<usize>,
    /// The moments right after each turn of the executor ended.
    turn_ends: Vec<usize>,
    /// Past the cut: the state after every record seen, kept or not.
    end: Option<Box<ExecState>>,
    /// Records seen past the cut.
    followed: usize,
}

/// A line a run printed, and where in its trace.
#[derive(Clone, Debug, PartialEq)]
pub struct Printed {
    /// The record's index in the trace.
    pub at: usize,
    /// Milliseconds since the run started.
    pub t_ms: f64,
    /// The text.
    pub text: String,
}

impl Default for Replay {
    fn default() -> Self {
        Replay {
            trace: Packed::default(),
            live: ExecState::default(),
            snapshots: vec![ExecState::default()],
            since: 0,
            lanes: TimelineBuilder::default(),
            printed: Vec::new(),
            pauses: Vec::new(),
            turn_ends: Vec::new(),
            end: None,
            followed: 0,
        }
    }
}

impl Replay {
    /// The fewest records between two snapshots.
    pub const EVERY: usize = 4096;

    /// Snapshots are at least the state's items over this many records apart.
    pub const SHARED: usize = 8;

    /// Records fed so far.
    pub fn len(&self) -> usize {
        self.live.applied
    }

    /// True before the first record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Snapshots kept (the empty state at the start included).
    pub fn snapshots(&self) -> usize {
        self.snapshots.len()
    }

    /// The trace fed so far.
    pub fn trace(&self) -> &Packed {
        &self.trace
    }

    /// Feeds the next records of the trace.
    pub fn extend(&mut self, records: &[Record]) {
        for r in records {
            self.push(r);
        }
    }

    /// Feeds the next record of the trace.
    pub fn push(&mut self, r: &Record) {
        match &r.event {
            Event::Print { text, .. } => self.printed.push(Printed {
                at: self.len(),
                t_ms: r.t_us as f64 / 1000.0,
                text: text.clone(),
            }),
            Event::Paused { .. } => self.pauses.push(self.len() + 1),
            Event::TurnEnd { .. } => self.turn_ends.push(self.len() + 1),
            _ => {}
        }
        self.trace.push(r);
        self.live.apply(r);
        self.lanes.push(r);
        self.since += 1;
        if self.since >= Self::EVERY.max(self.live.weight() / Self::SHARED) {
            self.snapshots.push(self.live.clone());
            self.since = 0;
        }
    }

    /// A record past the cut ([`MAX_TRACE_BYTES`](protocol::MAX_TRACE_BYTES)): not kept, but
    /// the state at the end follows it. Records fed after this one should be followed too.
    pub fn follow(&mut self, r: &Record) {
        self.end
            .get_or_insert_with(|| Box::new(self.live.clone()))
            .apply(r);
        self.followed += 1;
    }

    /// The state after every record fed and followed, if some were followed: how a run whose
    /// trace was cut ended.
    pub fn end_state(&self) -> Option<&ExecState> {
        self.end.as_deref()
    }

    /// Records followed past the cut.
    pub fn followed(&self) -> usize {
        self.followed
    }

    /// The state after the first `n` records.
    pub fn state_at(&self, n: usize) -> ExecState {
        let n = n.min(self.len());
        if n == self.len() {
            return self.live.clone();
        }
        let i = self.snapshots.partition_point(|s| s.applied <= n) - 1;
        let mut state = self.snapshots[i].clone();
        for r in self.trace.iter(state.applied..n) {
            state.apply(&r);
        }
        state
    }

    /// The lines printed among the first `n` records.
    pub fn printed(&self, n: usize) -> &[Printed] {
        &self.printed[..self.printed.partition_point(|p| p.at < n)]
    }

    /// Where step mode paused: after how many records, in order.
    pub fn pauses(&self) -> &[usize] {
        &self.pauses
    }

    /// Where turns of the executor ended: after how many records, in order.
    pub fn turn_ends(&self) -> &[usize] {
        &self.turn_ends
    }

    /// The lanes after the first `n` records.
    pub fn lanes_at(&self, n: usize) -> Vec<Lane> {
        self.lanes.lanes_at(n)
    }

    /// What the run's waits would take one after another ([`one_by_one_us`]), over every lane
    /// of the whole trace; lanes still open count as ending at `open_to`, if given.
    pub fn one_by_one_us(&self, open_to: Option<u64>) -> u64 {
        self.lanes.one_by_one_us(open_to)
    }

    /// The first `max` lanes after the first `n` records, and what the rest hold.
    pub fn lanes_at_most(&self, n: usize, max: usize) -> (Vec<Lane>, Hidden) {
        self.lanes.lanes_at_most(n, max)
    }
}
