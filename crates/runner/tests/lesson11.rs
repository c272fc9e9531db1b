//! Lesson 11's cards on the virtual host, read from their traces: how many requests are in
//! flight at once, what the overloaded server answers, and who holds a permit while it backs off.

use std::collections::HashMap;

use executor::trace::{Event, Record};

mod common;

use common::peak_in_flight;

/// Statuses of the answered requests, counted.
fn statuses(trace: &[Record]) -> HashMap<u16, usize> {
    let mut out = HashMap::new();
    for r in trace {
        if let Event::FetchEnd { status, .. } = r.event {
            *out.entry(status).or_default() += 1;
        }
    }
    out
}

/// The most tasks at once whose latest mark is one of `labels`.
fn most_marked(trace: &[Record], labels: &[&str]) -> usize {
    let mut state: HashMap<u64, String> = HashMap::new();
    let mut peak = 0;
    for r in trace {
        if let Event::Mark {
            task: Some(task),
            label,
            ..
        } = &r.event
        {
            state.insert(*task, label.clone());
            let now = state
                .values()
                .filter(|l| labels.contains(&l.as_str()))
                .count();
            peak = peak.max(now);
        }
    }
    peak
}

#[test]
fn everything_at_once_overloads_the_server() {
    let (report, trace) = common::run("11-bounded", "all_at_once", &[]);
    assert_eq!(report.error, None);
    assert_eq!(peak_in_flight(&trace), 200);
    let answered = statuses(&trace);
    assert_eq!(answered[&503], 121);
    assert_eq!(answered[&200], 76);
    // A server big enough for all of them turns nobody away, and answers within a latency
    // and its jitter.
    let (report, trace) = common::run("11-bounded", "all_at_once", &[("capacity", 256.0)]);
    assert_eq!(statuses(&trace).get(&503), None);
    assert!(report.elapsed_ms <= 400.0, "{}", report.elapsed_ms);
}

#[test]
fn a_semaphore_and_a_pool_keep_at_most_their_limit_in_flight() {
    for limit in [1.0, 8.0, 16.0, 64.0] {
        for snippet in ["semaphore", "pool"] {
            let (report, trace) =
                common::run("11-bounded", snippet, &[("limit", limit), ("pages", 100.0)]);
            assert_eq!(report.error, None);
            assert_eq!(peak_in_flight(&trace), limit as usize, "{snippet} {limit}");
            assert_eq!(report.trace.peak_in_flight, limit as u64);
        }
    }
    // Within the server's capacity both give the same pages in the same time.
    let (a, _) = common::run("11-bounded", "semaphore", &[]);
    let (b, _) = common::run("11-bounded", "pool", &[]);
    assert_eq!(
        (a.elapsed_ms, a.output[0].text.clone()),
        (b.elapsed_ms, b.output[0].text.clone())
    );
}

#[test]
fn a_permit_is_given_back_while_backing_off_unless_it_is_held() {
    let knobs = [("fail_percent", 20.0), ("backoff_ms", 1000.0)];
    let (report, trace) = common::run("11-bounded", "retries", &knobs);
    assert_eq!(report.error, None);
    // Downloads never exceed the limit; with the tasks backing off they do: those hold none.
    assert_eq!(most_marked(&trace, &["downloading"]), 16);
    assert!(most_marked(&trace, &["downloading", "backing off"]) > 16);
    assert_eq!(peak_in_flight(&trace), 16);

    let held = [knobs[0], knobs[1], ("hold_permit", 1.0)];
    let (report, trace) = common::run("11-bounded", "retries", &held);
    assert_eq!(report.error, None);
    assert_eq!(most_marked(&trace, &["downloading", "backing off"]), 16);
}

#[test]
fn retries_fetch_every_page_and_each_try_draws_afresh() {
    let (report, trace) = common::run("11-bounded", "retries", &[]);
    assert_eq!(report.error, None);
    // Four pages fail once (500) and succeed on their second try.
    let answered = statuses(&trace);
    assert_eq!(answered[&200], 200);
    assert_eq!(answered[&500], 4);
    let attempts: Vec<&str> = trace
        .iter()
        .filter_map(|r| match &r.event {
            Event::FetchStart { url, .. } if url.contains("attempt=") => Some(url.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(attempts.len(), 4);
    assert!(
        attempts.iter().all(|u| u.ends_with("attempt=1")),
        "{attempts:?}"
    );
    // With a failure rate of one half, some pages fail all four tries: about 200 / 2⁴.
    let (report, _) = common::run("11-bounded", "retries", &[("fail_percent", 50.0)]);
    let line = &report.output[0].text;
    let failed: u32 = line
        .split(", ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((5..=25).contains(&failed), "{line}");
}

#[test]
fn every_limit_of_the_sweep_runs_and_the_knee_is_at_the_capacity() {
    let took = |limit: f64| {
        let (report, _) = common::run("11-bounded", "retries", &[("limit", limit)]);
        assert_eq!(report.error, None);
        report.elapsed_ms
    };
    let times: Vec<f64> = [1.0, 4.0, 8.0, 16.0, 32.0, 64.0].map(took).to_vec();
    // At 64 permits, four times the capacity, many tries are turned away: the prose's 224.
    let (report, _) = common::run("11-bounded", "retries", &[("limit", 64.0)]);
    assert_eq!(report.trace.failed_requests, 224);
    // Falling steeply up to the capacity: each doubling of the limit about halves the time.
    for pair in times[..4].windows(2) {
        assert!(pair[1] < pair[0] * 0.6, "{times:?}");
    }
    // Beyond it, no better.
    assert!(
        times[4] >= times[3] * 0.9 && times[5] >= times[3] * 0.9,
        "{times:?}"
    );
}
