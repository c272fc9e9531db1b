//! The trace packed into bytes: a few bytes per event, on the wire and in the page's store.
//!
//! A record is its time as a signed variable-length difference from the record before, one tag
//! byte for its kind, then its fields as variable-length integers and length-prefixed UTF-8.
//! A poll start at 2 ms after the previous event costs 4–5 bytes instead of about 60 as a Rust
//! value (and several hundred as a JavaScript object). [`Packed`] is a growing trace with
//! checkpoints, so any stretch of it is read without reading from the start; [`pack`] and
//! [`unpack`] carry a batch of records from the runner worker to the page as one byte array.
//!
//! The file runs past 600 lines because each event kind's encoding and decoding sit side by
//! side, where a change to one shows the other, and its round-trip tests (a third of it) cover
//! every kind.

use executor::trace::{Diagnostic, Event, Outcome, Record, TurnStop, WaitOn, WakeSource};

use crate::bytes::{Reader, write_i64, write_opt_str, write_opt_u64, write_str, write_u64};

/// The first byte of a packed batch: a page and a runner worker of different builds refuse
/// each other's batches instead of misreading them.
const FORMAT: u8 = 1;

/// Records between two checkpoints of a [`Packed`] trace.
const EVERY: usize = 64;

/// A trace as bytes, growing at its end, readable from any record.
///
/// ```
/// use executor::trace::{Event, Record};
/// let mut trace = protocol::packed::Packed::default();
/// for i in 0..100 {
///     trace.push(&Record { t_us: i * 10, event: Event::PollStart { task: 1 } });
/// }
/// assert_eq!(trace.len(), 100);
/// assert!(trace.bytes() < 100 * 4, "{} bytes", trace.bytes());
/// assert_eq!(trace.get(70).unwrap().t_us, 700);
/// assert_eq!(trace.iter(98..).count(), 2);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Packed {
    bytes: Vec<u8>,
    /// For records 0, EVERY, 2 × EVERY, …: where it starts, and the time of the record before.
    checkpoints: Vec<(usize, u64)>,
    len: usize,
    last_us: u64,
}

impl Packed {
    /// Records held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True before the first record.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes held (the records and their checkpoints).
    pub fn bytes(&self) -> usize {
        self.bytes.len() + self.checkpoints.len() * CHECKPOINT
    }

    /// The time of the last record, in µs (0 when empty).
    pub fn last_us(&self) -> u64 {
        self.last_us
    }

    /// Appends a record.
    pub fn push(&mut self, record: &Record) {
        if self.len.is_multiple_of(EVERY) {
            self.checkpoints.push((self.bytes.len(), self.last_us));
        }
        write_record(&mut self.bytes, self.last_us, record);
        self.last_us = record.t_us;
        self.len += 1;
    }

    /// Record `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<Record> {
        self.iter(i..).next()
    }

    /// The records in `range` (clipped to the trace), in order.
    pub fn iter(&self, range: impl std::ops::RangeBounds<usize>) -> Records<'_> {
        use std::ops::Bound;
        let start = match range.start_bound() {
            Bound::Included(&s) => s,
            Bound::Excluded(&s) => s + 1,
            Bound::Unbounded => 0,
        }
        .min(self.len);
        let end = match range.end_bound() {
            Bound::Included(&e) => e + 1,
            Bound::Excluded(&e) => e,
            Bound::Unbounded => self.len,
        }
        .clamp(start, self.len);
        let mut records = match self.checkpoints.get(start / EVERY) {
            Some(&(at, prev_us)) => Records {
                reader: Reader::new(&self.bytes[at..]),
                prev_us,
                left: end - (start / EVERY) * EVERY,
            },
            None => Records {
                reader: Reader::new(&[]),
                prev_us: 0,
                left: 0,
            },
        };
        for _ in 0..start % EVERY {
            records.next();
        }
        records
    }
}

/// What a checkpoint of a [`Packed`] trace weighs.
const CHECKPOINT: usize = std::mem::size_of::<(usize, u64)>();

/// The size a [`Packed`] trace of the same records would have, without keeping them: what the
/// runner worker counts to cut the trace where the page will.
#[derive(Clone, Debug, Default)]
pub struct Measure {
    scratch: Vec<u8>,
    bytes: usize,
    len: usize,
    last_us: u64,
}

impl Measure {
    /// Counts a record.
    pub fn push(&mut self, record: &Record) {
        if self.len.is_multiple_of(EVERY) {
            self.bytes += CHECKPOINT;
        }
        self.scratch.clear();
        write_record(&mut self.scratch, self.last_us, record);
        self.bytes += self.scratch.len();
        self.last_us = record.t_us;
        self.len += 1;
    }

    /// What [`Packed::bytes`] would say.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Records counted.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True before the first record.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Records read in order from a [`Packed`] trace or a batch.
pub struct Records<'a> {
    reader: Reader<'a>,
    prev_us: u64,
    left: usize,
}

impl Iterator for Records<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let record = read_record(&mut self.reader, self.prev_us)?;
        self.prev_us = record.t_us;
        Some(record)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.left))
    }
}

/// Packs a batch of records for the page.
///
/// ```
/// use executor::trace::{Event, Record};
/// let batch = vec![Record { t_us: 5, event: Event::Print { task: Some(1), text: "hi".into() } }];
/// assert_eq!(protocol::packed::unpack(&protocol::packed::pack(&batch)).unwrap(), batch);
/// ```
pub fn pack(records: &[Record]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(8 + records.len() * 6);
    bytes.push(FORMAT);
    write_u64(&mut bytes, records.len() as u64);
    let mut prev_us = 0;
    for record in records {
        write_record(&mut bytes, prev_us, record);
        prev_us = record.t_us;
    }
    bytes
}

/// Unpacks a batch made by [`pack`]; says what is wrong with one that is not.
pub fn unpack(bytes: &[u8]) -> Result<Vec<Record>, String> {
    let mut reader = Reader::new(bytes);
    match reader.u8() {
        Some(FORMAT) => {}
        Some(other) => return Err(format!("trace batch of format {other}, not {FORMAT}")),
        None => return Err("empty trace batch".into()),
    }
    let count = reader.u64().ok_or("trace batch without a count")? as usize;
    let mut records = Vec::with_capacity(count.min(bytes.len()));
    let mut prev_us = 0;
    for i in 0..count {
        let record = read_record(&mut reader, prev_us)
            .ok_or_else(|| format!("trace batch cut or garbled at record {i} of {count}"))?;
        prev_us = record.t_us;
        records.push(record);
    }
    if reader.left() > 0 {
        return Err(format!(
            "trace batch has {} bytes after its {count} records",
            reader.left()
        ));
    }
    Ok(records)
}

/// A batch of records on its way from the runner worker to the page: [`pack`]ed bytes, inside
/// a [`crate::wire`] message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch(pub Vec<u8>);

impl Batch {
    /// Packs `records`.
    pub fn of(records: &[Record]) -> Batch {
        Batch(pack(records))
    }

    /// The records, or what is wrong with the bytes.
    pub fn records(&self) -> Result<Vec<Record>, String> {
        unpack(&self.0)
    }
}

// Tags: one byte per kind of event (and for `PollEnd`, whether it was ready).
const SPAWN: u8 = 0;
const POLL_START: u8 = 1;
const POLL_PENDING: u8 = 2;
const POLL_READY: u8 = 3;
const WAKE: u8 = 4;
const DONE: u8 = 5;
const SLEEP: u8 = 6;
const TIMER_ARMED: u8 = 7;
const TIMER_FIRED: u8 = 8;
const FETCH_START: u8 = 9;
const FETCH_END: u8 = 10;
const FETCH_ERROR: u8 = 11;
const FETCH_ABORT: u8 = 12;
const WAIT: u8 = 13;
const DIAGNOSTIC: u8 = 14;
const PAUSED: u8 = 15;
const PRINT: u8 = 16;
const WORKER_START: u8 = 17;
const WORKER_READY: u8 = 18;
const WORKER_GONE: u8 = 19;
const JOB_QUEUED: u8 = 20;
const JOB_START: u8 = 21;
const JOB_END: u8 = 22;
const MARK: u8 = 23;
const TURN_START: u8 = 24;
// `TurnEnd`, by why it ended.
const TURN_IDLE: u8 = 25;
const TURN_BUDGET: u8 = 26;
const TURN_SLICE: u8 = 27;
const TURN_PAUSED: u8 = 28;
const FETCH_CHUNK: u8 = 29;

fn write_record(out: &mut Vec<u8>, prev_us: u64, record: &Record) {
    write_i64(out, record.t_us.wrapping_sub(prev_us) as i64);
    let t = record.t_us;
    match &record.event {
        Event::Spawn { task, name, parent } => {
            out.push(SPAWN);
            write_u64(out, *task);
            write_opt_str(out, name.as_deref());
            write_opt_u64(out, *parent);
        }
        Event::PollStart { task } => {
            out.push(POLL_START);
            write_u64(out, *task);
        }
        Event::PollEnd { task, ready } => {
            out.push(if *ready { POLL_READY } else { POLL_PENDING });
            write_u64(out, *task);
        }
        Event::Wake { task, by } => {
            out.push(WAKE);
            write_u64(out, *task);
            match by {
                WakeSource::Timer => out.push(0),
                WakeSource::Network(id) => write_tagged(out, 1, *id),
                WakeSource::Job(id) => write_tagged(out, 2, *id),
                WakeSource::Task(id) => write_tagged(out, 3, *id),
                WakeSource::Channel(None) => out.push(4),
                WakeSource::Channel(Some(id)) => write_tagged(out, 5, *id),
                WakeSource::External => out.push(6),
            }
        }
        Event::Done { task, outcome } => {
            out.push(DONE);
            write_u64(out, *task);
            match outcome {
                Outcome::Finished => out.push(0),
                Outcome::Panicked(message) => {
                    out.push(1);
                    write_str(out, message);
                }
                Outcome::Cancelled => out.push(2),
            }
        }
        Event::Sleep { task, until_us } => {
            out.push(SLEEP);
            write_opt_u64(out, *task);
            write_i64(out, until_us.wrapping_sub(t) as i64);
        }
        Event::TimerArmed { at_us } => {
            out.push(TIMER_ARMED);
            write_i64(out, at_us.wrapping_sub(t) as i64);
        }
        Event::TimerFired { woke } => {
            out.push(TIMER_FIRED);
            write_u64(out, u64::from(*woke));
        }
        Event::FetchStart { request, task, url } => {
            out.push(FETCH_START);
            write_u64(out, *request);
            write_opt_u64(out, *task);
            write_str(out, url);
        }
        Event::FetchEnd {
            request,
            status,
            bytes,
        } => {
            out.push(FETCH_END);
            write_u64(out, *request);
            write_u64(out, u64::from(*status));
            write_u64(out, *bytes);
        }
        Event::FetchError { request, message } => {
            out.push(FETCH_ERROR);
            write_u64(out, *request);
            write_str(out, message);
        }
        Event::FetchAbort { request } => {
            out.push(FETCH_ABORT);
            write_u64(out, *request);
        }
        Event::FetchChunk { request, bytes } => {
            out.push(FETCH_CHUNK);
            write_u64(out, *request);
            write_u64(out, *bytes);
        }
        Event::Wait { task, on, wakers } => {
            out.push(WAIT);
            write_u64(out, *task);
            write_u64(out, u64::from(*wakers));
            match on {
                WaitOn::Timer => out.push(0),
                WaitOn::Network(id) => write_tagged(out, 1, *id),
                WaitOn::Job(id) => write_tagged(out, 2, *id),
                WaitOn::Task(id) => write_tagged(out, 3, *id),
                WaitOn::Channel => out.push(4),
                WaitOn::Other => out.push(5),
            }
        }
        Event::Diagnostic { task, problem } => {
            out.push(DIAGNOSTIC);
            write_u64(out, *task);
            match problem {
                Diagnostic::LostWakeup => out.push(0),
                Diagnostic::BusySelfWake { polls } => write_tagged(out, 1, u64::from(*polls)),
                Diagnostic::LongPoll { ms } => write_tagged(out, 2, u64::from(*ms)),
            }
        }
        Event::TurnStart { budget } => write_tagged(out, TURN_START, u64::from(*budget)),
        Event::TurnEnd { polls, why } => {
            let tag = match why {
                TurnStop::Idle => TURN_IDLE,
                TurnStop::Budget => TURN_BUDGET,
                TurnStop::Slice => TURN_SLICE,
                TurnStop::Paused => TURN_PAUSED,
            };
            write_tagged(out, tag, u64::from(*polls));
        }
        Event::Paused { next } => {
            out.push(PAUSED);
            write_u64(out, *next);
        }
        Event::Print { task, text } => {
            out.push(PRINT);
            write_opt_u64(out, *task);
            write_str(out, text);
        }
        Event::WorkerStart { worker } => {
            out.push(WORKER_START);
            write_u64(out, u64::from(*worker));
        }
        Event::WorkerReady {
            worker,
            memory_bytes,
        } => {
            out.push(WORKER_READY);
            write_u64(out, u64::from(*worker));
            write_opt_u64(out, *memory_bytes);
        }
        Event::WorkerGone { worker, reason } => {
            out.push(WORKER_GONE);
            write_u64(out, u64::from(*worker));
            write_str(out, reason);
        }
        Event::JobQueued { job, task, name } => {
            out.push(JOB_QUEUED);
            write_u64(out, *job);
            write_opt_u64(out, *task);
            write_str(out, name);
        }
        Event::JobStart { job, worker } => {
            out.push(JOB_START);
            write_u64(out, *job);
            write_u64(out, u64::from(*worker));
        }
        Event::JobEnd { job, error } => {
            out.push(JOB_END);
            write_u64(out, *job);
            write_opt_str(out, error.as_deref());
        }
        Event::Mark { task, label, line } => {
            out.push(MARK);
            write_opt_u64(out, *task);
            write_str(out, label);
            write_u64(out, u64::from(*line));
        }
    }
}

fn read_record(r: &mut Reader<'_>, prev_us: u64) -> Option<Record> {
    let t_us = prev_us.wrapping_add(r.i64()? as u64);
    let after = |r: &mut Reader<'_>| Some(t_us.wrapping_add(r.i64()? as u64));
    let event = match r.u8()? {
        SPAWN => Event::Spawn {
            task: r.u64()?,
            name: r.opt_str()?,
            parent: r.opt_u64()?,
        },
        POLL_START => Event::PollStart { task: r.u64()? },
        tag @ (POLL_PENDING | POLL_READY) => Event::PollEnd {
            task: r.u64()?,
            ready: tag == POLL_READY,
        },
        WAKE => Event::Wake {
            task: r.u64()?,
            by: match r.u8()? {
                0 => WakeSource::Timer,
                1 => WakeSource::Network(r.u64()?),
                2 => WakeSource::Job(r.u64()?),
                3 => WakeSource::Task(r.u64()?),
                4 => WakeSource::Channel(None),
                5 => WakeSource::Channel(Some(r.u64()?)),
                6 => WakeSource::External,
                _ => return None,
            },
        },
        DONE => Event::Done {
            task: r.u64()?,
            outcome: match r.u8()? {
                0 => Outcome::Finished,
                1 => Outcome::Panicked(r.str()?),
                2 => Outcome::Cancelled,
                _ => return None,
            },
        },
        SLEEP => Event::Sleep {
            task: r.opt_u64()?,
            until_us: after(r)?,
        },
        TIMER_ARMED => Event::TimerArmed { at_us: after(r)? },
        TIMER_FIRED => Event::TimerFired {
            woke: r.u64()?.try_into().ok()?,
        },
        FETCH_START => Event::FetchStart {
            request: r.u64()?,
            task: r.opt_u64()?,
            url: r.str()?,
        },
        FETCH_END => Event::FetchEnd {
            request: r.u64()?,
            status: r.u64()?.try_into().ok()?,
            bytes: r.u64()?,
        },
        FETCH_ERROR => Event::FetchError {
            request: r.u64()?,
            message: r.str()?,
        },
        FETCH_ABORT => Event::FetchAbort { request: r.u64()? },
        FETCH_CHUNK => Event::FetchChunk {
            request: r.u64()?,
            bytes: r.u64()?,
        },
        WAIT => Event::Wait {
            task: r.u64()?,
            wakers: r.u64()?.try_into().ok()?,
            on: match r.u8()? {
                0 => WaitOn::Timer,
                1 => WaitOn::Network(r.u64()?),
                2 => WaitOn::Job(r.u64()?),
                3 => WaitOn::Task(r.u64()?),
                4 => WaitOn::Channel,
                5 => WaitOn::Other,
                _ => return None,
            },
        },
        DIAGNOSTIC => Event::Diagnostic {
            task: r.u64()?,
            problem: match r.u8()? {
                0 => Diagnostic::LostWakeup,
                1 => Diagnostic::BusySelfWake {
                    polls: r.u64()?.try_into().ok()?,
                },
                2 => Diagnostic::LongPoll {
                    ms: r.u64()?.try_into().ok()?,
                },
                _ => return None,
            },
        },
        TURN_START => Event::TurnStart {
            budget: r.u64()?.try_into().ok()?,
        },
        tag @ (TURN_IDLE | TURN_BUDGET | TURN_SLICE | TURN_PAUSED) => Event::TurnEnd {
            polls: r.u64()?.try_into().ok()?,
            why: match tag {
                TURN_IDLE => TurnStop::Idle,
                TURN_BUDGET => TurnStop::Budget,
                TURN_SLICE => TurnStop::Slice,
                _ => TurnStop::Paused,
            },
        },
        PAUSED => Event::Paused { next: r.u64()? },
        PRINT => Event::Print {
            task: r.opt_u64()?,
            text: r.str()?,
        },
        WORKER_START => Event::WorkerStart {
            worker: r.u64()?.try_into().ok()?,
        },
        WORKER_READY => Event::WorkerReady {
            worker: r.u64()?.try_into().ok()?,
            memory_bytes: r.opt_u64()?,
        },
        WORKER_GONE => Event::WorkerGone {
            worker: r.u64()?.try_into().ok()?,
            reason: r.str()?,
        },
        JOB_QUEUED => Event::JobQueued {
            job: r.u64()?,
            task: r.opt_u64()?,
            name: r.str()?,
        },
        JOB_START => Event::JobStart {
            job: r.u64()?,
            worker: r.u64()?.try_into().ok()?,
        },
        JOB_END => Event::JobEnd {
            job: r.u64()?,
            error: r.opt_str()?,
        },
        MARK => Event::Mark {
            task: r.opt_u64()?,
            label: r.str()?,
            line: r.u64()?.try_into().ok()?,
        },
        _ => return None,
    };
    Some(Record { t_us, event })
}

fn write_tagged(out: &mut Vec<u8>, tag: u8, id: u64) {
    out.push(tag);
    write_u64(out, id);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One record of every kind, with ids and times large and small.
    fn every_kind() -> Vec<Record> {
        let events = vec![
            Event::Spawn {
                task: 1,
                name: Some("main".into()),
                parent: None,
            },
            Event::Spawn {
                task: 70_000,
                name: None,
                parent: Some(1),
            },
            Event::PollStart { task: 1 },
            Event::PollEnd {
                task: 1,
                ready: false,
            },
            Event::PollEnd {
                task: 2,
                ready: true,
            },
            Event::Wake {
                task: 3,
                by: WakeSource::Timer,
            },
            Event::Wake {
                task: 3,
                by: WakeSource::Network(9),
            },
            Event::Wake {
                task: 3,
                by: WakeSource::Job(4),
            },
            Event::Wake {
                task: 3,
                by: WakeSource::Task(5),
            },
            Event::Wake {
                task: 3,
                by: WakeSource::Channel(None),
            },
            Event::Wake {
                task: 3,
                by: WakeSource::Channel(Some(6)),
            },
            Event::Wake {
                task: 3,
                by: WakeSource::External,
            },
            Event::Done {
                task: 2,
                outcome: Outcome::Finished,
            },
            Event::Done {
                task: 2,
                outcome: Outcome::Panicked("boom ✗".into()),
            },
            Event::Done {
                task: 2,
                outcome: Outcome::Cancelled,
            },
            Event::Sleep {
                task: Some(4),
                until_us: 3_000_000,
            },
            Event::Sleep {
                task: None,
                until_us: 0,
            },
            Event::TimerArmed { at_us: 1 },
            Event::TimerFired { woke: u32::MAX },
            Event::FetchStart {
                request: 1,
                task: Some(2),
                url: "api/page/3?latency_ms=300".into(),
            },
            Event::FetchEnd {
                request: 1,
                status: 503,
                bytes: 1 << 40,
            },
            Event::FetchError {
                request: 2,
                message: "CORS".into(),
            },
            Event::FetchAbort { request: 3 },
            Event::FetchChunk {
                request: 4,
                bytes: 512,
            },
            Event::Wait {
                task: 1,
                on: WaitOn::Timer,
                wakers: 1,
            },
            Event::Wait {
                task: 1,
                on: WaitOn::Network(2),
                wakers: 2,
            },
            Event::Wait {
                task: 1,
                on: WaitOn::Job(3),
                wakers: 3,
            },
            Event::Wait {
                task: 1,
                on: WaitOn::Task(4),
                wakers: 3,
            },
            Event::Wait {
                task: 1,
                on: WaitOn::Channel,
                wakers: 3,
            },
            Event::Wait {
                task: 1,
                on: WaitOn::Other,
                wakers: 3,
            },
            Event::Diagnostic {
                task: 1,
                problem: Diagnostic::LostWakeup,
            },
            Event::Diagnostic {
                task: 1,
                problem: Diagnostic::BusySelfWake { polls: 50 },
            },
            Event::Diagnostic {
                task: 4,
                problem: Diagnostic::LongPoll { ms: 600 },
            },
            Event::TurnStart { budget: 4096 },
            Event::TurnEnd {
                polls: 0,
                why: TurnStop::Idle,
            },
            Event::TurnEnd {
                polls: 4096,
                why: TurnStop::Budget,
            },
            Event::TurnEnd {
                polls: 70,
                why: TurnStop::Slice,
            },
            Event::TurnEnd {
                polls: 1,
                why: TurnStop::Paused,
            },
            Event::Paused { next: 7 },
            Event::Print {
                task: None,
                text: String::new(),
            },
            Event::Print {
                task: Some(1),
                text: "第 3 页".into(),
            },
            Event::WorkerStart { worker: 1 },
            Event::WorkerReady {
                worker: 1,
                memory_bytes: Some(1 << 20),
            },
            Event::WorkerReady {
                worker: 2,
                memory_bytes: None,
            },
            Event::WorkerGone {
                worker: 2,
                reason: "crashed".into(),
            },
            Event::JobQueued {
                job: 1,
                task: Some(1),
                name: "checksum".into(),
            },
            Event::JobStart { job: 1, worker: 1 },
            Event::JobEnd {
                job: 1,
                error: None,
            },
            Event::JobEnd {
                job: 1,
                error: Some("lost".into()),
            },
            Event::Mark {
                task: Some(1),
                label: "Waiting".into(),
                line: 42,
            },
        ];
        // Times go forward mostly, once backwards, and once far.
        let times = [0u64, 5, 5, 1_000_000, 999_999, u64::MAX / 2];
        events
            .into_iter()
            .enumerate()
            .map(|(i, event)| Record {
                t_us: times[i % times.len()] + i as u64,
                event,
            })
            .collect()
    }

    #[test]
    fn every_kind_of_record_comes_back_as_it_went() {
        let records = every_kind();
        assert_eq!(unpack(&pack(&records)).unwrap(), records);
        let mut trace = Packed::default();
        for r in &records {
            trace.push(r);
        }
        assert_eq!(trace.iter(..).collect::<Vec<_>>(), records);
    }

    #[test]
    fn a_measure_weighs_what_the_packed_trace_does() {
        let mut trace = Packed::default();
        let mut measure = Measure::default();
        for (i, r) in every_kind().iter().cycle().take(500).enumerate() {
            trace.push(r);
            measure.push(r);
            assert_eq!(measure.bytes(), trace.bytes(), "after {} records", i + 1);
        }
        assert_eq!(measure.len(), trace.len());
    }

    #[test]
    fn any_stretch_reads_from_its_checkpoint() {
        let records: Vec<Record> = (0..1000u64)
            .map(|i| Record {
                t_us: i * i,
                event: if i % 7 == 0 {
                    Event::Print {
                        task: Some(i),
                        text: format!("line {i}"),
                    }
                } else {
                    Event::Wake {
                        task: i,
                        by: WakeSource::Task(i / 2),
                    }
                },
            })
            .collect();
        let mut trace = Packed::default();
        for r in &records {
            trace.push(r);
        }
        for (a, b) in [
            (0, 0),
            (0, 1),
            (63, 65),
            (64, 128),
            (500, 1000),
            (999, 5000),
        ] {
            let got: Vec<Record> = trace.iter(a..b).collect();
            assert_eq!(got, records[a..b.min(1000)], "{a}..{b}");
        }
        assert_eq!(trace.iter(2000..).count(), 0);
        assert_eq!(trace.get(777), Some(records[777].clone()));
        assert_eq!(trace.last_us(), 999 * 999);
    }

    #[test]
    fn small_events_take_a_few_bytes() {
        let mut trace = Packed::default();
        for i in 0..10_000u64 {
            trace.push(&Record {
                t_us: i * 150,
                event: Event::PollStart { task: i % 3000 },
            });
        }
        let per_event = trace.bytes() as f64 / trace.len() as f64;
        assert!(per_event < 5.5, "{per_event} bytes per event");
    }

    #[test]
    fn a_batch_crosses_a_wire_message_as_it_went() {
        let batch = Batch::of(&every_kind());
        let back: Batch = crate::wire::decode(&crate::wire::encode(&batch)).unwrap();
        assert_eq!(back.records().unwrap(), every_kind());
    }

    #[test]
    fn a_bad_batch_says_what_is_wrong() {
        let batch = pack(&every_kind());
        assert_eq!(unpack(&[]).unwrap_err(), "empty trace batch");
        assert_eq!(
            unpack(&[9, 0]).unwrap_err(),
            "trace batch of format 9, not 1"
        );
        let cut = unpack(&batch[..batch.len() - 3]).unwrap_err();
        assert!(
            cut.starts_with("trace batch cut or garbled at record"),
            "{cut}"
        );
        let mut long = batch.clone();
        long.push(0);
        assert_eq!(
            unpack(&long).unwrap_err(),
            format!(
                "trace batch has 1 bytes after its {} records",
                every_kind().len()
            )
        );
        // Garbage never panics.
        for seed in 0..2000u32 {
            let junk: Vec<u8> = (0..(seed % 40))
                .map(|i| (seed.wrapping_mul(2_654_435_761).rotate_left(i) >> 3) as u8)
                .collect();
            let _ = unpack(&[&[FORMAT][..], &junk].concat());
        }
    }
}
