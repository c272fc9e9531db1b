//! Running a lesson snippet on the virtual host, for the snippet tests.

use executor::trace::Record;
use protocol::{Report, RunRequest};
use runner::run::run_virtual;

/// Runs `lesson/snippet` with `knobs` (the rest at their defaults) on the virtual host.
pub fn run(lesson: &str, snippet: &str, knobs: &[(&str, f64)]) -> (Report, Vec<Record>) {
    run_virtual(&RunRequest::on_virtual_network(lesson, snippet, knobs))
}
