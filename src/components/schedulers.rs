//! A scheduler comparison: one snippet run under each of the browser host's three ways of
//! getting a turn (microtask, `MessageChannel`, `setTimeout`), one after the other on real
//! time, drawn on one time axis with each run's turns and wake-to-poll times.

use std::rc::Rc;

use executor::host::Scheduler;
use replay::{Counters, Hidden, Lane};
use yew::prelude::*;

use super::card::use_remembered_knobs;
use super::run_state::{Action, Phase, RunState, launch, use_run_clock};
use super::timeline::{LaneGroup, Timeline, fmt_ms};
use crate::content::{self, Knob};
use crate::i18n::Lang;
use crate::knobs::check;
use crate::runner::{NetStatus, RunEnd, RunOptions, bridge, use_net_status};

#[derive(Properties, PartialEq)]
pub struct SchedulersProps {
    pub lesson: &'static str,
    pub snippet: &'static str,
    /// The title in the page's language, when the prose gives one.
    pub title: Option<&'static str>,
    pub lang: Lang,
    /// The title's heading level.
    #[prop_or(3)]
    pub level: u8,
}

/// How each scheduler is named on the card: the browser API it uses.
fn api_name(scheduler: Scheduler) -> &'static str {
    match scheduler {
        Scheduler::Microtask => "queueMicrotask",
        Scheduler::MessageChannel => "MessageChannel",
        Scheduler::Timeout => "setTimeout(0)",
    }
}

/// The phase of the three: live while any runs; otherwise the worst of their ends.
fn all_phase(phases: [Phase; 3]) -> Phase {
    use Phase::*;
    if phases.iter().any(|p| p.live()) {
        Running
    } else if phases.iter().all(|p| *p == Idle) {
        Idle
    } else if phases.contains(&Failed) {
        Failed
    } else if phases.contains(&Stopped) {
        Stopped
    } else {
        Done
    }
}

/// Launches the runs of `order` one after another, each once the one before has finished.
fn run_in_turn(
    runs: Vec<(UseReducerHandle<RunState>, Scheduler)>,
    id: (&'static str, &'static str),
    knobs: protocol::KnobValues,
) {
    let mut runs = runs.into_iter();
    let Some((state, scheduler)) = runs.next() else {
        return;
    };
    let rest: Vec<_> = runs.collect();
    for (later, _) in &rest {
        later.dispatch(Action::Clear);
    }
    let next_knobs = knobs.clone();
    let then = Box::new(move |end: &RunEnd| {
        // Stop, or a failure, ends the comparison.
        if matches!(end, RunEnd::Finished(report) if report.error.is_none()) {
            run_in_turn(rest.clone(), id, next_knobs.clone());
        }
    });
    let options = RunOptions {
        scheduler,
        ..RunOptions::default()
    };
    launch(&state, id, knobs, options, then);
}

/// What a run printed: the report's lines once it has ended, else the trace's so far.
fn printed(state: &RunState) -> Vec<String> {
    match &state.report {
        Some(report) => report.output.iter().map(|l| l.text.clone()).collect(),
        None => state
            .replay
            .borrow()
            .printed(state.view_len)
            .iter()
            .map(|p| p.text.clone())
            .collect(),
    }
}

/// What a run's views show at the moment they are at: its lanes and its counters.
struct RunView {
    lanes: Rc<Vec<Lane>>,
    hidden: Hidden,
    counters: Counters,
}

/// A run's [`RunView`], made again only when that moment (or the run) changes, not on every
/// render of the card.
#[hook]
fn use_run_view(state: &UseReducerHandle<RunState>) -> Rc<RunView> {
    let s = state.clone();
    use_memo((state.run, state.view_len, state.phase), move |_| {
        let (lanes, hidden) = s.lanes(s.view_len);
        RunView {
            lanes: Rc::new(lanes),
            hidden,
            counters: s.exec_at(s.view_len).counters,
        }
    })
}

#[component]
pub fn SchedulerCard(props: &SchedulersProps) -> Html {
    let lang = props.lang;
    let t = lang.t();
    let (lesson, id) = (props.lesson, props.snippet);
    let snippet = content::snippet(lesson, id).expect("cards name snippets that exist");
    let knobs_of: Vec<&Knob> = snippet.knobs.iter().collect();
    let remembered = use_remembered_knobs(format!("schedulers.{lesson}/{id}"), knobs_of.clone());
    let values = remembered.values.clone();
    let micro = use_reducer(RunState::default);
    let channel = use_reducer(RunState::default);
    let timeout = use_reducer(RunState::default);
    use_run_clock(&micro);
    use_run_clock(&channel);
    use_run_clock(&timeout);
    let views = [
        use_run_view(&micro),
        use_run_view(&channel),
        use_run_view(&timeout),
    ];
    let net = use_net_status();
    let runs = [
        (micro.clone(), Scheduler::Microtask),
        (channel.clone(), Scheduler::MessageChannel),
        (timeout.clone(), Scheduler::Timeout),
    ];

    let checked: Vec<Result<f64, String>> = knobs_of
        .iter()
        .zip(values.iter())
        .map(|(k, text)| check(k, text, lang))
        .collect();
    let knobs_ok = checked.iter().all(Result::is_ok);
    let phase = all_phase([micro.phase, channel.phase, timeout.phase]);
    let running = phase.live();
    // The schedulers differ only in a browser, on real time: without the slow web every run
    // would be on the virtual clock.
    let real_time = net == NetStatus::SlowWeb;
    let card_ref = use_node_ref();
    let on_focus_in = super::focus::use_keep_focus(card_ref.clone(), phase.attr(), running);

    let on_run = {
        let (runs, knobs_of, checked) = (runs.clone(), knobs_of.clone(), checked.clone());
        Callback::from(move |_: MouseEvent| {
            let Ok(values) = checked.iter().cloned().collect::<Result<Vec<f64>, _>>() else {
                return;
            };
            let mut knobs = protocol::KnobValues::new();
            for (knob, value) in knobs_of.iter().zip(values) {
                knobs.insert(knob.spec.name.to_owned(), value);
            }
            // One after the other, so that no run competes with another for the processor.
            run_in_turn(runs.to_vec(), (lesson, id), knobs);
        })
    };
    let on_stop = {
        let runs = runs.clone();
        Callback::from(move |_: MouseEvent| {
            for (state, _) in &runs {
                if let (true, Some(run)) = (state.phase.live(), state.run) {
                    bridge().stop(run);
                }
            }
        })
    };
    let span_ms = runs.iter().map(|(s, _)| s.total_ms()).fold(0.0, f64::max);
    let groups: Vec<LaneGroup> = runs
        .iter()
        .zip(&views)
        .filter(|((s, _), _)| s.phase != Phase::Idle)
        .map(|((s, scheduler), view)| LaneGroup {
            title: Some(format!("{} · {}", api_name(*scheduler), fmt_ms(s.total_ms())).into()),
            lanes: view.lanes.clone(),
            hidden: view.hidden,
        })
        .collect();
    let errors: Vec<String> = runs
        .iter()
        .filter_map(|(s, scheduler)| {
            let e = lang.report_error(s.report.as_ref()?)?;
            Some(lang.labelled(api_name(*scheduler), &e))
        })
        .collect();
    let dom_id = format!("schedulers-{id}");
    let title = props.title.unwrap_or(snippet.title);

    html! {
        <section class="card schedulers" id={dom_id.clone()} data-snippet={id} data-state={phase.attr()}
                 aria-labelledby={format!("{dom_id}-title")} ref={card_ref} onfocusin={on_focus_in}>
            <header class="card-head">
                <@{format!("h{}", props.level)} class="card-title" id={format!("{dom_id}-title")}>{ title }</@>
            </header>
            <details class="source" open=true>
                <summary>{ t.source }</summary>
                <pre class="code" data-lang="rust" tabindex="0" aria-label={title}>
                    <code>{ Html::from_html_unchecked(AttrValue::Static(content::shown(lesson, id).map_or("", |s| s.focus_or_all()))) }</code>
                </pre>
            </details>
            { remembered.fieldset(&dom_id, &checked, running, lang) }
            <div class="controls">
                <button class="run" type="button" onclick={on_run}
                        disabled={running || !real_time || !knobs_ok}>{ t.run_each_scheduler }</button>
                <button class="stop" type="button" onclick={on_stop} disabled={!running}>{ t.stop }</button>
                <span class={classes!("status", (!knobs_ok && !running).then_some("knobs-invalid"))} role="status">
                    { if !knobs_ok && !running { t.fix_knobs } else { phase.word(lang) } }
                </span>
            </div>
            if matches!(net, NetStatus::Virtual(_)) {
                <p class="note schedulers-need-slow-web">{ t.schedulers_need_slow_web }</p>
            }
            { for errors.into_iter().map(|e| html! { <p class="run-error" role="alert">{ e }</p> }) }
            if phase != Phase::Idle {
                <div class="scheduler-results-wrap" role="region" tabindex="0" aria-label={t.scheduler_results}>
                <table class="scheduler-results">
                    <thead><tr>
                        <th scope="col">{ t.scheduler }</th>
                        <th scope="col" class="num">{ t.total }</th>
                        <th scope="col" class="num">{ t.turns }</th>
                        <th scope="col" class="num">{ t.wake_to_poll_avg }</th>
                        <th scope="col" class="num">{ t.wake_to_poll_worst }</th>
                        <th scope="col">{ t.output }</th>
                    </tr></thead>
                    <tbody>
                    { for runs.iter().zip(&views).map(|((s, scheduler), view)| {
                        let c = view.counters;
                        let started = s.phase != Phase::Idle;
                        let cell = |text: String| if started { text } else { "—".into() };
                        html! {
                            <tr data-scheduler={scheduler.name()} data-state={s.phase.attr()}
                                data-total-ms={format!("{:.0}", s.total_ms())} data-turns={c.turns.to_string()}
                                data-wake-avg-us={c.wake_to_poll_avg_us().unwrap_or(0).to_string()}
                                data-wake-max-us={c.wake_to_poll_max_us.to_string()}>
                                <th scope="row"><code>{ api_name(*scheduler) }</code></th>
                                <td class="num">{ cell(fmt_ms(s.total_ms())) }</td>
                                <td class="num">{ cell(c.turns.to_string()) }</td>
                                <td class="num">{ cell(lang.short_us(c.wake_to_poll_avg_us().unwrap_or(0))) }</td>
                                <td class="num">{ cell(lang.short_us(c.wake_to_poll_max_us)) }</td>
                                <td class="printed">
                                    { for printed(s).into_iter().map(|line| html! { <div class="line">{ line }</div> }) }
                                </td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
                </div>
                <figure class="timeline-wrap">
                    <figcaption>{ t.timeline }</figcaption>
                    <Timeline groups={groups} {span_ms} {lang} />
                </figure>
            }
        </section>
    }
}
