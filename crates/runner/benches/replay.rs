//! How long a seek takes in the longest traces the course makes, from the snapshots and from
//! the start: `cargo bench -p runner --bench replay`. A sanity check that prints, not a test.

use std::time::{Duration, Instant};

use protocol::RunRequest;
use replay::{ExecState, Replay, timeline};
use runner::run::run_virtual;

fn main() {
    for (lesson, snippet, knobs) in [
        (
            "03-polling",
            "one_by_one",
            &[("pages", 20.0), ("latency_ms", 3000.0)][..],
        ),
        (
            "03-polling",
            "spin",
            &[("pages", 50.0), ("latency_ms", 3000.0)],
        ),
        ("08-async-await", "many", &[("tasks", 50000.0)]),
    ] {
        let (_, trace) = run_virtual(&RunRequest::on_virtual_network(lesson, snippet, knobs));
        // As the card keeps it: up to the cap on its packed size.
        seeks(lesson, snippet, knobs, &trace[..protocol::kept_len(&trace)]);
    }
}

fn seeks(lesson: &str, snippet: &str, knobs: &[(&str, f64)], trace: &[executor::trace::Record]) {
    {
        let started = Instant::now();
        let mut replay = Replay::default();
        for batch in trace.chunks(500) {
            replay.extend(batch);
        }
        let fed = started.elapsed();
        // Seek to 50 points spread over the trace, the worst of each way counted.
        let (mut worst_state, mut worst_lanes, mut worst_drawn, mut worst_start) = (
            Duration::ZERO,
            Duration::ZERO,
            Duration::ZERO,
            Duration::ZERO,
        );
        for i in 0..50 {
            let n = trace.len() * (2 * i + 1) / 100;
            let t = Instant::now();
            std::hint::black_box(replay.state_at(n));
            worst_state = worst_state.max(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(replay.lanes_at(n));
            worst_lanes = worst_lanes.max(t.elapsed());
            // What a card copies while replaying: the first 500 lanes (src/components/run_state.rs).
            let t = Instant::now();
            std::hint::black_box(replay.lanes_at_most(n, 500));
            worst_drawn = worst_drawn.max(t.elapsed());
            if i % 10 == 9 {
                let t = Instant::now();
                std::hint::black_box(ExecState::at(trace, n));
                std::hint::black_box(timeline(&trace[..n]));
                worst_start = worst_start.max(t.elapsed());
            }
        }
        println!(
            "{lesson}/{snippet} {knobs:?}: {} records, fed in {fed:.1?} ({} snapshots); \
             worst seek: state {worst_state:.2?}, lanes {worst_lanes:.2?} \
             (first 500: {worst_drawn:.2?}); \
             from the start: {worst_start:.1?}; packed {:.1} bytes per record",
            trace.len(),
            replay.snapshots(),
            replay.trace().bytes() as f64 / trace.len().max(1) as f64,
        );
    }
}
