//! A comparison: two snippets on the same knobs, run one after the other and drawn on one time axis.

use protocol::KnobValues;
use yew::prelude::*;

use super::card::{use_remembered_knobs, virtual_toggle};
use super::run_state::{Phase, RunState, launch, use_run_clock};
use super::timeline::{LaneGroup, Timeline, fmt_ms};
use crate::content::{self, Knob, Snippet};
use crate::i18n::Lang;
use crate::knobs::check;
use crate::route;
use crate::runner::{NetStatus, RunOptions, bridge, use_net_status};

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    /// The first snippet (lesson id, snippet id): the baseline.
    pub a: (&'static str, &'static str),
    /// The second snippet, measured against the first.
    pub b: (&'static str, &'static str),
    /// The title in the page's language, when the prose gives one.
    pub title: Option<&'static str>,
    /// The two sides' titles in the page's language, when the prose gives them.
    #[prop_or_default]
    pub sides: Option<(&'static str, &'static str)>,
    pub lang: Lang,
    /// The title's heading level: 2 before a lesson's first section heading, else 3.
    #[prop_or(3)]
    pub level: u8,
}

/// The phase of the pair: live while either runs; otherwise the worse of the two ends.
fn pair_phase(a: Phase, b: Phase) -> Phase {
    use Phase::*;
    match (a, b) {
        _ if a.live() || b.live() => Running,
        (Idle, Idle) => Idle,
        (Failed, _) | (_, Failed) => Failed,
        (Stopped, _) | (_, Stopped) => Stopped,
        _ => Done,
    }
}

/// The knob values for one side: the shared knobs' values, and its own knobs' defaults.
fn side_knobs(snippet: &Snippet, shared: &[&Knob], values: &[f64]) -> KnobValues {
    let mut knobs = KnobValues::new();
    for knob in snippet.knobs {
        let value = shared
            .iter()
            .position(|s| s.spec.name == knob.spec.name)
            .map_or(f64::from(knob.spec.default), |i| values[i]);
        knobs.insert(knob.spec.name.to_owned(), value);
    }
    knobs
}

#[component]
pub fn CompareCard(props: &CompareProps) -> Html {
    let lang = props.lang;
    let t = lang.t();
    let ((la, ia), (lb, ib)) = (props.a, props.b);
    let sa = content::snippet(la, ia).expect("comparisons name snippets that exist");
    let sb = content::snippet(lb, ib).expect("comparisons name snippets that exist");
    // The sources and card titles come with the page's content, which is here: the card is
    // placed from it.
    let (text_a, text_b) = (content::shown(la, ia), content::shown(lb, ib));
    let (title_a, title_b) = props.sides.unwrap_or((
        text_a.map_or(sa.title, |t| t.title.as_str()),
        text_b.map_or(sb.title, |t| t.title.as_str()),
    ));
    // Knobs both snippets have are shown once and drive both; the others keep their defaults.
    let shared: Vec<&Knob> = sa
        .knobs
        .iter()
        .filter(|k| sb.knobs.iter().any(|o| o.spec.name == k.spec.name))
        .collect();
    let other = |k: &Knob| sb.knobs.iter().find(|o| o.spec.name == k.spec.name);
    let remembered = use_remembered_knobs(format!("compare.{la}/{ia}~{lb}/{ib}"), shared.clone());
    let values = remembered.values.clone();
    let run_a = use_reducer(RunState::default);
    let run_b = use_reducer(RunState::default);
    use_run_clock(&run_a);
    use_run_clock(&run_b);
    let virtual_time = use_state(|| false);
    let net = use_net_status();

    // A shared knob must suit both snippets' ranges.
    let checked: Vec<Result<f64, String>> = shared
        .iter()
        .zip(values.iter())
        .map(|(k, text)| {
            let v = check(k, text, lang)?;
            other(k).map_or(Ok(v), |o| check(o, text, lang))
        })
        .collect();
    let knobs_ok = checked.iter().all(Result::is_ok);
    let phase = pair_phase(run_a.phase, run_b.phase);
    let running = phase.live();
    let ready = net != NetStatus::Pending;
    // Run and Stop disable themselves: keep focus on a control, not <body>.
    let card_ref = use_node_ref();
    let on_focus_in = super::focus::use_keep_focus(card_ref.clone(), phase.attr(), running);

    let on_run = {
        let (run_a, run_b, virtual_time) = (run_a.clone(), run_b.clone(), *virtual_time);
        let (shared, checked) = (shared.clone(), checked.clone());
        Callback::from(move |_: MouseEvent| {
            let Ok(values) = checked.iter().cloned().collect::<Result<Vec<f64>, _>>() else {
                return;
            };
            // One after the other, so neither run's threads compete with the other's for the
            // processor (two busy workers and a busy runner on a two-core machine would); each
            // side's clock starts at its own beginning, so the axis is shared all the same.
            let options = RunOptions {
                virtual_time,
                ..RunOptions::default()
            };
            let second = std::cell::Cell::new(Some((side_knobs(sb, &shared, &values), options)));
            run_b.dispatch(super::run_state::Action::Clear);
            let run_b = run_b.clone();
            let then = Box::new(move |end: &crate::runner::RunEnd| {
                // Stop during the first run ends the comparison.
                if let (crate::runner::RunEnd::Finished(_), Some((knobs, options))) =
                    (end, second.take())
                {
                    launch(&run_b, (lb, ib), knobs, options, Box::new(|_| {}));
                }
            });
            launch(
                &run_a,
                (la, ia),
                side_knobs(sa, &shared, &values),
                options,
                then,
            );
        })
    };
    let on_stop = {
        let (run_a, run_b) = (run_a.clone(), run_b.clone());
        Callback::from(move |_: MouseEvent| {
            for state in [&run_a, &run_b] {
                if let (true, Some(run)) = (state.phase.live(), state.run) {
                    bridge().stop(run);
                }
            }
        })
    };

    let (total_a, total_b) = (run_a.total_ms(), run_b.total_ms());
    let lanes_a = use_memo((run_a.run, run_a.view_len, run_a.phase), |_| {
        let (lanes, hidden) = run_a.lanes(run_a.view_len);
        (std::rc::Rc::new(lanes), hidden)
    });
    let lanes_b = use_memo((run_b.run, run_b.view_len, run_b.phase), |_| {
        let (lanes, hidden) = run_b.lanes(run_b.view_len);
        (std::rc::Rc::new(lanes), hidden)
    });
    let groups = vec![
        LaneGroup {
            title: Some(format!("{title_a} · {}", fmt_ms(total_a)).into()),
            lanes: lanes_a.0.clone(),
            hidden: lanes_a.1,
        },
        LaneGroup {
            title: Some(format!("{title_b} · {}", fmt_ms(total_b)).into()),
            lanes: lanes_b.0.clone(),
            hidden: lanes_b.1,
        },
    ];
    // The speed-up once both have finished without an error.
    let factor = match (&run_a.report, &run_b.report) {
        (Some(a), Some(b)) if a.error.is_none() && b.error.is_none() && total_b > 0.0 => {
            Some(total_a / total_b)
        }
        _ => None,
    };
    let errors: Vec<String> = [(&run_a, title_a), (&run_b, title_b)]
        .iter()
        .filter_map(|(r, title)| {
            let e = lang.report_error(r.report.as_ref()?)?;
            Some(lang.labelled(title, &e))
        })
        .collect();
    let dom_id = format!("compare-{ia}-{ib}");
    let title = props
        .title
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{}: {title_a} / {title_b}", t.compare));

    html! {
        <section class="card compare" id={dom_id.clone()} data-state={phase.attr()}
                 aria-labelledby={format!("{dom_id}-title")} ref={card_ref} onfocusin={on_focus_in}>
            <header class="card-head">
                <@{format!("h{}", props.level)} class="card-title" id={format!("{dom_id}-title")}>{ title }</@>
            </header>
            <div class="compare-sources">
                { for [(text_a, title_a, la, ia), (text_b, title_b, lb, ib)].into_iter().map(|(s, title, l, i)| html! {
                    <details class="source">
                        <summary>{ lang.labelled(t.source, title) }</summary>
                        <pre class="code" data-lang="rust" tabindex="0" aria-label={title}>
                            <code>{ Html::from_html_unchecked(AttrValue::Static(s.map_or("", |s| s.focus_or_all()))) }</code>
                        </pre>
                        <a class="compare-link" href={route::href(l, Some(i))}>{ t.link_to_snippet }</a>
                    </details>
                }) }
            </div>
            { remembered.fieldset(&dom_id, &checked, running, lang) }
            <div class="controls">
                <button class="run" type="button" onclick={on_run}
                        disabled={running || !ready || !knobs_ok}>{ t.run_both }</button>
                <button class="stop" type="button" onclick={on_stop} disabled={!running}>{ t.stop }</button>
                { virtual_toggle(&virtual_time, running, lang) }
                <span class={classes!("status", (!knobs_ok && !running).then_some("knobs-invalid"))} role="status">
                    { if !knobs_ok && !running { t.fix_knobs } else { phase.word(lang) } }
                </span>
            </div>
            { for errors.into_iter().map(|e| html! { <p class="run-error" role="alert">{ e }</p> }) }
            if phase != Phase::Idle {
                <figure class="timeline-wrap">
                    <figcaption>
                        { t.timeline }
                        if let Some(factor) = factor {
                            <span class="compare-figure" data-factor={format!("{factor:.2}")}>
                                { " · " }{ lang.compare_figure(&fmt_ms(total_a), &fmt_ms(total_b), factor) }
                            </span>
                        }
                    </figcaption>
                    <Timeline groups={groups} span_ms={total_a.max(total_b)} {lang} />
                </figure>
            }
        </section>
    }
}
