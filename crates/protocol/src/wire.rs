//! The page's and the runner's messages as bytes: what a runner worker posts (one
//! `Uint8Array`) and is sent, what a run on the page's thread is asked and answers, and the
//! failures a pool worker reports to its runner.
//!
//! Serde's derived deserializers for these types (their enums are tagged by a field, which
//! serde reads through a buffer of any value) weighed about 50 KB of the page's gzip wasm, for
//! messages the page only ever gets from our own runner. So they cross as bytes: a format byte,
//! then each value in declaration order, enums as a tag byte then their fields, numbers as
//! variable-length integers (f64 as eight bytes), strings length-prefixed ([`crate::bytes`]).
//! Each type's encoding and decoding sit side by side in its [`Wire`] impl (which is why the
//! file runs past 600 lines: a change to one shows the other). The JSON shapes of the same types
//! (serde, for `asyncTutor.run`'s reports) are unchanged.

use crate::bytes::{
    Reader, write_bytes, write_f64, write_opt_str, write_str, write_strs, write_u64,
};
use crate::failure::{FetchProblem, JobFailure, RunError, RunnerProblem, SyncProblem, WorkerLoss};
use crate::knobs::KnobError;
use crate::messages::{
    FromRunner, Network, OutputLine, Report, RunRequest, Scheduler, ToRunner, TraceSummary,
};
use crate::packed::Batch;

/// The first byte of every message: a page and a runner of different builds refuse each
/// other's messages instead of misreading them.
const FORMAT: u8 = 1;

/// A value that crosses as bytes.
pub trait Wire: Sized {
    /// Appends the value.
    fn put(&self, out: &mut Vec<u8>);
    /// Reads one value; `None` if the bytes are cut short or make no sense.
    fn get(r: &mut Reader<'_>) -> Option<Self>;
}

/// `value` as a message: the format byte, then the value.
///
/// ```
/// use protocol::{FromRunner, wire};
/// let bytes = wire::encode(&FromRunner::Alive { id: 3 });
/// assert_eq!(wire::decode::<FromRunner>(&bytes), Ok(FromRunner::Alive { id: 3 }));
/// ```
pub fn encode<T: Wire>(value: &T) -> Vec<u8> {
    let mut out = vec![FORMAT];
    value.put(&mut out);
    out
}

/// Reads a message made by [`encode`]; says what is wrong with one that is not.
pub fn decode<T: Wire>(bytes: &[u8]) -> Result<T, String> {
    let mut r = Reader::new(bytes);
    match r.u8() {
        Some(FORMAT) => {}
        Some(other) => return Err(format!("a message of format {other}, not {FORMAT}")),
        None => return Err("an empty message".into()),
    }
    let value = T::get(&mut r).ok_or_else(|| {
        format!(
            "a message cut short or garbled (read {} of its {} bytes)",
            r.at(),
            bytes.len()
        )
    })?;
    match r.left() {
        0 => Ok(value),
        n => Err(format!("a message with {n} bytes past its end")),
    }
}

impl Wire for String {
    fn put(&self, out: &mut Vec<u8>) {
        write_str(out, self);
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        r.str()
    }
}

impl Wire for Batch {
    fn put(&self, out: &mut Vec<u8>) {
        write_bytes(out, &self.0);
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        r.bytes().map(Batch)
    }
}

impl<T: Wire> Wire for Option<T> {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(v) => {
                out.push(1);
                v.put(out);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        match r.u8()? {
            0 => Some(None),
            1 => T::get(r).map(Some),
            _ => None,
        }
    }
}

impl<A: Wire, B: Wire> Wire for (A, B) {
    fn put(&self, out: &mut Vec<u8>) {
        self.0.put(out);
        self.1.put(out);
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        Some((A::get(r)?, B::get(r)?))
    }
}

impl Wire for FromRunner {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            FromRunner::Ready => out.push(0),
            FromRunner::Trace { id, batch } => {
                out.push(1);
                write_u64(out, u64::from(*id));
                batch.put(out);
            }
            FromRunner::Recorded { id, batch } => {
                out.push(2);
                write_u64(out, u64::from(*id));
                batch.put(out);
            }
            FromRunner::Alive { id } => {
                out.push(3);
                write_u64(out, u64::from(*id));
            }
            FromRunner::Done { id, report } => {
                out.push(4);
                write_u64(out, u64::from(*id));
                report.put(out);
            }
            FromRunner::Panic {
                id,
                message,
                location,
                report,
            } => {
                out.push(5);
                crate::bytes::write_opt_u64(out, id.map(u64::from));
                write_str(out, message);
                write_opt_str(out, location.as_deref());
                report.put(out);
            }
            FromRunner::BootFailed { message } => {
                out.push(6);
                write_str(out, message);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        Some(match r.u8()? {
            0 => FromRunner::Ready,
            1 => FromRunner::Trace {
                id: r.u32()?,
                batch: Batch::get(r)?,
            },
            2 => FromRunner::Recorded {
                id: r.u32()?,
                batch: Batch::get(r)?,
            },
            3 => FromRunner::Alive { id: r.u32()? },
            4 => FromRunner::Done {
                id: r.u32()?,
                report: Report::get(r)?,
            },
            5 => FromRunner::Panic {
                id: r.opt_u64()?.map(u32::try_from).transpose().ok()?,
                message: r.str()?,
                location: r.opt_str()?,
                report: Option::get(r)?,
            },
            6 => FromRunner::BootFailed { message: r.str()? },
            _ => return None,
        })
    }
}

impl Wire for ToRunner {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            ToRunner::Run(request) => {
                out.push(0);
                request.put(out);
            }
            ToRunner::Step { id } => {
                out.push(1);
                write_u64(out, u64::from(*id));
            }
            ToRunner::RunToEnd { id } => {
                out.push(2);
                write_u64(out, u64::from(*id));
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        Some(match r.u8()? {
            0 => ToRunner::Run(RunRequest::get(r)?),
            1 => ToRunner::Step { id: r.u32()? },
            2 => ToRunner::RunToEnd { id: r.u32()? },
            _ => return None,
        })
    }
}

impl Wire for RunRequest {
    fn put(&self, out: &mut Vec<u8>) {
        write_u64(out, u64::from(self.id));
        write_str(out, &self.lesson);
        write_str(out, &self.snippet);
        write_u64(out, self.knobs.len() as u64);
        for (name, value) in &self.knobs {
            write_str(out, name);
            write_f64(out, *value);
        }
        self.network.put(out);
        write_str(out, &self.base_url);
        out.push(match self.scheduler {
            Scheduler::Microtask => 0,
            Scheduler::MessageChannel => 1,
            Scheduler::Timeout => 2,
        });
        out.push(u8::from(self.step_mode));
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        let id = r.u32()?;
        let lesson = r.str()?;
        let snippet = r.str()?;
        let count: usize = r.u64()?.try_into().ok()?;
        if count > r.left() {
            return None;
        }
        let knobs = (0..count)
            .map(|_| Some((r.str()?, r.f64()?)))
            .collect::<Option<_>>()?;
        Some(RunRequest {
            id,
            lesson,
            snippet,
            knobs,
            network: Network::get(r)?,
            base_url: r.str()?,
            scheduler: match r.u8()? {
                0 => Scheduler::Microtask,
                1 => Scheduler::MessageChannel,
                2 => Scheduler::Timeout,
                _ => return None,
            },
            step_mode: match r.u8()? {
                0 => false,
                1 => true,
                _ => return None,
            },
        })
    }
}

impl Wire for Network {
    fn put(&self, out: &mut Vec<u8>) {
        out.push(match self {
            Network::SlowWeb => 0,
            Network::Virtual => 1,
        });
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        match r.u8()? {
            0 => Some(Network::SlowWeb),
            1 => Some(Network::Virtual),
            _ => None,
        }
    }
}

impl Wire for Report {
    fn put(&self, out: &mut Vec<u8>) {
        write_f64(out, self.elapsed_ms);
        write_u64(out, self.output.len() as u64);
        for line in &self.output {
            write_f64(out, line.t_ms);
            write_str(out, &line.text);
        }
        write_opt_str(out, self.error.as_deref());
        self.failure.put(out);
        self.network.put(out);
        let s = &self.trace;
        for n in [
            s.events,
            s.tasks,
            s.polls,
            s.wakes,
            s.requests,
            s.failed_requests,
            s.timers_armed,
            s.turns,
            s.peak_in_flight,
        ] {
            write_u64(out, n);
        }
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        let elapsed_ms = r.f64()?;
        let lines: usize = r.u64()?.try_into().ok()?;
        if lines > r.left() {
            return None;
        }
        let output = (0..lines)
            .map(|_| {
                Some(OutputLine {
                    t_ms: r.f64()?,
                    text: r.str()?,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Report {
            elapsed_ms,
            output,
            error: r.opt_str()?,
            failure: Option::get(r)?,
            network: Network::get(r)?,
            trace: TraceSummary {
                events: r.u64()?,
                tasks: r.u64()?,
                polls: r.u64()?,
                wakes: r.u64()?,
                requests: r.u64()?,
                failed_requests: r.u64()?,
                timers_armed: r.u64()?,
                turns: r.u64()?,
                peak_in_flight: r.u64()?,
            },
        })
    }
}

impl Wire for RunError {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            RunError::Snippet { message } => str_variant(out, 0, message),
            RunError::Fetch { url, problem } => {
                out.push(1);
                write_str(out, url);
                problem.put(out);
            }
            RunError::TaskPanicked { message } => str_variant(out, 2, message),
            RunError::TaskCancelled => out.push(3),
            RunError::TimedOut { ms } => {
                out.push(4);
                write_f64(out, *ms);
            }
            RunError::Stalled { at_ms } => {
                out.push(5);
                write_f64(out, *at_ms);
            }
            RunError::Job { job, failure } => {
                out.push(6);
                write_str(out, job);
                failure.put(out);
            }
            RunError::Sync { problem } => {
                out.push(7);
                out.push(*problem as u8);
            }
            RunError::Panic { message, location } => {
                out.push(8);
                write_str(out, message);
                write_opt_str(out, location.as_deref());
            }
            RunError::RunnerCrashed { message } => str_variant(out, 9, message),
            RunError::Runner { problem } => {
                out.push(10);
                problem.put(out);
            }
            RunError::Knobs { errors } => {
                out.push(11);
                write_u64(out, errors.len() as u64);
                errors.iter().for_each(|e| e.put(out));
            }
            RunError::NoSuchSnippet {
                lesson,
                snippet,
                known,
            } => {
                out.push(12);
                write_str(out, lesson);
                write_str(out, snippet);
                write_strs(out, known);
            }
            RunError::BadOptions { detail } => str_variant(out, 13, detail),
            RunError::BadIds { lesson, snippet } => {
                out.push(14);
                write_str(out, lesson);
                write_str(out, snippet);
            }
            RunError::BadKnobs { detail } => str_variant(out, 15, detail),
            RunError::Stopped => out.push(16),
        }
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        Some(match r.u8()? {
            0 => RunError::Snippet { message: r.str()? },
            1 => RunError::Fetch {
                url: r.str()?,
                problem: FetchProblem::get(r)?,
            },
            2 => RunError::TaskPanicked { message: r.str()? },
            3 => RunError::TaskCancelled,
            4 => RunError::TimedOut { ms: r.f64()? },
            5 => RunError::Stalled { at_ms: r.f64()? },
            6 => RunError::Job {
                job: r.str()?,
                failure: JobFailure::get(r)?,
            },
            7 => RunError::Sync {
                problem: *SyncProblem::ALL.get(usize::from(r.u8()?))?,
            },
            8 => RunError::Panic {
                message: r.str()?,
                location: r.opt_str()?,
            },
            9 => RunError::RunnerCrashed { message: r.str()? },
            10 => RunError::Runner {
                problem: RunnerProblem::get(r)?,
            },
            11 => {
                let n: usize = r.u64()?.try_into().ok()?;
                if n > r.left() {
                    return None;
                }
                RunError::Knobs {
                    errors: (0..n).map(|_| KnobError::get(r)).collect::<Option<_>>()?,
                }
            }
            12 => RunError::NoSuchSnippet {
                lesson: r.str()?,
                snippet: r.str()?,
                known: r.strs()?,
            },
            13 => RunError::BadOptions { detail: r.str()? },
            14 => RunError::BadIds {
                lesson: r.str()?,
                snippet: r.str()?,
            },
            15 => RunError::BadKnobs { detail: r.str()? },
            16 => RunError::Stopped,
            _ => return None,
        })
    }
}

/// A variant whose one field is a string.
fn str_variant(out: &mut Vec<u8>, tag: u8, s: &str) {
    out.push(tag);
    write_str(out, s);
}

impl Wire for FetchProblem {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            FetchProblem::Status { code } => {
                out.push(0);
                write_u64(out, u64::from(*code));
            }
            FetchProblem::NoResponse { browser } => str_variant(out, 1, browser),
            FetchProblem::Aborted => out.push(2),
            FetchProblem::SimulatedFailure => out.push(3),
            FetchProblem::Network { detail } => str_variant(out, 4, detail),
            FetchProblem::OnlySlowWeb { detail } => str_variant(out, 5, detail),
            FetchProblem::InvalidUrl { detail } => str_variant(out, 6, detail),
        }
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        Some(match r.u8()? {
            0 => FetchProblem::Status {
                code: r.u64()?.try_into().ok()?,
            },
            1 => FetchProblem::NoResponse { browser: r.str()? },
            2 => FetchProblem::Aborted,
            3 => FetchProblem::SimulatedFailure,
            4 => FetchProblem::Network { detail: r.str()? },
            5 => FetchProblem::OnlySlowWeb { detail: r.str()? },
            6 => FetchProblem::InvalidUrl { detail: r.str()? },
            _ => return None,
        })
    }
}

impl Wire for JobFailure {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            JobFailure::WorkerStopped { worker, loss } => {
                out.push(0);
                write_u64(out, u64::from(*worker));
                loss.put(out);
            }
            JobFailure::PoolStopped { loss } => {
                out.push(1);
                loss.put(out);
            }
            JobFailure::NoWorkerStarted => out.push(2),
            JobFailure::NotSent { detail } => str_variant(out, 3, detail),
            JobFailure::NoSuchJob { snippet, name } => {
                out.push(4);
                write_str(out, snippet);
                write_str(out, name);
            }
            JobFailure::PoolSize { workers, max } => {
                out.push(5);
                write_u64(out, u64::from(*workers));
                write_u64(out, u64::from(*max));
            }
            JobFailure::OnPageThread => out.push(6),
            JobFailure::Other { reason } => str_variant(out, 7, reason),
        }
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        Some(match r.u8()? {
            0 => JobFailure::WorkerStopped {
                worker: r.u32()?,
                loss: WorkerLoss::get(r)?,
            },
            1 => JobFailure::PoolStopped {
                loss: WorkerLoss::get(r)?,
            },
            2 => JobFailure::NoWorkerStarted,
            3 => JobFailure::NotSent { detail: r.str()? },
            4 => JobFailure::NoSuchJob {
                snippet: r.str()?,
                name: r.str()?,
            },
            5 => JobFailure::PoolSize {
                workers: r.u32()?,
                max: r.u32()?,
            },
            6 => JobFailure::OnPageThread,
            7 => JobFailure::Other { reason: r.str()? },
            _ => return None,
        })
    }
}

impl Wire for WorkerLoss {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            WorkerLoss::Panicked { message, location } => {
                out.push(0);
                write_str(out, message);
                write_opt_str(out, location.as_deref());
            }
            WorkerLoss::Error { message } => str_variant(out, 1, message),
        }
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        Some(match r.u8()? {
            0 => WorkerLoss::Panicked {
                message: r.str()?,
                location: r.opt_str()?,
            },
            1 => WorkerLoss::Error { message: r.str()? },
            _ => return None,
        })
    }
}

impl Wire for RunnerProblem {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            RunnerProblem::Load { detail } => str_variant(out, 0, detail),
            RunnerProblem::Start { detail } => str_variant(out, 1, detail),
            RunnerProblem::Boot { detail } => str_variant(out, 2, detail),
            RunnerProblem::NotCompiled => out.push(3),
            RunnerProblem::PageThread { detail } => str_variant(out, 4, detail),
        }
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        Some(match r.u8()? {
            0 => RunnerProblem::Load { detail: r.str()? },
            1 => RunnerProblem::Start { detail: r.str()? },
            2 => RunnerProblem::Boot { detail: r.str()? },
            3 => RunnerProblem::NotCompiled,
            4 => RunnerProblem::PageThread { detail: r.str()? },
            _ => return None,
        })
    }
}

impl Wire for KnobError {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            KnobError::OutOfRange {
                name,
                min,
                max,
                got,
            } => {
                out.push(0);
                write_str(out, name);
                write_u64(out, u64::from(*min));
                write_u64(out, u64::from(*max));
                write_f64(out, *got);
            }
            KnobError::Unknown { name, known } => {
                out.push(1);
                write_str(out, name);
                write_strs(out, known);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        Some(match r.u8()? {
            0 => KnobError::OutOfRange {
                name: r.str()?,
                min: r.u32()?,
                max: r.u32()?,
                got: r.f64()?,
            },
            1 => KnobError::Unknown {
                name: r.str()?,
                known: r.strs()?,
            },
            _ => return None,
        })
    }
}
