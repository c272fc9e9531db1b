//! The sweep under a card (`// tutor: sweep <knob>`): the snippet run once for each value of one
//! knob on the virtual clock, the others as the card has them, and what each run took plotted
//! against that value.

use std::cell::Cell;
use std::rc::Rc;

use protocol::{KnobValues, Report};
use yew::prelude::*;

use crate::content::{self, Knob};
use crate::i18n::Lang;
use crate::runner::{Program, RunEnd, RunOptions, bridge};

mod plot;

use plot::SweepPlot;

/// The most runs one sweep makes: past that, values are taken evenly across the range.
pub const MAX_RUNS: u32 = 64;

/// What one run of the sweep gave.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// The knob's value for this run.
    pub value: u32,
    /// Virtual milliseconds the run took.
    pub elapsed_ms: f64,
    /// The most requests in flight at once.
    pub peak_in_flight: u64,
    /// Requests that failed or answered an error status.
    pub failed_requests: u64,
    /// The run's error, if it ended with one.
    pub error: Option<String>,
}

impl Point {
    fn of(value: u32, report: &Report) -> Point {
        Point {
            value,
            elapsed_ms: report.elapsed_ms,
            peak_in_flight: report.trace.peak_in_flight,
            failed_requests: report.trace.failed_requests,
            error: report.error.clone(),
        }
    }
}

/// The values a sweep of `knob` runs: every one in its range, or [`MAX_RUNS`] of them spread
/// evenly from its minimum to its maximum.
pub fn values(knob: &Knob) -> Vec<u32> {
    let (min, max) = (knob.spec.min, knob.spec.max);
    let count = max - min + 1;
    if count <= MAX_RUNS {
        return (min..=max).collect();
    }
    let step = f64::from(max - min) / f64::from(MAX_RUNS - 1);
    let mut values: Vec<u32> = (0..MAX_RUNS)
        .map(|i| min + (f64::from(i) * step).round() as u32)
        .collect();
    values.dedup();
    values
}

/// The sweep's progress.
#[derive(Clone, Debug, Default, PartialEq)]
struct Sweep {
    points: Vec<Point>,
    /// Runs planned; 0 before the first sweep.
    planned: usize,
    running: bool,
    /// A run generation: points of an older sweep that still arrive are dropped.
    generation: u32,
}

enum Step {
    Start(usize),
    Point(u32, Point),
    End(u32),
}

impl Reducible for Sweep {
    type Action = Step;

    fn reduce(self: Rc<Self>, action: Step) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Step::Start(planned) => {
                next = Sweep {
                    points: Vec::new(),
                    planned,
                    running: true,
                    generation: self.generation + 1,
                };
            }
            Step::Point(generation, point) if generation == self.generation => {
                next.points.push(point);
            }
            Step::End(generation) if generation == self.generation => next.running = false,
            Step::Point(..) | Step::End(_) => return self,
        }
        Rc::new(next)
    }
}

#[derive(Properties, PartialEq)]
pub struct SweepProps {
    pub lesson: &'static str,
    pub snippet: &'static str,
    /// The name of the knob swept.
    pub knob: &'static str,
    /// The card's other knobs, checked; `None` while one is invalid.
    pub knobs: Option<KnobValues>,
    /// The value the card's knob has now, marked on the plot.
    pub current: Option<u32>,
    /// The card is running: the sweep waits.
    pub card_running: bool,
    /// The program of the card's latest run when it was not the site's (an edited build): the
    /// sweep runs the code the card ran.
    #[prop_or_default]
    pub program: Option<Program>,
    pub level: u8,
    pub lang: Lang,
}

/// "Run for every value": the button, the progress, the plot and its table.
#[component]
pub fn SweepPanel(props: &SweepProps) -> Html {
    let lang = props.lang;
    let sweep = use_reducer(Sweep::default);
    let stop_asked = use_mut_ref(|| Rc::new(Cell::new(false)));
    let knob = content::snippet(props.lesson, props.snippet)
        .and_then(|s| s.knobs.iter().find(|k| k.spec.name == props.knob))
        .expect("the build checks that a swept knob is declared");
    let label = knob.label(lang);
    let values = values(knob);

    let on_run = {
        let (sweep, stop_asked) = (sweep.clone(), stop_asked.clone());
        let knobs = props.knobs.clone();
        let (lesson, snippet, program) = (props.lesson, props.snippet, props.program);
        let values = values.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(knobs) = knobs.clone() else {
                return;
            };
            let stop = Rc::new(Cell::new(false));
            *stop_asked.borrow_mut() = stop.clone();
            let generation = sweep.generation + 1;
            sweep.dispatch(Step::Start(values.len()));
            let (sweep, values) = (sweep.clone(), values.clone());
            wasm_bindgen_futures::spawn_local(async move {
                for value in values {
                    if stop.get() {
                        break;
                    }
                    let mut run_knobs = knobs.clone();
                    run_knobs.insert(knob.spec.name.to_owned(), f64::from(value));
                    let options = RunOptions {
                        virtual_time: true,
                        program,
                        ..RunOptions::default()
                    };
                    let end = bridge()
                        .run(lesson, snippet, run_knobs, options, Box::new(|_| {}))
                        .await;
                    match end {
                        RunEnd::Finished(report) => {
                            sweep.dispatch(Step::Point(generation, Point::of(value, &report)));
                        }
                        RunEnd::Stopped => break,
                    }
                }
                sweep.dispatch(Step::End(generation));
            });
        })
    };
    let on_stop = {
        let stop_asked = stop_asked.clone();
        Callback::from(move |_: MouseEvent| stop_asked.borrow().set(true))
    };

    let done = sweep.points.len();
    let can_run = !sweep.running && !props.card_running && props.knobs.is_some();
    html! {
        <section class="sweep" data-state={if sweep.running { "running" } else if done > 0 { "done" } else { "idle" }}
                 data-runs={done.to_string()}>
            <@{format!("h{}", props.level)} class="sweep-title">{ lang.sweep_title(label) }</@>
            <p class="note">{ lang.sweep_note(label, values.len(), values[0], values[values.len() - 1]) }</p>
            <div class="sweep-controls">
                <button class="sweep-run" type="button" onclick={on_run} disabled={!can_run}>
                    { lang.sweep_run(values.len()) }
                </button>
                <button class="sweep-stop" type="button" onclick={on_stop} disabled={!sweep.running}>
                    { lang.t().stop }
                </button>
                if sweep.planned > 0 {
                    <progress max={sweep.planned.to_string()} value={done.to_string()}
                              aria-label={lang.sweep_progress(done, sweep.planned)} />
                    <span class="sweep-status" role="status">{ lang.sweep_progress(done, sweep.planned) }</span>
                }
            </div>
            if !sweep.points.is_empty() {
                <SweepPlot points={sweep.points.clone()} {label} current={props.current}
                           range={(values[0], values[values.len() - 1])} {lang} />
            }
        </section>
    }
}
