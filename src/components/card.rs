//! A snippet card: source, knobs, Run/Stop, and what the run did (total, timeline, output).

use std::cell::RefCell;
use std::rc::Rc;

use executor::trace::{Event, Record};
use protocol::replay::{timeline, ExecState, LaneEnd};
use protocol::{KnobValues, Network, Report};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::inspector::Inspector;
use super::timeline::{fmt_ms, Timeline};
use crate::content::{self, Knob};
use crate::i18n::Lang;
use crate::route;
use crate::runner::{bridge, use_net_status, NetStatus, RunEnd, RunEvents, RunOptions};
use crate::store;

/// Where a card's run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Idle,
    Running,
    /// Step mode: the executor waits for Step before each poll.
    Stepping,
    Done,
    Failed,
    Stopped,
}

impl Phase {
    fn attr(self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Running => "running",
            Phase::Stepping => "stepping",
            Phase::Done => "done",
            Phase::Failed => "failed",
            Phase::Stopped => "stopped",
        }
    }

    fn word(self, lang: Lang) -> &'static str {
        let t = lang.t();
        match self {
            Phase::Idle => t.idle,
            Phase::Running => t.running,
            Phase::Stepping => t.stepping,
            Phase::Done => t.done,
            Phase::Failed => t.failed,
            Phase::Stopped => t.stopped,
        }
    }
}

/// A run whose worker has not shown its thread free for this long is reported as blocked.
const BLOCKED_NOTICE_MS: f64 = 3000.0;

/// Lines of output shown; the rest are counted in a note (and still copied).
const MAX_OUTPUT_LINES: usize = 1000;

/// Puts `text` on the clipboard, if the browser lets the page do so.
fn copy_to_clipboard(text: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let clipboard = js_sys::Reflect::get(&window.navigator(), &"clipboard".into()).ok();
    let write = clipboard.as_ref().and_then(|c| {
        js_sys::Reflect::get(c, &"writeText".into())
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()
    });
    if let (Some(c), Some(write)) = (clipboard, write) {
        let _ = write.call1(&c, &text.into());
    }
}

/// The most trace events a card keeps for one run; later ones are dropped with a note.
pub const MAX_EVENTS: usize = 100_000;

/// The card's run, as a reducer so worker callbacks can update it.
#[derive(Clone, Debug)]
pub struct RunState {
    phase: Phase,
    run: Option<u32>,
    /// The trace so far. Batches are appended in place (no copy per batch); `len` says how
    /// much of it this state has seen, so equal lengths mean equal traces.
    records: Rc<RefCell<Vec<Record>>>,
    len: usize,
    /// Events were dropped at `MAX_EVENTS`.
    capped: bool,
    /// Replay: how many events to show (None: all, the live end).
    cursor: Option<usize>,
    /// Open the replay at the start when the run ends (Step on the virtual clock).
    replay_from_start: bool,
    report: Option<Rc<Report>>,
    started_ms: f64,
    now_ms: f64,
    /// When the runner last showed its thread was free (page clock, ms).
    alive_ms: f64,
}

impl PartialEq for RunState {
    fn eq(&self, other: &Self) -> bool {
        self.phase == other.phase
            && self.run == other.run
            && Rc::ptr_eq(&self.records, &other.records)
            && self.len == other.len
            && self.capped == other.capped
            && self.cursor == other.cursor
            && self.replay_from_start == other.replay_from_start
            && self.report == other.report
            && self.started_ms == other.started_ms
            && self.now_ms == other.now_ms
            && self.alive_ms == other.alive_ms
    }
}

impl Default for RunState {
    fn default() -> Self {
        RunState {
            phase: Phase::Idle,
            run: None,
            records: Rc::default(),
            len: 0,
            capped: false,
            cursor: None,
            replay_from_start: false,
            report: None,
            started_ms: 0.0,
            now_ms: 0.0,
            alive_ms: 0.0,
        }
    }
}

pub enum Action {
    Start {
        run: u32,
        at_ms: f64,
        stepping: bool,
        replay_from_start: bool,
    },
    /// Step mode ended: run on.
    Resume,
    Trace {
        run: u32,
        records: Vec<Record>,
    },
    End {
        run: u32,
        end: RunEnd,
    },
    Tick(f64),
    /// Replay: show the state after this many events.
    Seek(usize),
}

impl Phase {
    /// A run is in progress (running or stepping).
    fn live(self) -> bool {
        matches!(self, Phase::Running | Phase::Stepping)
    }
}

impl Reducible for RunState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Start {
                run,
                at_ms,
                stepping,
                replay_from_start,
            } => {
                next = RunState {
                    phase: if stepping {
                        Phase::Stepping
                    } else {
                        Phase::Running
                    },
                    replay_from_start,
                    run: Some(run),
                    started_ms: at_ms,
                    now_ms: at_ms,
                    alive_ms: at_ms,
                    ..RunState::default()
                };
            }
            Action::Trace { run, records } if self.run == Some(run) => {
                if records.is_empty() {
                    // A heartbeat: the worker's thread is free. (Trace batches do not count:
                    // a blocking snippet sends them between its blocking calls.)
                    next.alive_ms = page_now_ms();
                    return Rc::new(next);
                }
                let mut all = next.records.borrow_mut();
                let room = MAX_EVENTS.saturating_sub(all.len());
                if records.len() > room {
                    next.capped = true;
                }
                all.extend(records.into_iter().take(room));
                next.len = all.len();
            }
            Action::Resume if self.phase == Phase::Stepping => next.phase = Phase::Running,
            Action::Seek(at) if self.phase != Phase::Running => {
                next.cursor = (at < self.len).then_some(at);
            }
            Action::End { run, end } if self.run == Some(run) => match end {
                RunEnd::Stopped => next.phase = Phase::Stopped,
                RunEnd::Finished(report) => {
                    next.phase = if report.error.is_some() {
                        Phase::Failed
                    } else {
                        Phase::Done
                    };
                    next.report = Some(Rc::new(report));
                    if self.replay_from_start {
                        // Stepping on the virtual clock: the run is over at once, so the
                        // steps walk its recording from the start instead.
                        next.cursor = Some(0);
                    }
                }
            },
            Action::Tick(now) if self.phase.live() => next.now_ms = now,
            _ => return self,
        }
        Rc::new(next)
    }
}

fn page_now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_default()
}

/// The knob texts remembered for a snippet, else the defaults. A stored value for a knob the
/// snippet no longer has is ignored; a missing one takes the default.
fn remembered_knobs(key: &str, snippet: &content::Snippet, defaults: Vec<String>) -> Vec<String> {
    let Some(stored) = store::get(key) else {
        return defaults;
    };
    let stored: Vec<(&str, &str)> = stored
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .collect();
    snippet
        .knobs
        .iter()
        .zip(defaults)
        .map(|(k, d)| {
            stored
                .iter()
                .find(|(name, _)| *name == k.spec.name)
                .map_or(d, |(_, v)| (*v).to_owned())
        })
        .collect()
}

/// Checks one knob's text; the error is in the page's language.
fn check(knob: &Knob, text: &str, lang: Lang) -> Result<f64, String> {
    let value: f64 = text.trim().parse().unwrap_or(f64::NAN);
    knob.spec
        .check(value)
        .map(f64::from)
        .map_err(|e| lang.knob_error(knob.label(lang), &e))
}

#[derive(Properties, PartialEq)]
pub struct CardProps {
    pub lesson: &'static str,
    pub snippet: &'static str,
    /// The card title in the page's language, when the prose gives one.
    pub title: Option<&'static str>,
    pub lang: Lang,
    /// True when the URL points at this card.
    #[prop_or_default]
    pub targeted: bool,
}

#[component]
pub fn SnippetCard(props: &CardProps) -> Html {
    let lang = props.lang;
    let t = lang.t();
    let snippet = content::lesson(props.lesson)
        .and_then(|l| l.snippet(props.snippet))
        .expect("cards are only placed for snippets that exist");
    let state = use_reducer(RunState::default);
    // Knob texts, remembered per snippet across visits.
    let knobs_key = format!("knobs.{}/{}", props.lesson, props.snippet);
    let defaults: Vec<String> = snippet
        .knobs
        .iter()
        .map(|k| k.spec.default.to_string())
        .collect();
    let values = {
        let (key, defaults) = (knobs_key.clone(), defaults.clone());
        use_state(move || remembered_knobs(&key, snippet, defaults))
    };
    let set_values = {
        let (values, key) = (values.clone(), knobs_key.clone());
        Rc::new(move |next: Vec<String>, remember: bool| {
            if remember {
                // `pages=10&latency_ms=300`: number inputs only ever hold number-like text.
                let text: Vec<String> = snippet
                    .knobs
                    .iter()
                    .zip(&next)
                    .map(|(k, v)| format!("{}={v}", k.spec.name))
                    .collect();
                store::set(&key, &text.join("&"));
            } else {
                store::remove(&key);
            }
            values.set(next);
        })
    };
    let net = use_net_status();
    let virtual_time = use_state(|| false);
    let show_all = use_state(|| false);
    // While running, move the clock so bars of requests in flight grow.
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.phase, move |phase| {
            let interval = phase.live().then(|| {
                gloo_timers::callback::Interval::new(100, move || {
                    dispatcher.dispatch(Action::Tick(page_now_ms()))
                })
            });
            move || drop(interval)
        });
    }

    let errors: Vec<Option<String>> = snippet
        .knobs
        .iter()
        .zip(values.iter())
        .map(|(knob, text)| check(knob, text, lang).err())
        .collect();
    let knobs_ok = errors.iter().all(Option::is_none);
    let running = state.phase.live();
    let ready = net != NetStatus::Pending;

    // Starts a run (in step mode if `stepping`) with the knobs as they are.
    let start = {
        let state = state.clone();
        let values = values.clone();
        let virtual_time = *virtual_time;
        let (lesson, id) = (props.lesson, props.snippet);
        Rc::new(move |stepping: bool| {
            let mut knobs = KnobValues::new();
            for (knob, text) in snippet.knobs.iter().zip(values.iter()) {
                match check(knob, text, lang) {
                    Ok(v) => {
                        knobs.insert(knob.spec.name.to_owned(), v);
                    }
                    Err(_) => return, // the message is already beside the knob
                }
            }
            let virtual_run = virtual_time || bridge().net() != NetStatus::SlowWeb;
            let (on_trace, on_end) = (state.dispatcher(), state.dispatcher());
            let run = bridge().next_run_id();
            state.dispatch(Action::Start {
                run,
                at_ms: page_now_ms(),
                stepping: stepping && !virtual_run,
                replay_from_start: stepping && virtual_run,
            });
            bridge().run_with_id(
                run,
                lesson,
                id,
                knobs,
                RunOptions {
                    virtual_time,
                    step_mode: stepping,
                    ..RunOptions::default()
                },
                RunEvents {
                    on_trace: Box::new(move |records: &[Record]| {
                        on_trace.dispatch(Action::Trace {
                            run,
                            records: records.to_vec(),
                        })
                    }),
                    on_end: Box::new(move |end| {
                        if matches!(end, RunEnd::Finished(_)) {
                            crate::progress::ran(lesson, id);
                        }
                        on_end.dispatch(Action::End { run, end })
                    }),
                },
            );
        })
    };
    // Run (or, while stepping, run to the end): the Run button and Ctrl/Cmd+Enter.
    let run_now = {
        let (state, start) = (state.clone(), start.clone());
        let can_start = ready && knobs_ok;
        Rc::new(move || match (state.phase, state.run) {
            (Phase::Stepping, Some(run)) => {
                bridge().run_to_end(run);
                state.dispatch(Action::Resume);
            }
            (Phase::Running, _) => {}
            _ if can_start => start(false),
            _ => {}
        })
    };
    let on_run = {
        let run_now = run_now.clone();
        Callback::from(move |_: MouseEvent| run_now())
    };
    let on_step = {
        let (state, start) = (state.clone(), start.clone());
        Callback::from(move |_: MouseEvent| match (state.phase, state.run) {
            (Phase::Stepping, Some(run)) => {
                state.dispatch(Action::Seek(usize::MAX)); // back to the live end
                bridge().step(run);
            }
            (Phase::Running, _) => {}
            _ => start(true),
        })
    };
    let on_virtual = {
        let virtual_time = virtual_time.clone();
        Callback::from(move |e: web_sys::Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            virtual_time.set(input.checked());
        })
    };
    let replayable = !matches!(state.phase, Phase::Running | Phase::Idle) && state.len > 0;
    // While stepping, ◀ and ▶ move between the moments the executor paused (one step each);
    // after a run, one event at a time.
    let seek_by = |delta: isize| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let mut here = state.cursor.unwrap_or(state.len);
            let at = if state.phase == Phase::Stepping {
                let records = state.records.borrow();
                let pauses = || {
                    records[..state.len]
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| matches!(r.event, Event::Paused { .. }))
                        .map(|(i, _)| i + 1)
                };
                if state.cursor.is_none() {
                    // Live: "here" is the latest pause, whatever arrived after it.
                    here = pauses().next_back().unwrap_or(here);
                }
                let mut pauses = pauses();
                if delta < 0 {
                    pauses.rfind(|p| *p < here).unwrap_or(0)
                } else {
                    pauses.find(|p| *p > here).unwrap_or(state.len)
                }
            } else {
                (here as isize + delta).clamp(0, state.len as isize) as usize
            };
            state.dispatch(Action::Seek(at));
        })
    };
    let on_scrub = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Ok(at) = input.value().parse::<usize>() {
                state.dispatch(Action::Seek(at));
            }
        })
    };
    let on_show_all = {
        let show_all = show_all.clone();
        Callback::from(move |_: MouseEvent| show_all.set(!*show_all))
    };
    let on_copy_source = Callback::from(move |_: MouseEvent| copy_to_clipboard(snippet.source));
    let shown_html = match snippet.focus_html {
        Some(focus) if !*show_all => focus,
        _ => snippet.source_html,
    };
    let on_reset_knobs = {
        let (set_values, defaults) = (set_values.clone(), defaults.clone());
        Callback::from(move |_: MouseEvent| set_values(defaults.clone(), false))
    };
    // Ctrl+Enter (⌘+Enter on a Mac) anywhere in the card runs it, as the Run button would.
    let on_key = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
            e.prevent_default();
            run_now();
        }
    });
    let on_stop = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            if let (true, Some(run)) = (state.phase.live(), state.run) {
                bridge().stop(run);
            }
        })
    };

    let latest_ms = state
        .records
        .borrow()
        .get(state.len.saturating_sub(1))
        .map(|r| r.t_us as f64 / 1000.0)
        .unwrap_or(0.0);
    let total_ms = match &state.report {
        Some(report) => report.elapsed_ms,
        None => latest_ms.max(state.now_ms - state.started_ms),
    };
    let shown = state.cursor.unwrap_or(state.len);
    // Rebuilt only when the trace or the replay position changes, not on every clock tick.
    let view = use_memo(
        (state.run, state.len, shown, state.phase),
        |(_, _, shown, phase)| {
            let records = state.records.borrow();
            let shown_records = &records[..*shown];
            let mut lanes = timeline(shown_records);
            if !phase.live() && *shown == records.len() {
                // The run is over (a panic, Stop, or tasks left behind): nothing waits any more.
                let end_us = shown_records.last().map_or(0, |r| r.t_us);
                for lane in lanes.iter_mut().filter(|l| l.end.is_none()) {
                    if let Some(seg) = lane.segments.last_mut().filter(|s| s.end_us.is_none()) {
                        seg.end_us = Some(end_us);
                    }
                    lane.end = Some((end_us, LaneEnd::Cancelled));
                }
            }
            let exec = ExecState::at(shown_records, *shown);
            let output: Vec<(f64, String)> = shown_records
                .iter()
                .filter_map(|r| match &r.event {
                    Event::Print { text, .. } => Some((r.t_us as f64 / 1000.0, text.clone())),
                    _ => None,
                })
                .collect();
            let cursor_ms = shown_records.last().map(|r| r.t_us as f64 / 1000.0);
            (Rc::new(lanes), Rc::new(exec), output, cursor_ms)
        },
    );
    let (lanes, exec, output, cursor_ms) = &*view;
    // The run's error ends the output, set apart from what the snippet printed.
    let end_error = state
        .cursor
        .is_none()
        .then(|| state.report.as_ref().and_then(|r| r.error.clone()))
        .flatten();
    let on_copy_output = {
        let text: String = output
            .iter()
            .map(|(t_ms, line)| format!("+{t_ms:.0} ms  {line}\n"))
            .collect();
        Callback::from(move |_: MouseEvent| copy_to_clipboard(&text))
    };
    // Requests ended of those started, while a run makes them.
    let requests_progress = (state.phase.live() && exec.counters.requests > 0).then(|| {
        let started = exec.counters.requests;
        (started - exec.requests.len() as u64, started)
    });
    let error = state.report.as_ref().and_then(|r| r.error.clone());
    let network_note = state.report.as_ref().map(|r| match r.network {
        Network::SlowWeb => t.ran_slow_web,
        Network::Virtual => t.ran_virtual,
    });
    let dom_id = format!("snippet-{}", props.snippet);
    let title = props.title.unwrap_or(snippet.title);

    html! {
        <section class={classes!("card", props.targeted.then_some("targeted"))} id={dom_id.clone()}
                 data-snippet={props.snippet} data-state={state.phase.attr()}
                 aria-labelledby={format!("{dom_id}-title")} onkeydown={on_key}>
            <header class="card-head">
                <h3 id={format!("{dom_id}-title")}>{ title }</h3>
                <a class="permalink" href={route::href(props.lesson, Some(props.snippet))}
                   aria-label={t.link_to_snippet} title={t.link_to_snippet}>{ "#" }</a>
            </header>
            if snippet.blocking {
                <p class="note blocking-note">{ t.blocking_note }</p>
            }
            <details class="source" open=true>
                <summary>{ t.source }</summary>
                <div class="source-tools">
                    if snippet.focus_html.is_some() {
                        <button type="button" class="show-all" aria-pressed={show_all.to_string()}
                                onclick={on_show_all}>{ t.show_all }</button>
                    }
                    <button type="button" class="copy-source" onclick={on_copy_source}>{ t.copy }</button>
                </div>
                // Focusable, so the code can be scrolled sideways with the keyboard.
                <pre class="code" data-lang="rust" tabindex="0" aria-label={t.source}
                     data-view={if shown_html == snippet.source_html { "all" } else { "focus" }}>
                    <code>{ Html::from_html_unchecked(shown_html.into()) }</code>
                </pre>
            </details>
            <fieldset class="knobs" disabled={running}>
                <legend>{ t.knobs }</legend>
                { for snippet.knobs.iter().enumerate().map(|(i, knob)| {
                    let input_id = format!("{dom_id}-{}", knob.spec.name);
                    let on_input = {
                        let (values, set_values) = (values.clone(), set_values.clone());
                        Callback::from(move |e: InputEvent| {
                            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                            let mut next = (*values).clone();
                            next[i] = input.value();
                            set_values(next, true);
                        })
                    };
                    let error = errors[i].clone();
                    html! {
                        <div class={classes!("knob", error.is_some().then_some("invalid"))}>
                            <label for={input_id.clone()}>{ knob.label(lang) }</label>
                            <input type="range" min={knob.spec.min.to_string()} max={knob.spec.max.to_string()}
                                   step="1" value={values[i].clone()} oninput={on_input.clone()}
                                   aria-label={knob.label(lang)} tabindex="-1" />
                            <input id={input_id.clone()} class="knob-value" type="number" name={knob.spec.name}
                                   min={knob.spec.min.to_string()} max={knob.spec.max.to_string()} step="1"
                                   value={values[i].clone()} oninput={on_input}
                                   aria-invalid={error.is_some().then_some("true")}
                                   aria-describedby={format!("{input_id}-error")} />
                            <span class="unit">{ knob.unit }</span>
                            <p class="knob-error" id={format!("{input_id}-error")} role="alert">
                                { error.unwrap_or_default() }
                            </p>
                        </div>
                    }
                }) }
                <button type="button" class="reset-knobs" onclick={on_reset_knobs}
                        disabled={*values == defaults}>{ t.reset }</button>
            </fieldset>
            <div class="controls">
                <button class="run" type="button" onclick={on_run}
                        disabled={state.phase == Phase::Running || !ready || !knobs_ok}>
                    { if state.phase == Phase::Stepping { t.run_to_end } else { t.run } }
                </button>
                <button class="step" type="button" onclick={on_step}
                        disabled={state.phase == Phase::Running || !ready || !knobs_ok}>{ t.step }</button>
                <button class="stop" type="button" onclick={on_stop} disabled={!running}>{ t.stop }</button>
                <label class="virtual-toggle" title={t.virtual_time_hint}>
                    <input type="checkbox" class="virtual-time" checked={*virtual_time}
                           disabled={running} onchange={on_virtual} />
                    { t.virtual_time }
                </label>
                <span class="status" role="status">{ state.phase.word(lang) }</span>
                if state.phase != Phase::Idle {
                    <span class="total" data-total-ms={format!("{total_ms:.1}")}>
                        { format!("{}: {}", t.total, fmt_ms(total_ms)) }
                    </span>
                }
            </div>
            if let Some(note) = network_note {
                <p class="note network-note">{ note }</p>
            }
            if let Some(error) = error {
                <p class="run-error" role="alert">{ error }</p>
            }
            if state.phase.live() && state.now_ms - state.alive_ms > BLOCKED_NOTICE_MS {
                <p class="note runner-blocked" role="alert">
                    { lang.runner_blocked((state.now_ms - state.alive_ms) / 1000.0) }
                </p>
            }
            if let Some((ended, started)) = requests_progress {
                <div class="run-progress">
                    <progress max={started.to_string()} value={ended.to_string()}
                              aria-label={lang.requests_progress(ended, started)} />
                    <span>{ format!("{} · {}", lang.requests_progress(ended, started), fmt_ms(total_ms)) }</span>
                </div>
            }
            if state.capped {
                <p class="note trace-capped" role="status">{ t.trace_capped }</p>
            }
            if !lanes.is_empty() {
                <figure class="timeline-wrap">
                    <figcaption>{ t.timeline }</figcaption>
                    <Timeline lanes={lanes.clone()} span_ms={total_ms}
                              cursor_ms={state.cursor.and(*cursor_ms)} {lang} />
                </figure>
            }
            if replayable {
                <div class="replay">
                    <label for={format!("{dom_id}-replay")}>{ t.replay }</label>
                    <button type="button" class="step-back" onclick={seek_by(-1)}
                            disabled={shown == 0} aria-label="◀">{ "◀" }</button>
                    <input id={format!("{dom_id}-replay")} class="scrubber" type="range" min="0"
                           max={state.len.to_string()} step="1" value={shown.to_string()}
                           oninput={on_scrub} aria-valuetext={lang.event_of(shown, state.len)} />
                    <button type="button" class="step-forward" onclick={seek_by(1)}
                            disabled={shown >= state.len} aria-label="▶">{ "▶" }</button>
                    <span class="position" data-shown={shown.to_string()}>{ lang.event_of(shown, state.len) }</span>
                </div>
            }
            if state.phase != Phase::Idle {
                <Inspector state={exec.clone()} {lang}
                           now_ms={(state.cursor.is_none() && state.phase.live()).then_some(total_ms)} />
            }
            <div class="output-wrap">
                <div class="output-head">
                    <h4>{ t.output }</h4>
                    <button type="button" class="copy-output" onclick={on_copy_output}
                            disabled={output.is_empty()}>{ t.copy }</button>
                </div>
                <div role="log" aria-live="polite" aria-label={t.output}>
                <ol class="output">
                    if output.is_empty() && end_error.is_none() {
                        <li class="placeholder">{ t.no_output }</li>
                    }
                    { for output.iter().take(MAX_OUTPUT_LINES).map(|(t_ms, text)| html! {
                        <li><span class="t">{ format!("+{t_ms:.0} ms") }</span><span class="line">{ text.clone() }</span></li>
                    }) }
                    if output.len() > MAX_OUTPUT_LINES {
                        <li class="capped">{ lang.lines_not_shown(output.len() - MAX_OUTPUT_LINES) }</li>
                    }
                    if let Some(e) = end_error {
                        <li class="error"><span class="t">{ format!("+{total_ms:.0} ms") }</span><span class="line">{ e }</span></li>
                    }
                </ol>
                </div>
            </div>
        </section>
    }
}
