//! What the page and the runner worker say to each other, and the report of a run.

pub use executor::host::Scheduler;
use executor::trace::Record;
use serde::{Deserialize, Serialize};

use crate::replay::ExecState;
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

/// Start a snippet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
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
    #[serde(default)]
    pub scheduler: Scheduler,
    /// Start in step mode: the executor polls nothing until a `Step` (or `RunToEnd`) comes.
    #[serde(default)]
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

/// The most trace events a card keeps for one run. A runner sends one more than this (so the
/// page knows the trace was cut) and keeps the rest to itself; its report still counts them.
pub const MAX_TRACE_EVENTS: usize = 100_000;

/// How often a runner worker says it is alive during a run, in milliseconds.
pub const ALIVE_MS: u32 = 500;

/// Page → runner worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
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

/// Runner worker → page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum FromRunner {
    /// The worker's module is instantiated and it takes runs.
    Ready,
    /// Trace records of a run, in order, as they happen (batched).
    Trace {
        /// The run.
        id: u32,
        /// The records since the last batch.
        records: Vec<Record>,
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
        /// What happened.
        report: Report,
        /// The executor's state at the end, when the trace is longer than the page keeps
        /// (see [`final_state`]).
        #[serde(default)]
        final_state: Option<Box<ExecState>>,
    },
    /// The snippet panicked. The worker is unusable afterwards and must be replaced.
    Panic {
        /// The run, if one was in progress.
        id: Option<u32>,
        /// What the panic said.
        message: String,
        /// Where (`lessons/08-async-await/panic.rs:13:55`), when known.
        #[serde(default)]
        location: Option<String>,
        /// What the run did before the panic, when the runner could still tell: its output,
        /// counts and time (on the virtual clock, its virtual time), with the panic as its
        /// failure. The records went out just before, in a `Trace`.
        #[serde(default)]
        report: Option<Report>,
        /// The executor's state at the panic, when the trace is longer than the page keeps.
        #[serde(default)]
        final_state: Option<Box<ExecState>>,
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
    /// The executor's state at the end of a run whose trace the page could not keep whole
    /// ([`MAX_TRACE_EVENTS`]): what the inspector shows at the end instead of the state at the
    /// cut. Not part of the report's JSON: it travels beside it in [`FromRunner::Done`].
    #[serde(skip)]
    pub final_state: Option<Box<ExecState>>,
}

impl Report {
    /// The report of a run from its trace: the printed lines, the counts, and how it ended.
    pub fn from_trace(
        records: &[Record],
        elapsed_ms: f64,
        failure: Option<RunError>,
        network: Network,
    ) -> Report {
        use executor::trace::Event;
        let output = records
            .iter()
            .filter_map(|r| match &r.event {
                Event::Print { text, .. } => Some(OutputLine {
                    t_ms: r.t_us as f64 / 1000.0,
                    text: text.clone(),
                }),
                _ => None,
            })
            .collect();
        Report {
            elapsed_ms,
            output,
            error: failure.as_ref().map(ToString::to_string),
            failure,
            network,
            trace: TraceSummary::of(records),
            final_state: None,
        }
    }
}

/// The executor's state after all of `records`, when there are more of them than the page
/// keeps ([`MAX_TRACE_EVENTS`]); `None` when the page has the whole trace and can rebuild it.
pub fn final_state(records: &[Record]) -> Option<Box<ExecState>> {
    (records.len() > MAX_TRACE_EVENTS).then(|| Box::new(ExecState::at(records, records.len())))
}

impl TraceSummary {
    /// Counts `records`.
    pub fn of(records: &[Record]) -> TraceSummary {
        use executor::trace::Event;
        let mut s = TraceSummary {
            events: records.len() as u64,
            ..TraceSummary::default()
        };
        for r in records {
            match &r.event {
                Event::Spawn { .. } => s.tasks += 1,
                Event::PollStart { .. } => s.polls += 1,
                Event::Wake { .. } => s.wakes += 1,
                Event::FetchStart { .. } => s.requests += 1,
                Event::FetchError { .. } => s.failed_requests += 1,
                Event::FetchEnd { status, .. } if !(200..300).contains(status) => {
                    s.failed_requests += 1
                }
                Event::TimerArmed { .. } => s.timers_armed += 1,
                _ => {}
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_request_without_a_scheduler_uses_the_default() {
        let json = r#"{"type":"run","id":1,"lesson":"l","snippet":"s","knobs":{},
            "network":"slowWeb","baseUrl":""}"#;
        let ToRunner::Run(request) = serde_json::from_str(json).unwrap() else {
            panic!("a run message");
        };
        assert_eq!(request.scheduler, Scheduler::MessageChannel);
    }

    #[test]
    fn schedulers_are_named_in_kebab_case() {
        for s in Scheduler::ALL {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.name()));
            assert_eq!(serde_json::from_str::<Scheduler>(&json).unwrap(), s);
        }
    }

    #[test]
    fn a_panic_message_without_a_place_still_parses() {
        let message: FromRunner =
            serde_json::from_str(r#"{"type":"panic","id":null,"message":"boom"}"#).unwrap();
        assert_eq!(
            message,
            FromRunner::Panic {
                id: None,
                message: "boom".into(),
                location: None,
                report: None,
                final_state: None,
            }
        );
        let boot: FromRunner =
            serde_json::from_str(r#"{"type":"bootFailed","message":"no wasm"}"#).unwrap();
        assert_eq!(
            boot,
            FromRunner::BootFailed {
                message: "no wasm".into()
            }
        );
    }

    fn records(n: usize) -> Vec<Record> {
        use executor::trace::Event;
        let mut records = vec![Record {
            t_us: 0,
            event: Event::Spawn {
                task: 1,
                name: Some("main".into()),
                parent: None,
            },
        }];
        records.extend((1..n).map(|i| Record {
            t_us: i as u64,
            event: Event::Print {
                task: Some(1),
                text: format!("line {i}"),
            },
        }));
        records
    }

    #[test]
    fn a_trace_longer_than_the_page_keeps_comes_with_its_final_state() {
        assert_eq!(final_state(&records(MAX_TRACE_EVENTS)), None);
        let long = records(MAX_TRACE_EVENTS + 5);
        let state = final_state(&long).expect("a state past the cap");
        assert_eq!(state.applied, MAX_TRACE_EVENTS + 5);
        assert_eq!(state.counters.prints, (MAX_TRACE_EVENTS + 4) as u64);
        // It travels beside the report, and back as it was.
        let mut report = Report::from_trace(&long, 1.0, None, Network::Virtual);
        assert_eq!(
            report.output.len(),
            MAX_TRACE_EVENTS + 4,
            "every line, past the cap too"
        );
        let done = FromRunner::Done {
            id: 7,
            report: report.clone(),
            final_state: Some(state.clone()),
        };
        let back: FromRunner =
            serde_json::from_str(&serde_json::to_string(&done).unwrap()).unwrap();
        assert_eq!(back, done);
        // The report's own JSON (what `asyncTutor.run` gives) does not carry it.
        report.final_state = Some(state);
        let json = serde_json::to_value(&report).unwrap();
        assert!(
            json.get("finalState").is_none(),
            "{:?}",
            json.as_object().unwrap().keys()
        );
    }
}
