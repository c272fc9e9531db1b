//! A snippet card: source, knobs, Run/Stop, and what the run did (total, timeline, inspector,
//! replay, output). The card holds the run and the knobs; its parts are in the modules below.

use std::rc::Rc;

use protocol::{KnobValues, Network};
use yew::prelude::*;

use super::frames::FrameCounter;
use super::inspector::Inspector;
use super::run_state::{Action, Phase, RunState, launch, longest_poll_ms, use_run_clock};
use super::sweep::SweepPanel;
use super::timeline::{LaneGroup, Timeline, fmt_ms};
use crate::content;
use crate::i18n::Lang;
use crate::knobs::check;
use crate::route;
use crate::runner::{NetStatus, Program, RunEnd, RunOptions, bridge, use_net_status};

mod dom;
mod editing;
mod hooks;
mod knob_fields;
mod output;
mod replay_bar;
mod source;

use hooks::LinkNote;
pub use knob_fields::{knob_field, use_remembered_knobs, virtual_toggle};
use output::OutputLog;
use replay_bar::{ReplayProps, replay_bar};
use source::SourceBox;

/// A run whose worker has not shown its thread free for this long is reported as blocked.
const BLOCKED_NOTICE_MS: f64 = 3000.0;

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
    /// An edit to open in the card's editor (a share link's code).
    #[prop_or_default]
    pub shared_code: Option<String>,
}

#[component]
pub fn SnippetCard(props: &CardProps) -> Html {
    let lang = props.lang;
    let t = lang.t();
    let snippet = content::lesson(props.lesson)
        .and_then(|l| l.snippet(props.snippet))
        .expect("cards are only placed for snippets that exist");
    let state = use_reducer(RunState::default);
    let defaults = hooks::defaults(snippet);
    let embedded = props.embedded;
    let (values, set_values) = hooks::use_knob_values(
        (props.lesson, snippet),
        props.initial_knobs.clone(),
        embedded,
    );
    let net = use_net_status();
    let virtual_time = use_state(|| false);
    // A snippet on the page's thread freezes the page: it runs only once the reader agrees.
    let consent = use_state(|| false);
    use_run_clock(&state);
    let editor = editing::use_card_editor(editing::EditorSetup {
        lesson: props.lesson,
        snippet: props.snippet,
        lang,
        embedded,
        shared_code: props.shared_code.clone(),
    });

    let checks: Vec<Result<f64, String>> = snippet
        .knobs
        .iter()
        .zip(values.iter())
        .map(|(knob, text)| check(knob, text, lang))
        .collect();
    let errors: Vec<Option<String>> = checks.iter().map(|c| c.clone().err()).collect();
    let knobs_ok = errors.iter().all(Option::is_none);
    // The knobs as numbers, while all are valid: what Run and the sweep start with.
    let checked: Option<KnobValues> = snippet
        .knobs
        .iter()
        .zip(&checks)
        .map(|(knob, c)| c.as_ref().ok().map(|v| (knob.spec.name.to_owned(), *v)))
        .collect();
    let running = state.phase.live();
    let ready = net != NetStatus::Pending && (!snippet.page_thread || *consent);
    // Run, Stop and the knobs disable themselves: keep focus on a control, not <body>.
    let card_ref = use_node_ref();
    let on_focus_in = super::focus::use_keep_focus(card_ref.clone(), state.phase.attr(), running);

    // Starts a run (in step mode if `stepping`) with the knobs as they are.
    // What a link to a moment asked that could not be done as asked, until the next run.
    let link_notes = use_state(Vec::<LinkNote>::new);
    // The program of the latest run, when it was an edited build (the sweep runs it too).
    let ran_program = use_state(|| None::<Program>);
    let start_with = {
        let (state, link_notes) = (state.clone(), link_notes.clone());
        let ran_program = ran_program.clone();
        let checked = checked.clone();
        let virtual_time = *virtual_time;
        let (lesson, id) = (props.lesson, props.snippet);
        let on_run_event = props.on_run_event.clone();
        Rc::new(move |stepping: bool, program: Option<Program>| {
            link_notes.set(Vec::new());
            // An invalid knob: the message is already beside it.
            let Some(knobs) = checked.clone() else {
                return;
            };
            ran_program.set(program);
            let ended = on_run_event.clone();
            let on_finished = Box::new(move |end: &RunEnd| {
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
                program,
                ..RunOptions::default()
            };
            launch(&state, (lesson, id), knobs, options, on_finished);
        })
    };
    // An edited snippet is built first (or its last build reused), then run with that build.
    let start = editing::use_edited_start(editing::EditedStart {
        start_with,
        editor: editor.editor.clone(),
        lesson: props.lesson,
        snippet: props.snippet,
    });
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
    hooks::use_moment(hooks::MomentLink {
        state: state.clone(),
        values: values.clone(),
        virtual_time: virtual_time.clone(),
        notes: link_notes.clone(),
        at: (props.lesson, snippet),
        moment: props.moment.clone(),
        ready,
        lang,
    });
    let stop_now = {
        let state = state.clone();
        Rc::new(move || {
            if let (true, Some(run)) = (state.phase.live(), state.run) {
                bridge().stop(run);
            }
        })
    };
    {
        let why_not = (state.phase == Phase::Running)
            .then_some(t.running)
            .or((snippet.page_thread && !*consent).then_some(t.freeze_warning))
            .or((!ready).then_some(t.net_pending))
            .map(str::to_owned)
            .or_else(|| errors.iter().flatten().next().cloned());
        hooks::use_remote(hooks::RemoteControl {
            remote: props.remote.clone(),
            snippet,
            values: values.clone(),
            set_values: set_values.clone(),
            run_now: run_now.clone(),
            stop_now: stop_now.clone(),
            why_not,
            running: state.phase.live(),
            on_run_event: props.on_run_event.clone(),
            lang,
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
    // A link to the moment shown, once the run is over: the same knobs and clock, and this event.
    let link_copied = use_state(|| false);
    // (Not for a run of an edit: the link would run the original.)
    let moment_link = (!state.phase.live() && !snippet.page_thread && ran_program.is_none())
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
    let on_edit = editor.opener();

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
            let output = Rc::new(state.output(*shown));
            let cursor_ms = shown
                .checked_sub(1)
                .and_then(|last| state.replay.borrow().trace().get(last))
                .map(|r| r.t_us as f64 / 1000.0);
            // Once the run is over: what its waits would have taken one after another.
            // (Not for a cut trace: its lanes are only the first part of the run.)
            let one_by_one_ms =
                (state.report.is_some() && state.cursor.is_none() && state.partial().is_none())
                    .then(|| state.one_by_one_ms());
            (
                Rc::new(lanes),
                hidden,
                Rc::new(exec),
                output,
                cursor_ms,
                one_by_one_ms,
            )
        },
    );
    let (lanes, hidden, exec, output, cursor_ms, one_by_one_ms) = &*view;
    // The run's error ends the output, set apart from what the snippet printed.
    let error = state.report.as_ref().and_then(|r| lang.report_error(r));
    let end_error = state.cursor.is_none().then(|| error.clone()).flatten();
    // Requests ended of those started, while a run makes them.
    let requests_progress = (state.phase.live() && exec.counters.requests > 0).then(|| {
        let started = exec.counters.requests;
        (started - exec.requests.len() as u64, started)
    });
    let partial = state.partial();
    let speed_up = one_by_one_ms
        .filter(|one_by_one| *one_by_one > 0.0 && total_ms > 0.0)
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
    let mark = (state.phase == Phase::Stepping || state.cursor.is_some())
        .then(|| exec.mark.clone())
        .flatten();
    editing::use_editor_mark(&editor, mark.as_ref().map(|m| m.1));
    editing::use_editor_lang(&editor, lang);

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
            if *editor.open {
                <div class="editor" ref={editor.host.clone()}></div>
                if let Some(note) = &editor.waiting {
                    <p class="note editor-loading" role="status">{ note }</p>
                }
            } else {
                <SourceBox lesson={props.lesson} snippet={props.snippet} {mark} {lang} on_edit={on_edit} />
            }
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
            if state.phase != Phase::Idle && !exec.states.is_empty() {
                <ul class="task-states" aria-label={t.task_states} title={t.task_states}>
                    { for exec.states.iter().map(|(label, n)| html! {
                        <li data-state={label.clone()}><b>{ n }</b>{ " " }{ label }</li>
                    }) }
                </ul>
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
                              cursor_ms={state.cursor.and(*cursor_ms)} at={state.cursor} {lang} />
                </figure>
            }
            if replayable {
                { replay_bar(&ReplayProps {
                    state: state.clone(),
                    shown,
                    moment_link: moment_link.clone(),
                    embedded,
                    dom_id: dom_id.clone().into(),
                    turn_steps: snippet.turn_steps,
                    link_copied: link_copied.clone(),
                    lang,
                }) }
            }
            if state.phase != Phase::Idle {
                <Inspector state={exec.clone()} {lang} level={props.level + 1}
                           now_ms={(state.cursor.is_none() && state.phase.live()).then_some(total_ms)} />
            }
            <OutputLog lines={output.clone()} error={end_error} {total_ms} level={props.level + 1} {lang} />
            if let Some(knob) = snippet.sweep {
                <SweepPanel lesson={props.lesson} snippet={props.snippet} {knob} knobs={checked.clone()}
                            current={checked.as_ref().and_then(|k| k.get(knob)).map(|v| *v as u32)}
                            card_running={running} program={*ran_program} level={props.level + 1} {lang} />
            }
        </section>
    }
}
