//! What the page and the runner worker say to each other, and the report of a run.

pub use executor::host::Scheduler;
use executor::trace::Record;
use serde::{Deserialize, Serialize};

#[cfg(doc)]
use crate::packed::Packed;
use crate::packed::{Batch, Measure};
use crate::{KnobValues, RunError};

/// Which network a run's requests go to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Network {
    /// Real `fetch` and XHR, answered by the slow-web service worker, on real timers.
    SlowWeb,
    /// The virtual host: simulated network, virtual clock; finishes at once.
    Virtual,
}

/// Start a snippet (it crosses as [`crate::wire`] bytes).
#[derive(Clone, Debug, PartialEq)]
pub struct RunRequest {
    /// Chosen by the page; every message about this run carries it.
    pub id: u32,
    /// Lesson folder name, e.g. `08-async-await`.
    pub lesson: String,
    /// Snippet file stem, e.g. `crawl`.
    pub snippet: String,
    /// Knob values; missing ones take their defaults.
    pub knobs: KnobValues,
    /// Where requests go.
    pub network: Network,
    /// What relative URLs (the slow web's `api/page/…`) resolve against: the site's base URL.
    pub base_url: String,
    /// How the browser host schedules the executor's turns (ignored on the virtual network).
    pub scheduler: Scheduler,
    /// Start in step mode: the executor polls nothing until a `Step` (or `RunToEnd`) comes.
    pub step_mode: bool,
}

impl RunRequest {
    /// A run of `lesson/snippet` on the virtual network with `knobs` (the rest at their
    /// defaults): what native tests and benches ask for.
    ///
    /// ```
    /// let request = protocol::RunRequest::on_virtual_network("08-async-await", "crawl", &[("pages", 3.0)]);
    /// assert_eq!(request.network, protocol::Network::Virtual);
    /// assert_eq!(request.knobs["pages"], 3.0);
    /// ```
    pub fn on_virtual_network(lesson: &str, snippet: &str, knobs: &[(&str, f64)]) -> RunRequest {
        RunRequest {
            id: 1,
            lesson: lesson.into(),
            snippet: snippet.into(),
            knobs: knobs.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            network: Network::Virtual,
            base_url: String::new(),
            scheduler: Default::default(),
            step_mode: false,
        }
    }
}

/// The most bytes of packed trace ([`Packed::bytes`]) a card keeps for one run: about 200 000
/// events on the virtual clock (4–6 bytes each), about half that on a real clock (whose times
/// take more bytes). The page's replay of them (snapshots of the state, the lanes) weighs far
/// more than the packed bytes (about 300 bytes an event in all, measured with
/// `cargo xtask bench`'s big runs), so this is what holds the page under 300 MB.
///
/// The runner sends every record; past the cut the page keeps none, but its state at the end
/// and its output follow them (see `replay::Replay::follow`).
pub const MAX_TRACE_BYTES: usize = 1 << 20;

/// Whether a trace packed to `bytes` so far ([`Packed::bytes`], [`Measure::bytes`]) takes one
/// more record, or is cut here ([`MAX_TRACE_BYTES`]).
pub fn keeps(bytes: usize) -> bool {
    bytes < MAX_TRACE_BYTES
}

/// How many of a trace's first records a card keeps ([`MAX_TRACE_BYTES`]).
///
/// ```
/// use executor::trace::{Event, Record};
/// let few = vec![Record { t_us: 0, event: Event::PollStart { task: 1 } }; 10];
/// assert_eq!(protocol::kept_len(&few), 10);
/// ```
pub fn kept_len(records: &[Record]) -> usize {
    let mut measure = Measure::default();
    records
        .iter()
        .take_while(|r| {
            let keeps = keeps(measure.bytes());
            measure.push(r);
            keeps
        })
        .count()
}

/// How often a runner worker says it is alive during a run, in milliseconds.
pub const ALIVE_MS: u32 = 500;

/// Page → runner worker, as [`crate::wire`] bytes.
#[derive(Clone, Debug, PartialEq)]
pub enum ToRunner {
    /// Start a run. A worker runs one snippet at a time; Stop terminates the worker.
    Run(RunRequest),
    /// Step mode: allow one more poll.
    Step {
        /// The run.
        id: u32,
    },
    /// Leave step mode and run on.
    RunToEnd {
        /// The run.
        id: u32,
    },
}

/// Runner worker → page, as [`crate::wire`] bytes (`www/runner-boot.js` sends `BootFailed`
/// itself, as `{type: "bootFailed", message}`).
#[derive(Clone, Debug, PartialEq)]
pub enum FromRunner {
    /// The worker's module is instantiated and it takes runs.
    Ready,
    /// Trace records of a run, in order, as they happen (batched and packed).
    Trace {
        /// The run.
        id: u32,
        /// The records since the last batch.
        batch: Batch,
    },
    /// Part of the trace of a run that is already over (a virtual-clock run's, recorded
    /// whole), sent all at once with its [`FromRunner::Done`] behind. The page takes the parts
    /// in one task at a time and paints in between: taken in as each message arrives, they
    /// would hold its thread for as long as all of them take.
    Recorded {
        /// The run.
        id: u32,
        /// The next records.
        batch: Batch,
    },
    /// The worker's thread is free (sent every `ALIVE_MS` during a run): a page that stops
    /// hearing this knows the snippet is blocking the thread.
    Alive {
        /// The run.
        id: u32,
    },
    /// The run ended (successfully or with an error the snippet returned).
    Done {
        /// The run.
        id: u32,
        /// What happened. Its `output` is left empty: every line the run printed reached the
        /// page in the trace, and the page puts them back (with a [`Tally`] of the batches). A
        /// run of 50 000 lines would otherwise cross twice.
        report: Report,
    },
    /// The snippet panicked. The worker is unusable afterwards and must be replaced.
    Panic {
        /// The run, if one was in progress.
        id: Option<u32>,
        /// What the panic said.
        message: String,
        /// Where (`lessons/08-async-await/panic.rs:13:55`), when known.
        location: Option<String>,
        /// What the run did before the panic, when the runner could still tell: its output,
        /// counts and time (on the virtual clock, its virtual time), with the panic as its
        /// failure. The records went out just before, in a `Trace`; as in `Done`, the output
        /// is left for the page to put back.
        report: Option<Report>,
    },
    /// The worker could not start the runner's program (sent by `www/runner-boot.js`); it
    /// must be replaced.
    BootFailed {
        /// The browser's words.
        message: String,
    },
}

/// One line a snippet printed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputLine {
    /// Milliseconds since the run started.
    pub t_ms: f64,
    /// The printed text.
    pub text: String,
}

/// Counts over a run's trace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceSummary {
    /// Trace records.
    pub events: u64,
    /// Tasks spawned (the snippet's main task included).
    pub tasks: u64,
    /// Polls.
    pub polls: u64,
    /// Wake-ups.
    pub wakes: u64,
    /// Requests started (async and blocking).
    pub requests: u64,
    /// Requests that failed or returned a non-2xx status.
    pub failed_requests: u64,
    /// Times the host's one timer was armed.
    pub timers_armed: u64,
    /// Turns of the executor (each gave it the thread to fire timers and poll).
    #[serde(default)]
    pub turns: u64,
    /// The most requests in flight at once (sent, not yet answered, failed or aborted).
    #[serde(default)]
    pub peak_in_flight: u64,
}

/// The result of one run, as `window.asyncTutor.run` returns it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Milliseconds from the start of the run to the end of the snippet.
    pub elapsed_ms: f64,
    /// What the snippet printed.
    pub output: Vec<OutputLine>,
    /// The error the run ended with, in plain English words, if any: `failure`'s text. (The
    /// page shows `failure` in the reader's language instead; `asyncTutor.run` puts that text
    /// here.) Build reports with [`Report::from_trace`], which keeps the two together.
    pub error: Option<String>,
    /// How the run failed, as a value, if it did.
    #[serde(default)]
    pub failure: Option<RunError>,
    /// The network the run used.
    pub network: Network,
    /// Counts over the trace.
    pub trace: TraceSummary,
}

impl Report {
    /// The report of a run from its trace: the printed lines, the counts, and how it ended.
    pub fn from_trace(
        records: &[Record],
        elapsed_ms: f64,
        failure: Option<RunError>,
        network: Network,
    ) -> Report {
        let mut tally = Tally::default();
        tally.extend(records);
        tally.report(elapsed_ms, failure, network)
    }
}

/// What a report says of a trace, counted as the trace goes by: the printed lines and the
/// counts, without keeping the records.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    /// The lines printed so far.
    pub output: Vec<OutputLine>,
    /// The counts so far.
    pub summary: TraceSummary,
    /// Requests in flight now.
    in_flight: u64,
}

impl Tally {
    /// Counts `records`.
    pub fn extend(&mut self, records: &[Record]) {
        for r in records {
            self.push(r);
        }
    }

    /// Counts one record.
    pub fn push(&mut self, r: &Record) {
        use executor::trace::Event;
        let s = &mut self.summary;
        s.events += 1;
        match &r.event {
            Event::Spawn { .. } => s.tasks += 1,
            Event::PollStart { .. } => s.polls += 1,
            Event::Wake { .. } => s.wakes += 1,
            Event::FetchStart { .. } => {
                s.requests += 1;
                self.in_flight += 1;
                s.peak_in_flight = s.peak_in_flight.max(self.in_flight);
            }
            Event::FetchError { .. } => {
                s.failed_requests += 1;
                self.in_flight = self.in_flight.saturating_sub(1);
            }
            Event::FetchEnd { status, .. } => {
                if !(200..300).contains(status) {
                    s.failed_requests += 1;
                }
                self.in_flight = self.in_flight.saturating_sub(1);
            }
            Event::FetchAbort { .. } => self.in_flight = self.in_flight.saturating_sub(1),
            Event::TimerArmed { .. } => s.timers_armed += 1,
            Event::TurnStart { .. } => s.turns += 1,
            Event::Print { text, .. } => self.output.push(OutputLine {
                t_ms: r.t_us as f64 / 1000.0,
                text: text.clone(),
            }),
            _ => {}
        }
    }

    /// The report of the run counted.
    pub fn report(&self, elapsed_ms: f64, failure: Option<RunError>, network: Network) -> Report {
        Report {
            elapsed_ms,
            output: self.output.clone(),
            error: failure.as_ref().map(ToString::to_string),
            failure,
            network,
            trace: self.summary.clone(),
        }
    }
}

impl TraceSummary {
    /// Counts `records`.
    pub fn of(records: &[Record]) -> TraceSummary {
        let mut tally = Tally::default();
        tally.extend(records);
        tally.summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedulers_are_named_in_kebab_case() {
        for s in Scheduler::ALL {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.name()));
            assert_eq!(serde_json::from_str::<Scheduler>(&json).unwrap(), s);
        }
    }

    #[test]
    fn a_report_from_a_tally_is_the_report_of_the_whole_trace() {
        use executor::trace::Event;
        let records: Vec<Record> = (0..50u64)
            .map(|i| Record {
                t_us: i * 1000,
                event: match i % 5 {
                    0 => Event::Print {
                        task: Some(1),
                        text: format!("line {i}"),
                    },
                    1 => Event::PollStart { task: 1 },
                    2 => Event::FetchEnd {
                        request: i,
                        status: if i % 10 == 2 { 500 } else { 200 },
                        bytes: 1,
                    },
                    3 => Event::Wake {
                        task: 1,
                        by: executor::trace::WakeSource::Timer,
                    },
                    _ => Event::Spawn {
                        task: i,
                        name: None,
                        parent: Some(1),
                    },
                },
            })
            .collect();
        let report = Report::from_trace(&records, 49.0, None, Network::Virtual);
        assert_eq!(report.output.len(), 10);
        assert_eq!(report.output[1].text, "line 5");
        assert_eq!(report.output[1].t_ms, 5.0);
        let s = &report.trace;
        assert_eq!((s.events, s.polls, s.wakes, s.tasks), (50, 10, 10, 10));
        assert_eq!(s.failed_requests, 5);
        // Counted in uneven parts, the same.
        let mut tally = Tally::default();
        for part in records.chunks(7) {
            tally.extend(part);
        }
        assert_eq!(tally.report(49.0, None, Network::Virtual), report);
    }
}
