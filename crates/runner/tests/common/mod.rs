//! Running a lesson snippet on the virtual host, for the snippet tests.

use executor::trace::{Event, Record};
use protocol::{Report, RunRequest};
use runner::run::run_virtual;

/// Runs `lesson/snippet` with `knobs` (the rest at their defaults) on the virtual host.
pub fn run(lesson: &str, snippet: &str, knobs: &[(&str, f64)]) -> (Report, Vec<Record>) {
    run_virtual(&RunRequest::on_virtual_network(lesson, snippet, knobs))
}

/// The most requests in flight at any moment, counted from the trace.
#[allow(dead_code, reason = "each test binary uses only some of these helpers")]
pub fn peak_in_flight(trace: &[Record]) -> usize {
    let (mut now, mut peak) = (0usize, 0usize);
    for r in trace {
        match r.event {
            Event::FetchStart { .. } => {
                now += 1;
                peak = peak.max(now);
            }
            Event::FetchEnd { .. } | Event::FetchError { .. } | Event::FetchAbort { .. } => {
                now -= 1
            }
            _ => {}
        }
    }
    peak
}

/// What the run printed, line by line.
#[allow(dead_code, reason = "each test binary uses only some of these helpers")]
pub fn lines(report: &Report) -> Vec<&str> {
    report.output.iter().map(|l| l.text.as_str()).collect()
}
