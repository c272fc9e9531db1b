//! Replay from snapshots: the state and the lanes at any point of a real snippet's trace are
//! the same as replaying that trace from the start.

use std::path::PathBuf;

use executor::trace::Record;
use replay::{ExecState, Replay, timeline};

mod common;

/// A small deterministic generator for the points to seek to.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// Feeds `trace` in uneven batches, as the runner sends it, then seeks to `points` random
/// moments (and the ends) and compares with replaying from the start.
fn check(name: &str, trace: &[Record], points: usize, rng: &mut Lcg) {
    let mut replay = Replay::default();
    let mut fed = 0;
    while fed < trace.len() {
        let batch = (1 + rng.below(3000)).min(trace.len() - fed);
        replay.extend(&trace[fed..fed + batch]);
        fed += batch;
    }
    assert_eq!(replay.len(), trace.len());
    assert!(
        replay.trace().iter(..).eq(trace.iter().cloned()),
        "{name}: the packed trace reads back as it went in"
    );
    let mut at: Vec<usize> = (0..points).map(|_| rng.below(trace.len() + 1)).collect();
    at.extend([0, 1, trace.len().saturating_sub(1), trace.len()]);
    for n in at {
        let n = n.min(trace.len());
        assert_eq!(
            replay.state_at(n),
            ExecState::at(trace, n),
            "{name}: the state after {n} of {} records",
            trace.len()
        );
        let printed: Vec<(usize, &str)> = trace[..n]
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match &r.event {
                executor::trace::Event::Print { text, .. } => Some((i, text.as_str())),
                _ => None,
            })
            .collect();
        let got: Vec<(usize, &str)> = replay
            .printed(n)
            .iter()
            .map(|p| (p.at, p.text.as_str()))
            .collect();
        assert_eq!(
            got, printed,
            "{name}: the lines printed in the first {n} records"
        );
        let lanes = timeline(&trace[..n]);
        assert_eq!(
            replay.lanes_at(n),
            lanes,
            "{name}: the lanes after {n} of {} records",
            trace.len()
        );
        // The first few lanes alone, and what the others hold.
        let (first, hidden) = replay.lanes_at_most(n, 3);
        assert_eq!(
            first[..],
            lanes[..lanes.len().min(3)],
            "{name}: first lanes at {n}"
        );
        let rest = lanes.get(3..).unwrap_or_default();
        assert_eq!(
            (hidden.lanes, hidden.segments),
            (rest.len(), rest.iter().map(|l| l.segments.len()).sum()),
            "{name}: lanes left out at {n}"
        );
    }
}

#[test]
fn seeking_from_a_snapshot_agrees_with_replaying_every_snippet_from_the_start() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../lessons");
    let catalog = lesson_build::load(&dir).expect("the lessons load");
    let mut rng = Lcg(14);
    let mut checked = 0;
    for lesson in &catalog.lessons {
        for snippet in &lesson.snippets {
            let (_, trace) = common::run(&lesson.id, &snippet.id, &[]);
            check(
                &format!("{}/{}", lesson.id, snippet.id),
                &trace,
                12,
                &mut rng,
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} snippets");
}

#[test]
fn seeking_in_long_traces_agrees_with_replaying_from_the_start() {
    let mut rng = Lcg(8);
    for (lesson, snippet, knobs) in [
        (
            "03-polling",
            "one_by_one",
            &[("pages", 3.0), ("latency_ms", 1000.0)][..],
        ),
        (
            "03-polling",
            "spin",
            &[("pages", 50.0), ("latency_ms", 3000.0)],
        ),
        ("08-async-await", "many", &[("tasks", 5000.0)]),
    ] {
        let (_, trace) = common::run(lesson, snippet, knobs);
        assert!(
            trace.len() > 3 * Replay::EVERY,
            "{snippet}: {}",
            trace.len()
        );
        check(&format!("{lesson}/{snippet}"), &trace, 4, &mut rng);
    }
}
