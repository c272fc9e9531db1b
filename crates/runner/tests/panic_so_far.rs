//! What a panic hook can still tell about a virtual run: on wasm32 a panic ends the run before
//! `run_virtual` returns, so the runner's hook reports the trace so far (its own process: the
//! hook is process-wide).

use std::sync::Mutex;

use executor::trace::Event;
use protocol::{KnobValues, Network, RunRequest};

static SEEN: Mutex<Option<(Vec<String>, u64, usize)>> = Mutex::new(None);

#[test]
fn a_panic_on_the_virtual_clock_still_has_the_trace_and_the_virtual_time_before_it() {
    std::panic::set_hook(Box::new(|_| {
        if let Some((records, at_us)) = runner::run::virtual_so_far() {
            let lines = records
                .iter()
                .filter_map(|r| match &r.event {
                    Event::Print { text, .. } => Some(text.clone()),
                    _ => None,
                })
                .collect();
            *SEEN.lock().unwrap() = Some((lines, at_us, records.len()));
        }
    }));
    let request = RunRequest {
        id: 1,
        lesson: "08-async-await".into(),
        snippet: "panic".into(),
        knobs: KnobValues::from([("latency_ms".into(), 500.0), ("broken_page".into(), 3.0)]),
        network: Network::Virtual,
        base_url: String::new(),
        scheduler: Default::default(),
        step_mode: false,
    };
    let (report, records) = runner::run::run_virtual(&request);
    let _ = std::panic::take_hook();
    let (lines, at_us, len) = SEEN.lock().unwrap().clone().expect("the hook saw the run");
    // Pages 1 and 2 were printed before page 3 panicked; the time is the virtual clock's.
    assert!(lines.iter().any(|l| l.starts_with("page 1")), "{lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("page 2")), "{lines:?}");
    assert!((500_000..1_000_000).contains(&at_us), "{at_us} µs");
    assert!(len > 0 && len <= records.len());
    // Natively the panic is caught (the other tasks go on); the report begins with what the
    // hook saw.
    assert!(report.error.is_some());
    let reported: Vec<&str> = report.output.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        reported[..lines.len()],
        lines.iter().map(String::as_str).collect::<Vec<_>>()
    );
    // After the run, nothing is left to report.
    assert!(runner::run::virtual_so_far().is_none());
}
