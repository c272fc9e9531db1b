//! A snippet card: source, knobs, Run/Stop, and what the run did (total, timeline, output).

use std::rc::Rc;

use protocol::replay::one_by_one_us;
use protocol::{KnobValues, Network};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::frames::FrameCounter;
use super::inspector::Inspector;
use super::run_state::{launch, longest_poll_ms, use_run_clock, Action, Phase, RunState};
use super::timeline::{fmt_ms, LaneGroup, Timeline};
use crate::content::{self, Knob};
use crate::i18n::Lang;
use crate::route;
use crate::runner::{bridge, use_net_status, NetStatus, RunEnd, RunOptions};
use crate::store;

/// A run whose worker has not shown its thread free for this long is reported as blocked.
const BLOCKED_NOTICE_MS: f64 = 3000.0;

/// Lines of output shown; the rest are counted in a note (and still copied).
const MAX_OUTPUT_LINES: usize = 1000;

/// Puts `text` on the clipboard, if the browser lets the page do so.
pub fn copy_to_clipboard(text: &str) {
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
        // Refused (a frame without clipboard access, no focus): nothing to copy to, no error.
        if let Ok(promise) = write.call1(&c, &text.into()) {
            if let Ok(promise) = promise.dyn_into::<js_sys::Promise>() {
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
                });
            }
        }
    }
}

/// Scrolls the source box so its `.ln.current` line is in view, if it is not already.
fn scroll_current_line_into_view(code: &NodeRef) {
    let Some(pre) = code.cast::<web_sys::HtmlElement>() else {
        return;
    };
    let Some(line) = pre
        .query_selector(".ln.current")
        .ok()
        .flatten()
        .and_then(|l| l.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    let (top, height) = (line.offset_top(), line.offset_height());
    let (view_top, view_h) = (pre.scroll_top(), pre.client_height());
    if top < view_top || top + height > view_top + view_h {
        pre.set_scroll_top(top - view_h / 3);
    }
}

/// The knob texts remembered under `key` (as `name=value&…`), else the defaults. A stored value
/// for a knob that is gone is ignored; a missing one takes the default.
pub fn remembered_knobs(key: &str, knobs: &[&Knob], defaults: Vec<String>) -> Vec<String> {
    let Some(stored) = store::get(key) else {
        return defaults;
    };
    let stored: Vec<(&str, &str)> = stored
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .collect();
    knobs
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

/// `defaults` (one text per knob) with the `given` (name, text) pairs put in; names the
/// snippet does not have are left out.
pub fn with_knobs(
    knobs: &[Knob],
    defaults: Vec<String>,
    given: &[(String, String)],
) -> Vec<String> {
    knobs
        .iter()
        .zip(defaults)
        .map(|(k, d)| {
            given
                .iter()
                .rev()
                .find(|(name, _)| name == k.spec.name)
                .map_or(d, |(_, v)| knob_text(v))
        })
        .collect()
}

/// Something a link to a moment asked that could not be done as asked.
#[derive(Clone, Debug, PartialEq)]
enum LinkNote {
    /// The link's knobs, some perhaps not the snippet's.
    UnknownKnobs(Vec<(String, String)>),
    /// The snippet runs on the page's thread: it waits for Run.
    PageThread,
    /// The `replay` value names no event.
    Replay(route::ReplayProblem),
    /// The event is past the end of the run (of `len` events).
    PastEnd { at: usize, len: usize },
}

impl LinkNote {
    /// The note in `lang`, if there is anything to say.
    fn text(&self, snippet: &content::Snippet, lang: Lang) -> Option<String> {
        match self {
            LinkNote::UnknownKnobs(given) => unknown_knobs(snippet.knobs, given, lang),
            LinkNote::PageThread => Some(lang.page_thread_link().to_owned()),
            LinkNote::Replay(problem) => Some(lang.replay_problem(problem)),
            LinkNote::PastEnd { at, len } => Some(lang.replay_past_end(*at, *len)),
        }
    }
}

/// A knob value as given, in the form a number box shows: `+3`, `3.0` and ` 3 ` as `3`.
/// Anything else stays as it is, to be refused beside its knob.
pub fn knob_text(given: &str) -> String {
    match given.trim().parse::<f64>() {
        Ok(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n}"),
        _ => given.trim().to_owned(),
    }
}

/// The message for `given` names the snippet has no knob for, if there are any.
pub fn unknown_knobs(knobs: &[Knob], given: &[(String, String)], lang: Lang) -> Option<String> {
    let unknown: Vec<String> = given
        .iter()
        .filter(|(name, _)| !knobs.iter().any(|k| k.spec.name == name))
        .map(|(name, _)| name.clone())
        .collect();
    let known: Vec<&str> = knobs.iter().map(|k| k.spec.name).collect();
    (!unknown.is_empty()).then(|| lang.unknown_knobs(&unknown, &known))
}

/// Remembers knob texts under `key` as `name=value&…`, or forgets them.
pub fn remember_knobs(key: &str, knobs: &[&Knob], values: Option<&[String]>) {
    match values {
        Some(values) => {
            // Number inputs only ever hold number-like text.
            let text: Vec<String> = knobs
                .iter()
                .zip(values)
                .map(|(k, v)| format!("{}={v}", k.spec.name))
                .collect();
            store::set(key, &text.join("&"));
        }
        None => store::remove(key),
    }
}

/// One knob: a slider and a number box with its unit, and the message when the value is out
/// of range. `on_input` gets the new text from either.
pub fn knob_field(
    input_id: &str,
    knob: &Knob,
    value: &str,
    error: Option<String>,
    lang: Lang,
    on_input: Callback<InputEvent>,
) -> Html {
    html! {
        <div class={classes!("knob", error.is_some().then_some("invalid"))}>
            <label for={input_id.to_owned()}>{ knob.label(lang) }</label>
            <input type="range" min={knob.spec.min.to_string()} max={knob.spec.max.to_string()}
                   step="1" value={value.to_owned()} oninput={on_input.clone()}
                   aria-label={knob.label(lang)} tabindex="-1" />
            <input id={input_id.to_owned()} class="knob-value" type="number" name={knob.spec.name}
                   min={knob.spec.min.to_string()} max={knob.spec.max.to_string()} step="1"
                   value={value.to_owned()} oninput={on_input}
                   aria-invalid={error.is_some().then_some("true")}
                   aria-describedby={format!("{input_id}-error")} />
            <span class="unit">{ knob.unit }</span>
            <p class="knob-error" id={format!("{input_id}-error")} role="alert">
                { error.unwrap_or_default() }
            </p>
        </div>
    }
}

/// The "Virtual time" checkbox, bound to `state`.
pub fn virtual_toggle(state: &UseStateHandle<bool>, running: bool, lang: Lang) -> Html {
    let t = lang.t();
    let onchange = {
        let state = state.clone();
        Callback::from(move |e: web_sys::Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            state.set(input.checked());
        })
    };
    html! {
        <label class="virtual-toggle" title={t.virtual_time_hint}>
            <input type="checkbox" class="virtual-time" checked={**state} disabled={running} {onchange} />
            { t.virtual_time }
        </label>
    }
}

/// Checks one knob's text; the error is in the page's language.
pub fn check(knob: &Knob, text: &str, lang: Lang) -> Result<f64, String> {
    let value: f64 = text.trim().parse().unwrap_or(f64::NAN);
    knob.spec
        .check(value)
        .map(f64::from)
        .map_err(|e| lang.knob_error(knob.label(lang), &e))
}

/// An instruction from outside the card (the embed page's host).
#[derive(Clone, Debug, PartialEq)]
pub enum Remote {
    /// As the Run button.
    Run,
    /// As the Stop button.
    Stop,
    /// Set these knobs (name, text); the others keep theirs.
    SetKnobs(Vec<(String, String)>),
}

/// What a card tells whoever placed it about its runs.
#[derive(Clone, Debug, PartialEq)]
pub enum RunEvent {
    Started,
    /// How the run ended: its time when it ran to its end, and its error if it failed.
    Ended {
        elapsed_ms: Option<f64>,
        error: Option<String>,
        stopped: bool,
    },
    /// A [`Remote`] that could not be done, and why (in the card's language).
    Refused(String),
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
    /// A moment the URL asks for: run with its knobs, then open the replay there.
    #[prop_or_default]
    pub moment: Option<route::Moment>,
    /// On the embed page: knobs are not remembered, and links open the full course.
    #[prop_or_default]
    pub embedded: bool,
    /// The title's heading level: 2 before a lesson's first section heading, else 3. The card's
    /// own headings (output, inspector) are one level below it.
    #[prop_or(3)]
    pub level: u8,
    /// Knob texts to start with instead of the remembered ones (name, text).
    #[prop_or_default]
    pub initial_knobs: Option<Rc<Vec<(String, String)>>>,
    /// The latest instruction from outside, numbered so that the same one can come twice.
    #[prop_or_default]
    pub remote: Option<(u32, Remote)>,
    /// Told when a run starts and ends, and when a remote instruction is refused.
    #[prop_or_default]
    pub on_run_event: Callback<RunEvent>,
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
    let embedded = props.embedded;
    let values = {
        let (key, defaults) = (knobs_key.clone(), defaults.clone());
        let initial = props.initial_knobs.clone();
        use_state(move || match initial {
            Some(given) => with_knobs(snippet.knobs, defaults, &given),
            None => {
                let knobs: Vec<&Knob> = snippet.knobs.iter().collect();
                remembered_knobs(&key, &knobs, defaults)
            }
        })
    };
    let set_values = {
        let (values, key) = (values.clone(), knobs_key.clone());
        Rc::new(move |next: Vec<String>, remember: bool| {
            // An embed leaves the course's own remembered knobs alone.
            if !embedded {
                let knobs: Vec<&Knob> = snippet.knobs.iter().collect();
                remember_knobs(&key, &knobs, remember.then_some(next.as_slice()));
            }
            values.set(next);
        })
    };
    let net = use_net_status();
    let code_ref = use_node_ref();
    let virtual_time = use_state(|| false);
    // A snippet on the page's thread freezes the page: it runs only once the reader agrees.
    let consent = use_state(|| false);
    let show_all = use_state(|| false);
    use_run_clock(&state);

    let errors: Vec<Option<String>> = snippet
        .knobs
        .iter()
        .zip(values.iter())
        .map(|(knob, text)| check(knob, text, lang).err())
        .collect();
    let knobs_ok = errors.iter().all(Option::is_none);
    let running = state.phase.live();
    let ready = net != NetStatus::Pending && (!snippet.page_thread || *consent);
    // Run, Stop and the knobs disable themselves: keep focus on a control, not <body>.
    let card_ref = use_node_ref();
    let on_focus_in = super::focus::use_keep_focus(card_ref.clone(), state.phase.attr(), running);

    // Starts a run (in step mode if `stepping`) with the knobs as they are.
    // What a link to a moment asked that could not be done as asked, until the next run.
    let link_notes = use_state(Vec::<LinkNote>::new);
    let start = {
        let (state, link_notes) = (state.clone(), link_notes.clone());
        let values = values.clone();
        let virtual_time = *virtual_time;
        let (lesson, id) = (props.lesson, props.snippet);
        let on_run_event = props.on_run_event.clone();
        Rc::new(move |stepping: bool| {
            link_notes.set(Vec::new());
            let mut knobs = KnobValues::new();
            for (knob, text) in snippet.knobs.iter().zip(values.iter()) {
                match check(knob, text, lang) {
                    Ok(v) => {
                        knobs.insert(knob.spec.name.to_owned(), v);
                    }
                    Err(_) => return, // the message is already beside the knob
                }
            }
            let ended = on_run_event.clone();
            let on_finished = Box::new(move |end: &RunEnd| {
                if matches!(end, RunEnd::Finished(_)) {
                    crate::progress::ran(lesson, id);
                }
                ended.emit(match end {
                    RunEnd::Finished(report) => RunEvent::Ended {
                        elapsed_ms: Some(report.elapsed_ms),
                        error: lang.report_error(report),
                        stopped: false,
                    },
                    RunEnd::Stopped => RunEvent::Ended {
                        elapsed_ms: None,
                        error: None,
                        stopped: true,
                    },
                });
            });
            on_run_event.emit(RunEvent::Started);
            let options = RunOptions {
                virtual_time,
                step_mode: stepping,
                page_thread: snippet.page_thread,
                ..RunOptions::default()
            };
            launch(&state, (lesson, id), knobs, options, on_finished);
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
    // A link to a moment: once the runner is ready, run with the link's knobs and clock, and
    // open the replay at its event when the run ends. What the link asked that cannot be done
    // as asked (an unknown knob, an event that does not exist) is said under the controls.
    let pending_seek = use_mut_ref(|| None::<usize>);
    {
        let (state, values, virtual_time) = (state.clone(), values.clone(), virtual_time.clone());
        let (pending_seek, link_notes) = (pending_seek.clone(), link_notes.clone());
        let (lesson, id) = (props.lesson, props.snippet);
        use_effect_with((props.moment.clone(), ready), move |(moment, ready)| {
            let Some(moment) = moment else {
                return;
            };
            // The link's texts, each in the form the knob shows (`+3` and `3.0` as `3`).
            let texts: Vec<String> = snippet
                .knobs
                .iter()
                .map(|k| {
                    let text = moment
                        .knobs
                        .iter()
                        .rev()
                        .find(|(name, _)| name == k.spec.name)
                        .map_or_else(|| k.spec.default.to_string(), |(_, v)| v.clone());
                    check(k, &text, lang).map_or(text, |v| v.to_string())
                })
                .collect();
            let knobs: Option<KnobValues> = snippet
                .knobs
                .iter()
                .zip(&texts)
                .map(|(k, text)| Some((k.spec.name.to_owned(), check(k, text, lang).ok()?)))
                .collect();
            values.set(texts);
            virtual_time.set(moment.virtual_time);
            let mut notes = vec![LinkNote::UnknownKnobs(moment.knobs.clone())];
            // A page-thread snippet never starts by itself: it freezes the page.
            if snippet.page_thread {
                notes.push(LinkNote::PageThread);
            } else {
                notes.extend(moment.problem.clone().map(LinkNote::Replay));
            }
            link_notes.set(notes);
            // Bad knobs in the link: they show beside the knobs, and nothing runs.
            if let (Some(knobs), true, false) = (knobs, *ready, snippet.page_thread) {
                *pending_seek.borrow_mut() = Some(moment.at);
                let options = RunOptions {
                    virtual_time: moment.virtual_time,
                    ..RunOptions::default()
                };
                // A run from a link counts for the reader's progress like any other.
                let ran = Box::new(move |end: &RunEnd| {
                    if matches!(end, RunEnd::Finished(_)) {
                        crate::progress::ran(lesson, id);
                    }
                });
                launch(&state, (lesson, id), knobs, options, ran);
            }
        });
    }
    {
        let (dispatcher, pending_seek) = (state.dispatcher(), pending_seek.clone());
        let (link_notes, len) = (link_notes.clone(), state.len);
        let clean = props.moment.as_ref().is_some_and(|m| m.problem.is_none());
        use_effect_with(state.phase, move |phase| {
            if !phase.live() && *phase != Phase::Idle {
                if let Some(at) = pending_seek.borrow_mut().take() {
                    // An event number past this run's end: the end, and a word why.
                    if clean && at > len {
                        let mut notes = (*link_notes).clone();
                        notes.push(LinkNote::PastEnd { at, len });
                        link_notes.set(notes);
                    }
                    dispatcher.dispatch(Action::Seek(at));
                }
            }
        });
    }
    let stop_now = {
        let state = state.clone();
        Rc::new(move || {
            if let (true, Some(run)) = (state.phase.live(), state.run) {
                bridge().stop(run);
            }
        })
    };
    // An instruction from outside (the embed page's host), once per number.
    {
        let (run_now, stop_now, set_values) =
            (run_now.clone(), stop_now.clone(), set_values.clone());
        let (values, refuse) = (values.clone(), props.on_run_event.clone());
        let remote = props.remote.clone();
        let why_not = (state.phase == Phase::Running)
            .then_some(t.running)
            .or((snippet.page_thread && !*consent).then_some(t.freeze_warning))
            .or((!ready).then_some(t.net_pending))
            .map(str::to_owned)
            .or_else(|| errors.iter().flatten().next().cloned());
        let running = state.phase.live();
        use_effect_with(remote.as_ref().map(|(n, _)| *n), move |_| {
            match remote.map(|(_, r)| r) {
                Some(Remote::Run) => match why_not {
                    Some(why) => refuse.emit(RunEvent::Refused(why)),
                    None => run_now(),
                },
                Some(Remote::Stop) => stop_now(),
                Some(Remote::SetKnobs(_)) if running => {
                    refuse.emit(RunEvent::Refused(t.running.to_owned()))
                }
                Some(Remote::SetKnobs(given)) => {
                    if let Some(why) = unknown_knobs(snippet.knobs, &given, lang) {
                        refuse.emit(RunEvent::Refused(why));
                    }
                    let next = with_knobs(snippet.knobs, (*values).clone(), &given);
                    // A value out of range shows beside its knob, as if typed there.
                    for (knob, text) in snippet.knobs.iter().zip(&next) {
                        if let Err(why) = check(knob, text, lang) {
                            refuse.emit(RunEvent::Refused(why));
                        }
                    }
                    set_values(next, false);
                }
                None => {}
            }
        });
    }
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
    let replayable = !matches!(state.phase, Phase::Running | Phase::Idle) && state.len > 0;
    // While stepping, ◀ and ▶ move between the moments the executor paused (one step each);
    // after a run, one event at a time.
    let seek_by = |delta: isize| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let mut here = state.cursor.unwrap_or(state.len);
            let at = if state.phase == Phase::Stepping {
                let replay = state.replay.borrow();
                let pauses = || replay.pauses().iter().copied().filter(|p| *p <= state.len);
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
    // A link to the moment shown, once the run is over: the same knobs and clock, and this event.
    let link_copied = use_state(|| false);
    let moment_link = (!state.phase.live() && !snippet.page_thread)
        .then_some(state.report.as_ref())
        .flatten()
        .map(|report| {
            route::Moment {
                at: state.cursor.unwrap_or(state.len),
                knobs: state
                    .knobs
                    .iter()
                    .map(|(name, value)| (name.clone(), value.to_string()))
                    .collect(),
                virtual_time: report.network == Network::Virtual,
                problem: None,
            }
            .href(props.lesson, props.snippet)
        });
    let on_moment_link = {
        let (link_copied, link) = (link_copied.clone(), moment_link.clone().unwrap_or_default());
        Callback::from(move |e: MouseEvent| {
            // Copy the full address rather than follow the link: the run is already here.
            e.prevent_default();
            copy_to_clipboard(&route::course_url(&link));
            link_copied.set(true);
            let link_copied = link_copied.clone();
            gloo_timers::callback::Timeout::new(2000, move || link_copied.set(false)).forget();
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
    let on_stop = Callback::from(move |_: MouseEvent| stop_now());

    let total_ms = state.total_ms();
    let shown = state.cursor.unwrap_or(state.view_len);
    // Rebuilt only when the trace or the replay position changes, not on every clock tick.
    let view = use_memo(
        (
            state.run,
            state.view_len,
            shown,
            state.phase,
            state.late_output.len(),
        ),
        |(_, _, shown, _phase, _late)| {
            let (lanes, hidden) = state.lanes(*shown);
            // At the end of a run whose trace was cut, the state is the one that followed the
            // records past the cut: the state at the cut is not how the run ended.
            let final_state = (state.cursor.is_none() && state.partial().is_some())
                .then(|| state.replay.borrow().end_state().cloned())
                .flatten();
            let exec = match final_state {
                Some(exec) => exec,
                None => state.exec_at(*shown),
            };
            let output = state.output(*shown);
            let cursor_ms = shown
                .checked_sub(1)
                .and_then(|last| state.replay.borrow().trace().get(last))
                .map(|r| r.t_us as f64 / 1000.0);
            (Rc::new(lanes), hidden, Rc::new(exec), output, cursor_ms)
        },
    );
    let (lanes, hidden, exec, output, cursor_ms) = &*view;
    // The run's error ends the output, set apart from what the snippet printed.
    let error = state.report.as_ref().and_then(|r| lang.report_error(r));
    let end_error = state.cursor.is_none().then(|| error.clone()).flatten();
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
    // Once the run is over: what its waits would have taken one after another.
    // (Not for a cut trace: its lanes are only the first part of the run.)
    let partial = state.partial();
    let speed_up = state
        .report
        .as_ref()
        .filter(|_| state.cursor.is_none() && total_ms > 0.0 && partial.is_none())
        .map(|_| one_by_one_us(lanes) as f64 / 1000.0)
        .filter(|one_by_one| *one_by_one > 0.0)
        .map(|one_by_one| (one_by_one, one_by_one / total_ms));
    let network_note = state.report.as_ref().map(|r| match r.network {
        Network::SlowWeb => t.ran_slow_web,
        Network::Virtual => t.ran_virtual,
    });
    let dom_id = format!("snippet-{}", props.snippet);
    let title = props.title.unwrap_or(snippet.title);
    let froze_ms = (snippet.page_thread && state.report.is_some())
        .then(|| longest_poll_ms(state.replay.borrow().trace().iter(..state.len)));
    let on_consent = {
        let consent = consent.clone();
        Callback::from(move |e: web_sys::Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            consent.set(input.checked());
        })
    };
    // While stepping or replaying, the line of the latest `tutor::state!` mark is highlighted.
    let current_mark = (state.phase == Phase::Stepping || state.cursor.is_some())
        .then(|| exec.mark.clone())
        .flatten();
    let source_html = match &current_mark {
        Some((_, line)) => Rc::<str>::from(shown_html.replacen(
            &format!("<span class=\"ln\" data-line=\"{line}\">"),
            &format!("<span class=\"ln current\" data-line=\"{line}\" aria-current=\"step\">"),
            1,
        )),
        None => Rc::<str>::from(shown_html),
    };
    {
        // Keep the current line in view inside the source box (not by scrolling the page).
        let code = code_ref.clone();
        use_effect_with(current_mark.as_ref().map(|m| m.1), move |_| {
            scroll_current_line_into_view(&code);
        });
    }

    html! {
        <section class={classes!("card", props.targeted.then_some("targeted"))} id={dom_id.clone()}
                 data-snippet={props.snippet} data-state={state.phase.attr()}
                 aria-labelledby={format!("{dom_id}-title")} onkeydown={on_key}
                 ref={card_ref} onfocusin={on_focus_in}>
            <header class="card-head">
                <@{format!("h{}", props.level)} class="card-title" id={format!("{dom_id}-title")}>{ title }</@>
                if embedded {
                    <a class="permalink" href={route::course_url(&route::href(props.lesson, Some(props.snippet)))}
                       target="_blank" rel="noopener" aria-label={t.link_to_snippet} title={t.link_to_snippet}>{ "#" }</a>
                } else {
                    <a class="permalink" href={route::href(props.lesson, Some(props.snippet))}
                       aria-label={t.link_to_snippet} title={t.link_to_snippet}>{ "#" }</a>
                }
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
                <pre class="code" data-lang="rust" tabindex="0" aria-label={t.source} ref={code_ref.clone()}
                     data-view={if shown_html == snippet.source_html { "all" } else { "focus" }}>
                    <code>{ Html::from_html_unchecked(AttrValue::Rc(source_html)) }</code>
                </pre>
                if let Some((label, line)) = &current_mark {
                    <p class="mark-note">{ lang.at_mark(label, *line) }</p>
                }
            </details>
            <fieldset class="knobs" disabled={running}>
                <legend>{ t.knobs }</legend>
                { for snippet.knobs.iter().enumerate().map(|(i, knob)| {
                    let on_input = {
                        let (values, set_values) = (values.clone(), set_values.clone());
                        Callback::from(move |e: InputEvent| {
                            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                            let mut next = (*values).clone();
                            next[i] = input.value();
                            set_values(next, true);
                        })
                    };
                    knob_field(&format!("{dom_id}-{}", knob.spec.name), knob, &values[i], errors[i].clone(), lang, on_input)
                }) }
                <button type="button" class="reset-knobs" onclick={on_reset_knobs}
                        disabled={*values == defaults}>{ t.reset }</button>
            </fieldset>
            if snippet.page_thread {
                <div class="freeze-consent">
                    <p class="note">{ t.freeze_warning }</p>
                    <label>
                        <input type="checkbox" class="consent" checked={*consent} disabled={running}
                               onchange={on_consent} />
                        { t.freeze_consent }
                    </label>
                </div>
            }
            <div class="controls">
                <button class="run" type="button" onclick={on_run}
                        disabled={state.phase == Phase::Running || !ready || !knobs_ok}>
                    { if state.phase == Phase::Stepping { t.run_to_end } else { t.run } }
                </button>
                if snippet.page_thread {
                    // No Step or Stop: nothing on the page can act while its thread is blocked.
                    <FrameCounter {lang} />
                } else {
                    <button class="step" type="button" onclick={on_step}
                            disabled={state.phase == Phase::Running || !ready || !knobs_ok}>{ t.step }</button>
                    <button class="stop" type="button" onclick={on_stop} disabled={!running}>{ t.stop }</button>
                    { virtual_toggle(&virtual_time, running, lang) }
                }
                // Not "Ready" while an invalid knob keeps Run disabled.
                <span class={classes!("status", (!knobs_ok && !running).then_some("knobs-invalid"))} role="status">
                    { if !knobs_ok && !running { t.fix_knobs } else { state.phase.word(lang) } }
                </span>
                if state.phase != Phase::Idle {
                    <span class="total" data-total-ms={format!("{total_ms:.1}")}>
                        { lang.labelled(t.total, &fmt_ms(total_ms)) }
                    </span>
                }
            </div>
            if let Some(ms) = froze_ms {
                <p class="note freeze-report" data-ms={format!("{ms:.0}")}>{ lang.froze_for(&fmt_ms(ms)) }</p>
            } else if let Some(note) = network_note {
                <p class="note network-note">{ note }</p>
            }
            { for link_notes.iter().filter_map(|n| n.text(snippet, lang)).map(|n| html! {
                <p class="note link-note" role="status">{ n }</p>
            }) }
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
            if let Some((kept, total)) = partial {
                <p class="note trace-capped" role="status" data-shown={kept.to_string()}
                   data-events={total.map(|m| m.to_string())}>
                    { lang.trace_partial(kept, total) }
                </p>
            }
            if !lanes.is_empty() {
                <figure class="timeline-wrap">
                    <figcaption>
                        { t.timeline }
                        if let Some((one_by_one, factor)) = speed_up {
                            <span class="speed-up" data-factor={format!("{factor:.2}")}>
                                { " · " }{ lang.speed_up(&fmt_ms(one_by_one), factor) }
                            </span>
                        }
                    </figcaption>
                    <Timeline groups={vec![LaneGroup { title: None, lanes: lanes.clone(), hidden: *hidden }]} span_ms={total_ms}
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
                    if let Some(link) = moment_link.clone() {
                        <a class="moment-link" href={if embedded { route::course_url(&link) } else { link }}
                           onclick={on_moment_link}>
                            { if *link_copied { t.link_copied } else { t.link_to_moment } }
                        </a>
                    }
                </div>
            }
            if state.phase != Phase::Idle {
                <Inspector state={exec.clone()} {lang} level={props.level + 1}
                           now_ms={(state.cursor.is_none() && state.phase.live()).then_some(total_ms)} />
            }
            <div class="output-wrap">
                <div class="output-head">
                    <@{format!("h{}", props.level + 1)} class="output-title">{ t.output }</@>
                    <button type="button" class="copy-output" onclick={on_copy_output}
                            disabled={output.is_empty()}>{ t.copy }</button>
                </div>
                <div role="log" aria-live="polite" aria-label={t.output}>
                // Focusable: a long log scrolls, also with the keyboard.
                <ol class="output" tabindex="0" aria-label={t.output}>
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::KnobSpec;

    fn knob(name: &'static str, default: u32) -> Knob {
        Knob {
            spec: KnobSpec {
                name,
                min: 0,
                max: 100,
                default,
            },
            unit: "",
            en: name,
            zh: name,
        }
    }

    #[test]
    fn given_knob_texts_take_the_form_the_number_box_shows() {
        assert_eq!(knob_text("+3"), "3");
        assert_eq!(knob_text(" 3.0 "), "3");
        assert_eq!(knob_text("-0"), "-0");
        assert_eq!(knob_text("2.5"), "2.5");
        assert_eq!(knob_text("1e308"), "1e308");
        assert_eq!(knob_text("abc"), "abc");
        let knobs = [knob("pages", 10)];
        let given = [("pages".to_string(), "+3".to_string())];
        assert_eq!(with_knobs(&knobs, vec!["10".into()], &given), ["3"]);
    }

    #[test]
    fn given_knobs_replace_defaults_by_name_and_unknown_names_are_left_out() {
        let knobs = [knob("pages", 10), knob("latency_ms", 1000)];
        let defaults = vec!["10".to_string(), "1000".to_string()];
        let given = vec![
            ("latency_ms".to_string(), "200".to_string()),
            ("nope".to_string(), "1".to_string()),
            ("latency_ms".to_string(), "300".to_string()),
        ];
        // The last value given for a name wins; the knob order is the snippet's.
        assert_eq!(with_knobs(&knobs, defaults.clone(), &given), ["10", "300"]);
        assert_eq!(with_knobs(&knobs, defaults.clone(), &[]), defaults);
    }
}
