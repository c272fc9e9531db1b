//! The browser side: `run_benchmarks(config)`, each benchmark on our executor and on the baseline.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use executor::Executor;
use executor::host::browser::{BrowserHost, BrowserOptions, Scheduler};
use gloo_timers::future::TimeoutFuture;
use js_sys::Reflect;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;

use crate::kit::{self, Latch, XorShift, best, median, percentile};

/// A task as both executors take it.
type Task = Pin<Box<dyn Future<Output = ()>>>;

/// The baseline: `wasm_bindgen_futures::spawn_local`.
fn baseline_spawn(task: Task) {
    spawn_local(task);
}

/// The seed of the sleep durations: the same on every run and on both executors.
const SLEEP_SEED: u32 = 0x5EED_2026;

/// What to run and how big; every field may be left out (the full sizes are the defaults).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Config {
    rounds: usize,
    tasks: usize,
    wakes: usize,
    sleeps: usize,
    sleep_max_ms: u32,
    pending: usize,
    pages: usize,
    page_delay_ms: u32,
    /// Our executor's poll budget per turn (default: the executor's own default).
    budget: Option<usize>,
    /// How our executor schedules turns: `microtask`, `message-channel` or `timeout`
    /// (default: the executor's own default).
    scheduler: Option<String>,
    /// Benchmarks to run: `spawn`, `wake`, `sleep`, `memory-ours`, `memory-baseline`, `crawl`
    /// (all but the memory ones when absent: those want a fresh page each).
    only: Option<Vec<String>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            rounds: 5,
            tasks: 100_000,
            wakes: 1_000_000,
            sleeps: 10_000,
            sleep_max_ms: 1000,
            pending: 10_000,
            pages: 10,
            page_delay_ms: 1000,
            budget: None,
            scheduler: None,
            only: None,
        }
    }
}

impl Config {
    fn wants(&self, name: &str) -> bool {
        match &self.only {
            Some(list) => list.iter().any(|n| n == name),
            None => !name.starts_with("memory"),
        }
    }
}

/// One line of the results table. `ratio` is how many times better ours is (baseline ÷ ours
/// for times and sizes), `met` whether the target holds (`None`: no target).
#[derive(Debug, Serialize)]
struct Row {
    name: String,
    ours: Option<f64>,
    baseline: Option<f64>,
    unit: &'static str,
    ratio: Option<f64>,
    target: String,
    met: Option<bool>,
}

impl Row {
    fn new(name: impl Into<String>, ours: f64, baseline: f64, unit: &'static str) -> Row {
        Row {
            name: name.into(),
            ours: Some(ours),
            baseline: Some(baseline),
            unit,
            ratio: None,
            target: String::new(),
            met: None,
        }
    }

    /// Shows the ratio baseline ÷ ours (for a row where less is better) with no target.
    fn with_ratio(mut self) -> Row {
        if let (Some(o), Some(b)) = (self.ours, self.baseline) {
            self.ratio = (o > 0.0).then(|| b / o);
        }
        self
    }

    /// Sets the ratio baseline ÷ ours and the target "ratio ≥ min".
    fn better_by(mut self, min: f64, what: &str) -> Row {
        let ratio = match (self.ours, self.baseline) {
            (Some(o), Some(b)) if o > 0.0 => Some(b / o),
            _ => None,
        };
        self.ratio = ratio;
        self.target = format!("{what} ≥ {min}×");
        self.met = Some(ratio.is_some_and(|r| r >= min));
        self
    }

    fn target(mut self, target: impl Into<String>, met: Option<bool>) -> Row {
        self.target = target.into();
        self.met = met;
        self
    }
}

#[derive(Serialize)]
struct Results {
    rows: Vec<Row>,
}

/// Runs the benchmarks `config` asks for and resolves to `{ rows: [{ name, ours, baseline,
/// unit, ratio, target, met }] }`. Each measured value is the median of `rounds` rounds, but
/// for the throughput rows (spawn, ping-pong), which take the best round.
#[wasm_bindgen]
pub async fn run_benchmarks(config: JsValue) -> Result<JsValue, JsValue> {
    let config: Config = if config.is_undefined() || config.is_null() {
        Config::default()
    } else {
        serde_wasm_bindgen::from_value(config)?
    };
    let mut options = BrowserOptions::default();
    if let Some(budget) = config.budget {
        options.budget = budget.max(1);
    }
    if let Some(name) = config.scheduler.as_deref() {
        options.scheduler = name.parse::<Scheduler>()?;
    }
    OPTIONS.with(|o| *o.borrow_mut() = options);
    let rounds = config.rounds.max(1);
    let mut rows = Vec::new();
    if config.wants("spawn") {
        rows.extend(spawn_bench(config.tasks.max(1), rounds).await);
    }
    if config.wants("wake") {
        rows.push(wake_bench(config.wakes.max(2), rounds).await);
    }
    if config.wants("sleep") {
        rows.extend(sleep_bench(config.sleeps.max(1), config.sleep_max_ms, rounds).await);
    }
    if config.wants("memory-ours") {
        rows.push(memory_bench(true, config.pending.max(1)).await);
    }
    if config.wants("memory-baseline") {
        rows.push(memory_bench(false, config.pending.max(1)).await);
    }
    if config.wants("crawl") {
        rows.extend(crawl_bench(config.pages.max(1), config.page_delay_ms, rounds).await?);
    }
    Results { rows }
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(Into::into)
}

thread_local! {
    static OPTIONS: RefCell<BrowserOptions> = RefCell::new(BrowserOptions::default());
    static PERFORMANCE: web_sys::Performance = Reflect::get(&js_sys::global(), &"performance".into())
        .expect("the page has `performance`")
        .unchecked_into();
}

/// `performance.now()`, in milliseconds.
fn now_ms() -> f64 {
    PERFORMANCE.with(|p| p.now())
}

/// Our executor on the page's event loop, with the default options (as the app uses it)
/// unless the config set `budget` or `scheduler`.
fn our_executor() -> Executor {
    let options = OPTIONS.with(|o| o.borrow().clone());
    Executor::new(BrowserHost::new(options))
}

/// Lets the browser finish whatever the last measurement left behind.
async fn settle() {
    TimeoutFuture::new(20).await;
}

/// Runs `ours` and `baseline` `rounds` times each, alternating which goes first.
async fn rounds<T, A, B, FA, FB>(rounds: usize, mut ours: A, mut baseline: B) -> (Vec<T>, Vec<T>)
where
    A: FnMut() -> FA,
    B: FnMut() -> FB,
    FA: Future<Output = T>,
    FB: Future<Output = T>,
{
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        settle().await;
        if round % 2 == 0 {
            a.push(ours().await);
            settle().await;
            b.push(baseline().await);
        } else {
            b.push(baseline().await);
            settle().await;
            a.push(ours().await);
        }
    }
    (a, b)
}

/// Spawns `n` trivial tasks with `spawn` and returns the milliseconds until all have run.
async fn spawn_and_complete(n: usize, spawn: impl Fn(Task)) -> f64 {
    let done = Latch::new(n);
    let started = now_ms();
    for _ in 0..n {
        let done = done.clone();
        spawn(Box::pin(async move { done.count_down() }));
    }
    done.wait().await;
    now_ms() - started
}

/// The same `n` tasks with no executor: each is boxed, queued, polled once with a no-op waker
/// and dropped. What is left of a spawn benchmark's time after this is the executor's own.
async fn tasks_alone(n: usize) -> f64 {
    let done = Latch::new(n);
    let started = now_ms();
    let mut queue: std::collections::VecDeque<Task> = std::collections::VecDeque::new();
    for _ in 0..n {
        let done = done.clone();
        queue.push_back(Box::pin(async move { done.count_down() }));
    }
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    while let Some(mut task) = queue.pop_front() {
        let _ = task.as_mut().poll(&mut cx);
    }
    done.wait().await;
    now_ms() - started
}

/// Rounds of the spawn benchmark for each of the others: a round takes a few milliseconds.
const SPAWN_ROUNDS: usize = 4;

async fn spawn_bench(n: usize, rounds_: usize) -> Vec<Row> {
    let rounds_ = rounds_ * SPAWN_ROUNDS;
    let (ours, base) = rounds(
        rounds_,
        || async move {
            let ex = our_executor();
            spawn_and_complete(n, |f: Task| drop(ex.spawn(f))).await
        },
        || spawn_and_complete(n, baseline_spawn),
    )
    .await;
    let mut alone = Vec::new();
    for _ in 0..rounds_ {
        settle().await;
        alone.push(tasks_alone(n).await);
    }
    let per = |ms: f64| ms * 1e6 / n as f64;
    let (ours, base, alone) = (per(best(&ours)), per(best(&base)), per(best(&alone)));
    vec![
        Row::new(
            format!("spawn+complete {n} tasks (best of {rounds_})"),
            ours,
            base,
            "ns/task",
        )
        .better_by(1.5, "throughput"),
        Row::new(
            format!("spawn+complete: the executor's share (the tasks alone: {alone:.0} ns)"),
            ours - alone,
            base - alone,
            "ns/task",
        )
        .with_ratio(),
    ]
}

async fn wake_bench(wakes: usize, rounds_: usize) -> Row {
    let wakes = wakes / 2 * 2;
    let ping_pong = |spawn: &dyn Fn(Task)| {
        let started = now_ms();
        let done = kit::ping_pong(wakes, spawn);
        async move {
            done.wait().await;
            now_ms() - started
        }
    };
    let (ours, base) = rounds(
        rounds_,
        || async move {
            let ex = our_executor();
            let spawn = |f: Task| drop(ex.spawn(f));
            ping_pong(&spawn).await
        },
        || ping_pong(&baseline_spawn),
    )
    .await;
    let per = |ms: f64| ms * 1e6 / wakes as f64;
    Row::new(
        format!("ping-pong {wakes} wakes (best of {rounds_})"),
        per(best(&ours)),
        per(best(&base)),
        "ns/wake",
    )
    .better_by(1.5, "throughput")
}

/// The page's timer probe (installed by bench.js around `setTimeout`/`clearTimeout`).
fn timer_probe() -> Option<JsValue> {
    Reflect::get(&js_sys::global(), &"__benchTimers".into())
        .ok()
        .filter(|p| p.is_object())
}

fn probe_reset() {
    if let Some(probe) = timer_probe()
        && let Ok(reset) = Reflect::get(&probe, &"reset".into())
        && let Some(f) = reset.dyn_ref::<js_sys::Function>()
    {
        let _ = f.call0(&probe);
    }
}

fn probe_number(name: &str) -> Option<f64> {
    Reflect::get(&timer_probe()?, &name.into()).ok()?.as_f64()
}

/// One round of the sleep benchmark.
struct SleepRun {
    total_ms: f64,
    /// The longest sleep drawn: no executor can finish sooner.
    floor_ms: f64,
    late_ms: Vec<f64>,
    /// Browser timers started (`setTimeout` calls; for ours the executor's own count).
    armed: f64,
    /// The most browser timers pending when one of them fired.
    at_once: f64,
}

/// Spawns `k` sleepers of seeded random durations up to `max_ms` with `spawn`, each sleeping
/// with `sleep(ms)`, and records how late each woke.
async fn sleepers<S, F>(k: usize, max_ms: u32, spawn: impl Fn(Task), sleep: S) -> SleepRun
where
    S: Fn(u32) -> F,
    F: Future<Output = ()> + 'static,
{
    let mut rng = XorShift::new(SLEEP_SEED);
    let late = Rc::new(RefCell::new(Vec::with_capacity(k)));
    let done = Latch::new(k);
    probe_reset();
    let started = now_ms();
    let mut floor_ms = 0.0f64;
    for _ in 0..k {
        let ms = rng.up_to(max_ms);
        floor_ms = floor_ms.max(f64::from(ms));
        let (late, done) = (late.clone(), done.clone());
        let deadline = now_ms() + f64::from(ms);
        let nap = sleep(ms);
        spawn(Box::pin(async move {
            nap.await;
            late.borrow_mut().push(now_ms() - deadline);
            done.count_down();
        }));
    }
    done.wait().await;
    let total_ms = now_ms() - started;
    let late_ms = late.take();
    SleepRun {
        total_ms,
        floor_ms,
        late_ms,
        armed: probe_number("calls").unwrap_or(k as f64),
        at_once: probe_number("maxAtFire").unwrap_or(f64::NAN),
    }
}

async fn sleep_bench(k: usize, max_ms: u32, rounds_: usize) -> Vec<Row> {
    let (ours, base) = rounds(
        rounds_,
        || async move {
            let ex = our_executor();
            let mut run = sleepers(
                k,
                max_ms,
                |f: Task| drop(ex.spawn(f)),
                |ms| executor::sleep(Duration::from_millis(ms.into())),
            )
            .await;
            run.armed = ex.snapshot().stats.timers_armed as f64;
            run
        },
        || sleepers(k, max_ms, baseline_spawn, TimeoutFuture::new),
    )
    .await;
    let med = |runs: &[SleepRun], f: &dyn Fn(&SleepRun) -> f64| {
        median(&runs.iter().map(f).collect::<Vec<_>>())
    };
    let max =
        |runs: &[SleepRun], f: &dyn Fn(&SleepRun) -> f64| runs.iter().map(f).fold(0.0, f64::max);
    let p = |q: f64| move |r: &SleepRun| percentile(&r.late_ms, q);
    let p99 = med(&ours, &p(99.0));
    let at_once = max(&ours, &|r| r.at_once);
    let label = format!("{k} sleeps ≤ {max_ms} ms");
    vec![
        // No executor finishes before the longest sleep ends: the total says little, the time
        // past it is what an executor adds.
        Row::new(
            format!("{label}: total"),
            med(&ours, &|r| r.total_ms),
            med(&base, &|r| r.total_ms),
            "ms",
        )
        .target("", None),
        Row::new(
            format!("{label}: past the longest sleep"),
            med(&ours, &|r| r.total_ms - r.floor_ms),
            med(&base, &|r| r.total_ms - r.floor_ms),
            "ms",
        )
        .better_by(3.0, "time"),
        Row::new(
            format!("{label}: lateness p50"),
            med(&ours, &p(50.0)),
            med(&base, &p(50.0)),
            "ms",
        )
        .target("", None),
        Row::new(
            format!("{label}: lateness p99"),
            p99,
            med(&base, &p(99.0)),
            "ms",
        )
        .with_ratio()
        .target("ours ≤ 5 ms", Some(p99 <= 5.0)),
        Row::new(
            format!("{label}: timers pending at a fire"),
            at_once,
            max(&base, &|r| r.at_once),
            "timers",
        )
        .target("ours = 1", Some(at_once <= 1.0)),
        Row::new(
            format!("{label}: timers armed"),
            med(&ours, &|r| r.armed),
            med(&base, &|r| r.armed),
            "timers",
        )
        .target("", None),
    ]
}

/// Bytes of wasm linear memory right now.
fn memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}

/// Linear-memory growth for `pending` tasks that wait for an event that never comes, scaled to
/// 10 000 tasks, on ours or on `spawn_local`. Wasm memory never shrinks and freed memory is
/// reused, so each side wants a fresh page (bench.js runs them in separate page loads).
async fn memory_bench(ours: bool, pending: usize) -> Row {
    let wakers = Rc::new(RefCell::new(Vec::with_capacity(pending)));
    let release = Rc::new(Cell::new(false));
    let ex = ours.then(our_executor);
    settle().await;
    let before = memory_bytes();
    for _ in 0..pending {
        let task = kit::parked(wakers.clone(), release.clone());
        match &ex {
            Some(ex) => drop(ex.spawn(task)),
            None => spawn_local(task),
        }
    }
    while wakers.borrow().len() < pending {
        TimeoutFuture::new(1).await;
    }
    let grown = memory_bytes() - before;
    release.set(true);
    let parked = wakers.take();
    parked.into_iter().for_each(std::task::Waker::wake);
    settle().await;
    drop(ex);
    let per_10k = grown / 1024.0 * 10_000.0 / pending as f64;
    Row {
        name: format!("memory per 10k pending tasks ({pending} spawned)"),
        ours: ours.then_some(per_10k),
        baseline: (!ours).then_some(per_10k),
        unit: "KiB",
        ratio: None,
        target: String::new(),
        met: None,
    }
}

/// True when a service worker controls this page (the slow web answers `api/page/…`).
fn controlled() -> bool {
    let global = js_sys::global();
    Reflect::get(&global, &"navigator".into())
        .and_then(|n| Reflect::get(&n, &"serviceWorker".into()))
        .and_then(|sw| Reflect::get(&sw, &"controller".into()))
        .is_ok_and(|c| c.is_object())
}

async fn crawl_bench(pages: usize, delay_ms: u32, rounds_: usize) -> Result<Vec<Row>, JsValue> {
    if !controlled() {
        return Err("crawl: no service worker controls the page, so there is no slow web".into());
    }
    let mut totals = Vec::new();
    for _ in 0..rounds_ {
        settle().await;
        let ex = our_executor();
        let done = Latch::new(pages);
        let failed = Rc::new(Cell::new(0usize));
        let started = now_ms();
        for n in 1..=pages {
            let (done, failed) = (done.clone(), failed.clone());
            drop(ex.spawn(async move {
                let url = format!("api/page/{n}?delay={delay_ms}");
                if !executor::fetch(url).await.is_ok_and(|r| r.ok()) {
                    failed.set(failed.get() + 1);
                }
                done.count_down();
            }));
        }
        done.wait().await;
        totals.push(now_ms() - started);
        if failed.get() > 0 {
            return Err(format!("crawl: {} of {pages} requests failed", failed.get()).into());
        }
    }
    let floor = f64::from(delay_ms);
    let total = median(&totals);
    let overhead = if floor > 0.0 {
        (total - floor) / floor * 100.0
    } else {
        f64::NAN
    };
    let label = format!("crawl {pages} pages × {delay_ms} ms");
    let within = overhead <= 5.0;
    Ok(vec![
        Row::new(
            format!("{label}: total (baseline = floor)"),
            total,
            floor,
            "ms",
        )
        .target("≤ floor + 5 %", Some(within)),
        Row {
            name: format!("{label}: overhead"),
            ours: overhead.is_finite().then_some(overhead),
            baseline: None,
            unit: "%",
            ratio: None,
            target: "≤ 5 %".into(),
            met: Some(within),
        },
    ])
}
