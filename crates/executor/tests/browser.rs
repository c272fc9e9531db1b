//! The browser host in headless Chromium: real timers, real fetch, real abort.
//!
//! Run with `cargo test -p executor --features browser --target wasm32-unknown-unknown`.

#![cfg(all(target_arch = "wasm32", feature = "browser"))]

use std::time::Duration;

use executor::host::browser::{BrowserHost, BrowserOptions, Scheduler};
use executor::stream::StreamExt;
use executor::trace::Event;
use executor::{Executor, fetch, fetch_stream, now, sleep, spawn};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn browser(scheduler: Scheduler) -> Executor {
    Executor::new(BrowserHost::new(BrowserOptions {
        scheduler,
        ..BrowserOptions::default()
    }))
}

fn wall_ms() -> f64 {
    js_sys::Date::now()
}

/// Waits `ms` on a plain browser timer, outside our executor.
async fn browser_timeout(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

#[wasm_bindgen_test]
async fn sleeps_wake_no_earlier_than_asked() {
    for scheduler in [
        Scheduler::MessageChannel,
        Scheduler::Microtask,
        Scheduler::Timeout,
    ] {
        let ex = browser(scheduler);
        let tasks: Vec<_> = [120u64, 30, 60]
            .into_iter()
            .map(|ms| {
                ex.spawn(async move {
                    let (t0, w0) = (now(), wall_ms());
                    sleep(Duration::from_millis(ms)).await;
                    (ms, now() - t0, wall_ms() - w0)
                })
            })
            .collect();
        for task in tasks {
            let (asked, slept, wall) = task.await.unwrap();
            let asked_d = Duration::from_millis(asked);
            assert!(
                slept >= asked_d,
                "{scheduler:?}: asked {asked} ms, woke after {slept:?}"
            );
            // Date.now() has whole-millisecond resolution: allow one tick of rounding.
            assert!(
                wall + 1.0 >= asked as f64,
                "{scheduler:?}: wall clock says {wall} ms"
            );
            assert!(
                slept < asked_d + Duration::from_millis(500),
                "{scheduler:?}: {slept:?}"
            );
        }
    }
}

/// Replaces the global `fetch` with one that never answers and keeps the `AbortSignal` of the
/// last request; dropping the guard puts the real `fetch` back.
struct StubFetch {
    real: wasm_bindgen::JsValue,
}

impl StubFetch {
    fn install() -> StubFetch {
        StubFetch::with_body("globalThis.__lastSignal = init.signal; return new Promise(() => {});")
    }

    /// A stub whose body (JavaScript, with `url` and `init` in scope) answers the request.
    fn with_body(code: &str) -> StubFetch {
        let stub = js_sys::Function::new_with_args("url, init", code);
        let global = js_sys::global();
        let real = js_sys::Reflect::get(&global, &"fetch".into()).unwrap();
        js_sys::Reflect::set(&global, &"fetch".into(), &stub).unwrap();
        StubFetch { real }
    }

    /// The signal the last request went out with.
    fn last_signal(&self) -> web_sys::AbortSignal {
        js_sys::Reflect::get(&js_sys::global(), &"__lastSignal".into())
            .unwrap()
            .dyn_into()
            .expect("the request went out with an AbortSignal")
    }
}

impl Drop for StubFetch {
    fn drop(&mut self) {
        let _ = js_sys::Reflect::set(&js_sys::global(), &"fetch".into(), &self.real);
    }
}

#[wasm_bindgen_test]
async fn a_dropped_fetch_aborts_its_signal() {
    let stub = StubFetch::install();
    let ex = browser(Scheduler::MessageChannel);
    let log = ex.record_trace();
    let request = ex.spawn(fetch("never-answers"));
    browser_timeout(20).await;
    let signal = stub.last_signal();
    assert!(!signal.aborted(), "still in flight");
    request.abort();
    assert!(
        signal.aborted(),
        "dropping the fetch future aborted the browser request"
    );
    assert!(
        log.borrow()
            .iter()
            .any(|r| matches!(r.event, Event::FetchAbort { request: 1 }))
    );
}

#[wasm_bindgen_test]
async fn a_real_fetch_returns_status_and_body() {
    let ex = browser(Scheduler::MessageChannel);
    // The test runner's own server: the page we run in exists, a made-up path does not.
    let missing = ex
        .spawn(fetch("/this-file-does-not-exist.txt"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(missing.status, 404);
    assert!(missing.error_for_status().is_err());
    let here = js_sys::Reflect::get(&js_sys::global(), &"location".into())
        .ok()
        .and_then(|l| js_sys::Reflect::get(&l, &"href".into()).ok())
        .and_then(|h| h.as_string())
        .unwrap();
    let page = ex.spawn(fetch(here)).await.unwrap().unwrap();
    assert_eq!(page.status, 200);
    assert!(!page.body.is_empty());
}

#[wasm_bindgen_test]
async fn ten_thousand_sleepers_share_one_timer_and_the_page_stays_responsive() {
    let ex = browser(Scheduler::MessageChannel);
    let log = ex.record_trace();
    let mut x: u32 = 0x9E37_79B9;
    let tasks: Vec<_> = (0..10_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let ms = 100 + u64::from(x % 300);
            spawn(async move {
                let t0 = now();
                sleep(Duration::from_millis(ms)).await;
                assert!(now() - t0 >= Duration::from_millis(ms));
            })
        })
        .collect();
    // While they sleep, the browser's own timers must still run on time.
    let started = wall_ms();
    browser_timeout(50).await;
    let lag = wall_ms() - started - 50.0;
    assert!(lag < 250.0, "a 50 ms browser timeout was {lag} ms late");
    // The poll budget lets the browser in between turns: the timeout above could fire before
    // every task had even started.
    let polled_so_far = ex.snapshot().stats.polls;
    assert!(polled_so_far > 0);
    for t in tasks {
        t.await.unwrap();
    }
    let snapshot = ex.snapshot();
    assert_eq!(snapshot.sleepers, 0);
    assert_eq!(snapshot.live_tasks, 0);
    // One browser timer at a time, re-armed far fewer times than there are sleepers.
    let armed = log
        .borrow()
        .iter()
        .filter(|r| matches!(r.event, Event::TimerArmed { .. }))
        .count();
    assert!(armed < 2_000, "armed {armed} times for 10 000 sleepers");
}

#[wasm_bindgen_test]
async fn a_timeout_fires_on_real_timers_and_drops_the_slow_future() {
    let ex = browser(Scheduler::MessageChannel);
    let out = ex
        .spawn(async {
            let t0 = now();
            let r = executor::timeout(Duration::from_millis(50), sleep(Duration::from_millis(300)))
                .await;
            (r.is_err(), now() - t0)
        })
        .await
        .unwrap();
    assert!(out.0, "timed out");
    assert!(
        out.1 >= Duration::from_millis(50) && out.1 < Duration::from_millis(280),
        "{:?}",
        out.1
    );
    assert_eq!(ex.snapshot().sleepers, 0, "the 300 ms sleep was dropped");
}

#[wasm_bindgen_test]
async fn select_aborts_the_losing_request_in_the_browser() {
    let stub = StubFetch::install();
    let ex = browser(Scheduler::MessageChannel);
    let winner = ex
        .spawn(async {
            match executor::select(fetch("never-answers"), sleep(Duration::from_millis(30))).await {
                executor::Either::Left(_) => "fetch",
                executor::Either::Right(()) => "sleep",
            }
        })
        .await
        .unwrap();
    assert_eq!(winner, "sleep");
    let signal = stub.last_signal();
    assert!(signal.aborted(), "the losing fetch was aborted");
}

#[wasm_bindgen_test]
async fn a_semaphore_of_three_paces_nine_tasks_in_three_waves() {
    use std::rc::Rc;
    let ex = browser(Scheduler::MessageChannel);
    let total = ex
        .spawn(async {
            let permits = Rc::new(executor::sync::Semaphore::new(3));
            let t0 = now();
            let tasks: Vec<_> = (0..9)
                .map(|_| {
                    let permits = permits.clone();
                    spawn(async move {
                        let _permit = permits.acquire().await.unwrap();
                        sleep(Duration::from_millis(40)).await;
                    })
                })
                .collect();
            for t in tasks {
                t.await.unwrap();
            }
            now() - t0
        })
        .await
        .unwrap();
    assert!(
        total >= Duration::from_millis(120),
        "three waves of 40 ms: {total:?}"
    );
    assert!(total < Duration::from_millis(600), "{total:?}");
}

#[wasm_bindgen_test]
async fn interval_ticks_never_come_before_their_schedule() {
    let ex = browser(Scheduler::MessageChannel);
    let lateness = ex
        .spawn(async {
            let mut ticks = executor::interval(Duration::from_millis(20));
            let mut late = Vec::new();
            for _ in 0..5 {
                let scheduled = ticks.tick().await;
                late.push(now().checked_sub(scheduled).expect("a tick came early"));
            }
            late
        })
        .await
        .unwrap();
    assert_eq!(lateness.len(), 5);
    assert!(
        lateness.iter().all(|l| *l < Duration::from_millis(200)),
        "{lateness:?}"
    );
}

/// A stub `fetch` whose body trickles: two bytes at once, one more 60 ms later.
const TRICKLING: &str = "globalThis.__lastSignal = init.signal;
    const body = new ReadableStream({ start(c) {
        c.enqueue(new Uint8Array([1, 2]));
        setTimeout(() => { try { c.enqueue(new Uint8Array([3])); c.close(); } catch (_) {} }, 60);
    } });
    return Promise.resolve(new Response(body, { status: 200 }));";

#[wasm_bindgen_test]
async fn a_streamed_body_arrives_part_by_part_from_a_readable_stream() {
    let _stub = StubFetch::with_body(TRICKLING);
    let ex = browser(Scheduler::MessageChannel);
    let log = ex.record_trace();
    let parts = ex
        .spawn(async {
            let response = fetch_stream("trickle").await.unwrap();
            assert_eq!(response.status, 200);
            let mut body = response.body;
            let mut parts = Vec::new();
            while let Some(part) = body.next().await {
                parts.push((part.unwrap(), now().as_millis()));
            }
            parts
        })
        .await
        .unwrap();
    assert_eq!(parts.len(), 2, "{parts:?}");
    assert_eq!(
        (parts[0].0.clone(), parts[1].0.clone()),
        (vec![1, 2], vec![3])
    );
    assert!(
        parts[1].1 >= parts[0].1 + 50,
        "the second part came later: {parts:?}"
    );
    let chunks: Vec<u64> = log
        .borrow()
        .iter()
        .filter_map(|r| match r.event {
            Event::FetchChunk { bytes, .. } => Some(bytes),
            _ => None,
        })
        .collect();
    assert_eq!(chunks, [2, 1]);
}

#[wasm_bindgen_test]
async fn a_body_dropped_half_read_aborts_the_browser_request() {
    let stub = StubFetch::with_body(TRICKLING);
    let ex = browser(Scheduler::MessageChannel);
    let first = ex
        .spawn(async {
            let mut body = fetch_stream("trickle").await.unwrap().body;
            body.next().await.unwrap().unwrap()
            // `body` is dropped here, before its second part.
        })
        .await
        .unwrap();
    assert_eq!(first, [1, 2]);
    assert!(
        stub.last_signal().aborted(),
        "the half-read body aborted its request"
    );
}
