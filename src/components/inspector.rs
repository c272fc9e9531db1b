//! The inspector: the executor's state at one moment of a run, rebuilt from the trace.

use replay::{ExecState, WorkerPhase};
use yew::prelude::*;

use super::timeline::fmt_ms;
use crate::i18n::Lang;

mod tasks;

use tasks::TaskTable;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub state: std::rc::Rc<ExecState>,
    /// The clock to show, when it is not the time of the last event (a live run).
    #[prop_or_default]
    pub now_ms: Option<f64>,
    pub lang: Lang,
    /// The heading level of "Executor state" (one below the card's title).
    #[prop_or(4)]
    pub level: u8,
}

fn worker_class(phase: &WorkerPhase) -> &'static str {
    match phase {
        WorkerPhase::Starting => "starting",
        WorkerPhase::Idle => "idle",
        WorkerPhase::Busy(_) => "busy",
        WorkerPhase::Gone(_) => "gone",
    }
}

/// Entries shown in each of the queue, sleeper and request lists (about two lines of them); the
/// rest are counted.
const MAX_LIST: usize = 16;

/// "+ 29 960 more" after a list cut at [`MAX_LIST`], or nothing.
fn more(len: usize, lang: Lang) -> Html {
    if len > MAX_LIST {
        html! { <li class="more">{ lang.more(len - MAX_LIST) }</li> }
    } else {
        Html::default()
    }
}

#[component]
pub fn Inspector(props: &InspectorProps) -> Html {
    let s = &props.state;
    let lang = props.lang;
    let t = lang.t();
    let name = |id: u64| {
        s.task(id)
            .map(|t| t.label())
            .unwrap_or_else(|| format!("task {id}"))
    };
    let c = s.counters;
    let queued = s.jobs.iter().filter(|j| j.worker.is_none()).count();
    html! {
        <section class="inspector" aria-label={t.inspector} data-applied={s.applied.to_string()} data-t-us={s.t_us.to_string()}>
            <@{format!("h{}", props.level)} class="inspector-title">{ t.inspector }<span class="clock">{ format!(" · {}", fmt_ms(props.now_ms.unwrap_or(s.t_us as f64 / 1000.0))) }</span></@>
            <dl class="inspector-grid">
                <dt>{ t.ready_queue }</dt>
                <dd class="ready-queue">
                    if s.ready.is_empty() { <span class="none">{ t.none }</span> }
                    <ol class="queue">
                        { for s.ready.iter().take(MAX_LIST).map(|id| html! {
                            <li class={classes!((s.paused_before == Some(*id)).then_some("next"))}>{ name(*id) }</li>
                        }) }
                        { more(s.ready.len(), lang) }
                    </ol>
                </dd>
                <dt>{ t.sleeping }</dt>
                <dd class="sleepers">
                    if s.sleepers.is_empty() { <span class="none">{ t.none }</span> }
                    <ul>
                        { for s.sleepers.iter().take(MAX_LIST).map(|sl| html! {
                            <li>{ format!("{} → {}", sl.task.map(name).unwrap_or_else(|| "—".into()), fmt_ms(sl.until_us as f64 / 1000.0)) }</li>
                        }) }
                        { more(s.sleepers.len(), lang) }
                    </ul>
                </dd>
                <dt>{ t.in_flight }</dt>
                <dd class="in-flight">
                    if s.requests.is_empty() { <span class="none">{ t.none }</span> }
                    <ul>
                        { for s.requests.iter().take(MAX_LIST).map(|r| html! {
                            <li title={r.url.clone()} data-received={r.received.to_string()}>
                                { format!("#{} {}", r.id, protocol::request_label(&r.url)) }
                                if r.received > 0 {
                                    <span class="received">{ " · " }{ lang.bytes_received(r.received) }</span>
                                }
                            </li>
                        }) }
                        { more(s.requests.len(), lang) }
                    </ul>
                </dd>
                if !s.workers.is_empty() {
                    <dt>{ t.workers }</dt>
                    <dd class="workers">
                        <ul>
                            { for s.workers.iter().take(MAX_LIST).map(|w| html! {
                                <li class={classes!("worker", worker_class(&w.phase))}>{ lang.worker(w, &s.jobs) }</li>
                            }) }
                            { more(s.workers.len(), lang) }
                        </ul>
                        if queued > 0 { <p class="jobs-waiting">{ lang.jobs_waiting(queued) }</p> }
                    </dd>
                }
                <dt>{ t.turn }</dt>
                <dd class="turn">
                    { match &s.turn {
                        Some(turn) => html! { lang.turn(turn, s.t_us) },
                        None => html! { <span class="none">{ t.none }</span> },
                    } }
                </dd>
                <dt>{ t.counters }</dt>
                <dd class="counters">
                    <span data-counter="turns">{ t.turns }<b>{ c.turns }</b></span>
                    <span data-counter="polls">{ t.polls }<b>{ c.polls }</b></span>
                    <span data-counter="wakes">{ t.wakes }<b>{ c.wakes }</b></span>
                    <span data-counter="self-wakes">{ t.self_wakes }<b>{ c.self_wakes }</b></span>
                    <span data-counter="timers-armed">{ t.timers_armed }<b>{ c.timers_armed }</b></span>
                    if let Some(avg) = c.wake_to_poll_avg_us() {
                        <span data-counter="wake-to-poll" data-avg-us={avg.to_string()}
                              data-max-us={c.wake_to_poll_max_us.to_string()}>
                            { lang.wake_to_poll(avg, c.wake_to_poll_max_us) }
                        </span>
                    }
                </dd>
            </dl>
            <TaskTable state={s.clone()} {lang} />
            if !s.diagnostics.is_empty() {
                <div class="diagnostics" role="alert">
                    <@{format!("h{}", props.level + 1)} class="diagnostics-title">{ t.diagnostics }</@>
                    <ul>
                        { for s.diagnostics.iter().map(|(task, problem)| html! {
                            <li>{ lang.diagnostic(&name(*task), problem) }</li>
                        }) }
                    </ul>
                </div>
            }
        </section>
    }
}
