//! Running a lesson snippet on the virtual host, for the snippet tests.

use executor::trace::Record;
use protocol::{KnobValues, Network, Report, RunRequest};
use runner::run::run_virtual;

/// Runs `lesson/snippet` with `knobs` (the rest at their defaults) on the virtual host.
pub fn run(lesson: &str, snippet: &str, knobs: &[(&str, f64)]) -> (Report, Vec<Record>) {
    run_virtual(&RunRequest {
        id: 1,
        lesson: lesson.into(),
        snippet: snippet.into(),
        knobs: knobs
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect::<KnobValues>(),
        network: Network::Virtual,
        base_url: String::new(),
        scheduler: Default::default(),
        step_mode: false,
    })
}
