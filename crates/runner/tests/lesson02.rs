//! Lesson 2's worker-thread snippets on the virtual host (simulated workers).

use executor::trace::{Event, Record};
use protocol::Report;
use replay::{LaneOf, SegmentKind, timeline};
use tutor::threads::VIRTUAL_STARTUP;

mod common;

fn run(snippet: &str, knobs: &[(&str, f64)]) -> (Report, Vec<Record>) {
    common::run("02-threads", snippet, knobs)
}

fn startup_ms() -> f64 {
    VIRTUAL_STARTUP.as_secs_f64() * 1000.0
}

#[test]
fn a_worker_per_page_takes_the_start_up_plus_one_latency() {
    let (report, trace) = run(
        "pool",
        &[("pages", 8.0), ("latency_ms", 1000.0), ("workers", 8.0)],
    );
    assert_eq!(report.error, None);
    // The eighth worker is ready last; its job ends one latency later.
    assert_eq!(report.elapsed_ms, 8.0 * startup_ms() + 1000.0);
    assert_eq!(report.output[0].text, "8 workers ready after 320 ms");
    assert_eq!(
        report
            .output
            .iter()
            .filter(|l| l.text.ends_with("2048 bytes"))
            .count(),
        8
    );
    // Eight worker lanes, each starting and then running one job, all at the same time.
    let lanes = timeline(&trace);
    let workers: Vec<_> = lanes
        .iter()
        .filter(|l| matches!(l.of, LaneOf::Worker(_)))
        .collect();
    assert_eq!(workers.len(), 8);
    for lane in workers {
        let kinds: Vec<_> = lane.segments.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [SegmentKind::Starting, SegmentKind::Job],
            "{}",
            lane.label
        );
        // Every job starts once the whole pool is ready, and they all run side by side.
        let job = lane.segments[1];
        assert_eq!(job.start_us, 320_000);
        assert_eq!(job.end_us, Some(1_320_000));
    }
    // Main waits on the jobs, not on a timer or the network.
    let main = &lanes[0];
    assert!(main.segments.iter().any(|s| s.kind == SegmentKind::WaitJob));
}

#[test]
fn fewer_workers_than_pages_take_one_latency_per_round() {
    let (report, trace) = run(
        "pool",
        &[("pages", 8.0), ("latency_ms", 500.0), ("workers", 3.0)],
    );
    assert_eq!(report.error, None);
    // Rounds of 3, 3 and 2 jobs.
    assert_eq!(report.elapsed_ms, 3.0 * startup_ms() + 3.0 * 500.0);
    // Every job starts in the order it was queued, on the worker that is free first.
    let starts: Vec<(u64, u32)> = trace
        .iter()
        .filter_map(|r| match r.event {
            Event::JobStart { job, worker } => Some((job, worker)),
            _ => None,
        })
        .collect();
    assert_eq!(
        starts,
        [
            (1, 1),
            (2, 2),
            (3, 3),
            (4, 1),
            (5, 2),
            (6, 3),
            (7, 1),
            (8, 2)
        ]
    );
}

#[test]
fn one_worker_is_as_slow_as_blocking_one_by_one() {
    let (report, _) = run(
        "pool",
        &[("pages", 5.0), ("latency_ms", 400.0), ("workers", 1.0)],
    );
    assert_eq!(report.elapsed_ms, startup_ms() + 5.0 * 400.0);
    // Lesson 1's blocking crawl takes the same, without the start-up.
    let (blocking, _) = common::run(
        "01-blocking",
        "crawl",
        &[("pages", 5.0), ("latency_ms", 400.0)],
    );
    assert_eq!(blocking.elapsed_ms, 5.0 * 400.0);
}

#[test]
fn the_counter_adds_up_the_workers_messages() {
    let (report, _) = run(
        "counter",
        &[("pages", 4.0), ("latency_ms", 200.0), ("workers", 2.0)],
    );
    assert_eq!(report.error, None);
    assert_eq!(report.elapsed_ms, 2.0 * startup_ms() + 2.0 * 200.0);
    // Each line adds the page's count to the total so far.
    let mut total = 0;
    for (n, line) in (1..).zip(&report.output) {
        let words: Vec<&str> = line.text.split(' ').collect();
        assert_eq!(words[..2], ["page", &n.to_string()]);
        let count: u32 = words[3].parse().unwrap();
        assert!(
            count > 100,
            "a page has some hundreds of words: {}",
            line.text
        );
        total += count;
        assert_eq!(words.last().unwrap().parse::<u32>().unwrap(), total);
    }
    assert_eq!(report.output.len(), 4);
}

#[test]
fn a_pool_of_too_many_workers_is_refused_with_a_reason() {
    let ex = executor::Executor::new(executor::VirtualHost::new());
    let err = ex
        .block_on(tutor::threads::start_pool(1000))
        .unwrap()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the blocking job `start-up` failed: a pool has 1 to 32 workers, not 1000"
    );
}

#[test]
fn the_inspector_state_shows_busy_workers_and_queued_jobs() {
    use replay::{ExecState, WorkerPhase};
    let (_, trace) = run(
        "pool",
        &[("pages", 5.0), ("latency_ms", 500.0), ("workers", 2.0)],
    );
    // Just after the first two jobs started: both workers busy, three jobs queued.
    let at = trace
        .iter()
        .rposition(|r| matches!(r.event, Event::JobStart { job: 2, .. }))
        .unwrap();
    let state = ExecState::at(&trace, at + 1);
    assert_eq!(
        state
            .workers
            .iter()
            .map(|w| w.phase.clone())
            .collect::<Vec<_>>(),
        [WorkerPhase::Busy(1), WorkerPhase::Busy(2)]
    );
    assert_eq!(state.jobs.iter().filter(|j| j.worker.is_none()).count(), 3);
    assert_eq!(state.jobs[0].name, "download");
    // At the end every worker is idle and has done its share.
    let end = ExecState::at(&trace, trace.len());
    assert!(end.jobs.is_empty());
    let done: Vec<u32> = end.workers.iter().map(|w| w.jobs_done).collect();
    assert_eq!(done, [3, 2]);
}
