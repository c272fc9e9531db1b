//! A run as a card shows it: its phase, its trace so far, the replay position, and its report,
//! kept in a reducer that the runner's callbacks update; and starting one.

use std::cell::RefCell;
use std::rc::Rc;

use executor::trace::{Event, Record};
use protocol::{KnobValues, Report};
use replay::{ExecState, Hidden, Lane, LaneEnd, Replay};
use yew::prelude::*;

use crate::i18n::Lang;
use crate::runner::{RunEnd, RunEvents, RunOptions, bridge};

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
    pub fn attr(self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Running => "running",
            Phase::Stepping => "stepping",
            Phase::Done => "done",
            Phase::Failed => "failed",
            Phase::Stopped => "stopped",
        }
    }

    pub fn word(self, lang: Lang) -> &'static str {
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

/// Lanes copied out of the trace for a view while a run goes on or is replayed: as many as the
/// timeline draws (its table lists the segments of the same lanes). A move of the replay copies
/// these out again, so it costs the same with 100 lanes or 50 000.
pub const LANES_MADE: usize = super::timeline::MAX_LANES;

/// The card's run, as a reducer so worker callbacks can update it.
#[derive(Clone, Debug)]
pub struct RunState {
    pub phase: Phase,
    pub run: Option<u32>,
    /// The trace so far, packed, and indexed for replay: snapshots of the state and the lanes
    /// as they grew, so any moment is shown without replaying from the start. Batches are
    /// appended in place (no copy per batch); `len` says how much of it this state has seen
    /// (while running, up to the last tick: the trace may have grown since), so equal lengths
    /// mean equal traces.
    pub replay: Rc<RefCell<Replay>>,
    pub len: usize,
    /// How much of the trace the live views show. While running it catches up with `len` on
    /// each clock tick rather than on each batch, so a run of thousands of events a second
    /// rebuilds the timeline ten times a second, not once per batch.
    pub view_len: usize,
    /// Events were dropped once the packed trace reached `protocol::MAX_TRACE_BYTES`.
    pub capped: bool,
    /// Lines printed after the cut (the runner still sends them), until the report has all.
    pub late_output: Rc<Vec<(f64, String)>>,
    /// Replay: how many events to show (None: all, the live end).
    pub cursor: Option<usize>,
    /// Open the replay at the start when the run ends (Step on the virtual clock).
    pub replay_from_start: bool,
    /// The run is on the virtual clock: it is over in the worker before its trace arrives,
    /// so the card draws it once, at the end, not as it streams in.
    pub virtual_time: bool,
    pub report: Option<Rc<Report>>,
    pub started_ms: f64,
    pub now_ms: f64,
    /// When the runner last showed its thread was free (page clock, ms).
    pub alive_ms: f64,
    /// The knob values the run was started with.
    pub knobs: Rc<KnobValues>,
}

impl PartialEq for RunState {
    fn eq(&self, other: &Self) -> bool {
        self.phase == other.phase
            && self.run == other.run
            && self.len == other.len
            && Rc::ptr_eq(&self.replay, &other.replay)
            && self.view_len == other.view_len
            && self.capped == other.capped
            && Rc::ptr_eq(&self.late_output, &other.late_output)
            && self.cursor == other.cursor
            && self.replay_from_start == other.replay_from_start
            && self.virtual_time == other.virtual_time
            && self.report == other.report
            && self.started_ms == other.started_ms
            && self.now_ms == other.now_ms
            && self.alive_ms == other.alive_ms
            && Rc::ptr_eq(&self.knobs, &other.knobs)
    }
}

impl Default for RunState {
    fn default() -> Self {
        RunState {
            phase: Phase::Idle,
            run: None,
            replay: Rc::default(),
            len: 0,
            view_len: 0,
            capped: false,
            late_output: Rc::default(),
            cursor: None,
            replay_from_start: false,
            virtual_time: false,
            report: None,
            started_ms: 0.0,
            now_ms: 0.0,
            alive_ms: 0.0,
            knobs: Rc::default(),
        }
    }
}

pub enum Action {
    Start {
        run: u32,
        at_ms: f64,
        stepping: bool,
        replay_from_start: bool,
        virtual_time: bool,
        knobs: Rc<KnobValues>,
    },
    /// Step mode ended: run on.
    Resume,
    /// Forget the last run (a comparison's second side, while its first runs).
    Clear,
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
    pub fn live(self) -> bool {
        matches!(self, Phase::Running | Phase::Stepping)
    }

    /// A run was and is over.
    pub fn ended(self) -> bool {
        matches!(self, Phase::Done | Phase::Failed | Phase::Stopped)
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
                virtual_time,
                knobs,
            } => {
                next = RunState {
                    knobs,
                    phase: if stepping {
                        Phase::Stepping
                    } else {
                        Phase::Running
                    },
                    replay_from_start,
                    virtual_time,
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
                    next.alive_ms = crate::runner::now_ms();
                    return Rc::new(next);
                }
                let mut replay = next.replay.borrow_mut();
                let mut kept = 0;
                for r in &records {
                    // Past the cut the trace keeps nothing, but the state at the end follows.
                    if replay.followed() > 0 || !protocol::keeps(replay.trace().bytes()) {
                        replay.follow(r);
                    } else {
                        replay.push(r);
                        kept += 1;
                    }
                }
                if kept < records.len() {
                    next.capped = true;
                    // Past the cut only the printed lines are kept, for the output.
                    let late = printed(&records[kept..]);
                    if !late.is_empty() {
                        Rc::make_mut(&mut next.late_output).extend(late);
                    }
                }
                let len = replay.len();
                drop(replay);
                // Stepping shows each step at once; a running trace waits for the next tick,
                // and until then the card is not even rendered again: the batches of a fast
                // run come sixty times a second, the ticks ten.
                let first = self.view_len == 0 && !self.virtual_time;
                if self.phase == Phase::Stepping || first || self.phase.ended() {
                    next.len = len;
                    next.view_len = len;
                } else if next.capped == self.capped
                    && next.late_output.len() == self.late_output.len()
                {
                    return self;
                }
            }
            Action::Resume if self.phase == Phase::Stepping => next.phase = Phase::Running,
            Action::Clear => next = RunState::default(),
            Action::Seek(at) if self.phase != Phase::Running => {
                next.cursor = (at < self.len).then_some(at);
            }
            Action::End { run, end } if self.run == Some(run) => match end {
                RunEnd::Stopped => {
                    next.phase = Phase::Stopped;
                    next.len = self.replay.borrow().len();
                    next.view_len = next.len;
                }
                RunEnd::Finished(report) => {
                    next.len = self.replay.borrow().len();
                    next.view_len = next.len;
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
            Action::Tick(now) if self.phase.live() => {
                next.now_ms = now;
                if !self.virtual_time {
                    next.len = self.replay.borrow().len();
                    next.view_len = next.len;
                }
            }
            _ => return self,
        }
        Rc::new(next)
    }
}

impl RunState {
    /// The lanes of the events shown. Once the run is over (a panic, Stop, or tasks left
    /// behind) and the whole trace is shown, lanes still open are closed as cancelled.
    ///
    /// Only the first [`LANES_MADE`] lanes are copied out of the trace, with a count of the
    /// rest.
    pub fn lanes(&self, shown: usize) -> (Vec<Lane>, Hidden) {
        let replay = self.replay.borrow();
        let (mut lanes, hidden) = replay.lanes_at_most(shown, LANES_MADE);
        if let Some(end_us) = self.closed_at(shown) {
            for lane in lanes.iter_mut().filter(|l| l.end.is_none()) {
                if let Some(seg) = lane.open_segment_mut() {
                    seg.end_us = Some(end_us);
                }
                lane.end = Some((end_us, LaneEnd::Cancelled));
            }
        }
        (lanes, hidden)
    }

    /// When lanes still open at `shown` were cut off: the end of the trace, once the run is
    /// over and the whole trace is shown. (A cut trace ends before the run did: its open
    /// lanes went on, they were not cancelled.)
    fn closed_at(&self, shown: usize) -> Option<u64> {
        let replay = self.replay.borrow();
        (!self.phase.live() && shown >= replay.len() && !self.capped)
            .then(|| replay.trace().last_us())
    }

    /// What the run's waits would have taken one after another, over every lane of the whole
    /// trace ([`replay::one_by_one_us`]), in ms.
    pub fn one_by_one_ms(&self) -> f64 {
        let open_to = self.closed_at(usize::MAX);
        self.replay.borrow().one_by_one_us(open_to) as f64 / 1000.0
    }

    /// The executor's state after the first `shown` events, from the nearest snapshot.
    pub fn exec_at(&self, shown: usize) -> ExecState {
        self.replay.borrow().state_at(shown)
    }

    /// The lines printed among the first `shown` events, with their times in ms. At the end of
    /// a finished run they are the report's, which has every line even when the trace was cut;
    /// while a cut run goes on, the lines that came after the cut follow.
    pub fn output(&self, shown: usize) -> Vec<(f64, String)> {
        let at_end = self.cursor.is_none();
        if let (true, Some(report)) = (at_end, &self.report) {
            return report
                .output
                .iter()
                .map(|l| (l.t_ms, l.text.clone()))
                .collect();
        }
        let mut lines: Vec<(f64, String)> = self
            .replay
            .borrow()
            .printed(shown)
            .iter()
            .map(|p| (p.t_ms, p.text.clone()))
            .collect();
        if at_end && self.capped {
            lines.extend(self.late_output.iter().cloned());
        }
        lines
    }

    /// The events of the whole run when the card could not keep them all: (kept, total).
    /// The total is known once the run has reported.
    pub fn partial(&self) -> Option<(usize, Option<u64>)> {
        let total = self.report.as_ref().map(|r| r.trace.events);
        let cut = self.capped || total.is_some_and(|t| t > self.len as u64);
        cut.then_some((self.len, total))
    }

    /// The run's length so far: the report's total once it ended, else the later of the last
    /// event and the page clock.
    pub fn total_ms(&self) -> f64 {
        if let Some(report) = &self.report {
            return report.elapsed_ms;
        }
        let latest_ms = self.replay.borrow().trace().last_us() as f64 / 1000.0;
        latest_ms.max(self.now_ms - self.started_ms)
    }
}

/// What a run reports back besides its trace: called once it has ended.
pub type OnFinished = Box<dyn Fn(&RunEnd)>;

/// Starts a run of `lesson/snippet` whose trace and end go to `state`. A run that finishes
/// counts for the reader's progress.
pub fn launch(
    state: &UseReducerHandle<RunState>,
    (lesson, snippet): (&'static str, &'static str),
    knobs: KnobValues,
    options: RunOptions,
    on_finished: OnFinished,
) {
    let (on_trace, on_end) = (state.dispatcher(), state.dispatcher());
    let virtual_run = bridge().net().network(options.virtual_time) == protocol::Network::Virtual;
    let run = bridge().next_run_id();
    state.dispatch(Action::Start {
        run,
        at_ms: crate::runner::now_ms(),
        stepping: options.step_mode && !virtual_run,
        replay_from_start: options.step_mode && virtual_run,
        virtual_time: virtual_run,
        knobs: Rc::new(knobs.clone()),
    });
    let events = RunEvents {
        on_trace: Box::new(move |records: &[Record]| {
            on_trace.dispatch(Action::Trace {
                run,
                records: records.to_vec(),
            })
        }),
        on_end: Box::new(move |end| {
            if matches!(end, RunEnd::Finished(_)) {
                crate::progress::ran(lesson, snippet);
            }
            on_finished(&end);
            on_end.dispatch(Action::End { run, end })
        }),
    };
    if options.page_thread {
        bridge().run_on_page(run, lesson, snippet, knobs, options.program, events);
    } else {
        bridge().run_with_id(run, lesson, snippet, knobs, options, events);
    }
}

/// The longest time the run held its thread in one poll, in ms: for a snippet on the page's
/// thread, how long the page could not paint.
pub fn longest_poll_ms(records: impl Iterator<Item = Record>) -> f64 {
    let mut started = std::collections::HashMap::new();
    let mut longest = 0;
    for r in records {
        match r.event {
            Event::PollStart { task } => {
                started.insert(task, r.t_us);
            }
            Event::PollEnd { task, .. } => {
                if let Some(at) = started.remove(&task) {
                    longest = longest.max(r.t_us - at);
                }
            }
            _ => {}
        }
    }
    longest as f64 / 1000.0
}

/// Ticks the run's clock while it is live, so bars of requests in flight grow; and ends the
/// run when its card goes away (the reader left the lesson), so nothing runs unseen.
#[hook]
pub fn use_run_clock(state: &UseReducerHandle<RunState>) {
    let live_run = use_mut_ref(|| None::<u32>);
    *live_run.borrow_mut() = state.run.filter(|_| state.phase.live());
    use_effect_with((), move |_| {
        move || {
            if let Some(run) = live_run.borrow_mut().take() {
                bridge().stop(run);
            }
        }
    });
    let dispatcher = state.dispatcher();
    use_effect_with(state.phase, move |phase| {
        let interval = phase.live().then(|| {
            gloo_timers::callback::Interval::new(100, move || {
                dispatcher.dispatch(Action::Tick(crate::runner::now_ms()))
            })
        });
        move || drop(interval)
    });
}

/// The lines a run printed among its first `shown` events, with their times in ms.
pub fn printed(records: &[Record]) -> Vec<(f64, String)> {
    records
        .iter()
        .filter_map(|r| match &r.event {
            Event::Print { text, .. } => Some((r.t_us as f64 / 1000.0, text.clone())),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn print(t_us: u64, text: &str) -> Record {
        Record {
            t_us,
            event: Event::Print {
                task: None,
                text: text.into(),
            },
        }
    }

    #[test]
    fn lines_past_the_cut_still_show_and_the_end_shows_every_line_of_the_report() {
        let state = Rc::new(RunState::default()).reduce(Action::Start {
            run: 1,
            at_ms: 0.0,
            stepping: false,
            replay_from_start: false,
            virtual_time: false,
            knobs: Rc::default(),
        });
        // Long marks fill the packed trace to its cap within a few thousand records.
        let filler = |i: usize| Record {
            t_us: i as u64,
            event: Event::Mark {
                task: None,
                label: "x".repeat(4000),
                line: 1,
            },
        };
        let mut all: Vec<Record> = (0..3000).map(filler).collect();
        let kept = protocol::kept_len(&all);
        assert!((100..3000).contains(&kept), "{kept}");
        all.push(print(3000, "first past the cut"));
        let state = state.reduce(Action::Trace {
            run: 1,
            records: all.clone(),
        });
        assert!(state.capped);
        assert_eq!(state.len, kept);
        // The state at the end follows the records past the cut; the state at the cut stays.
        {
            let replay = state.replay.borrow();
            let end = replay.end_state().expect("a state past the cut");
            assert_eq!(end, &replay::ExecState::at(&all, all.len()));
            assert_eq!(replay.state_at(kept), replay::ExecState::at(&all, kept));
        }
        assert!(state.replay.borrow().trace().bytes() <= protocol::MAX_TRACE_BYTES + 4100);
        // The runner still sends what is printed past the cut.
        let late = print(3001, "second past the cut");
        all.push(late.clone());
        let state = state.reduce(Action::Trace {
            run: 1,
            records: vec![late],
        });
        let lines: Vec<String> = state.output(state.len).into_iter().map(|l| l.1).collect();
        assert_eq!(lines, ["first past the cut", "second past the cut"]);
        assert_eq!(state.partial(), Some((kept, None)));
        // At the end the output is the report's, and the note knows the whole count.
        all.push(print(3002, "the last line"));
        let report = Report::from_trace(&all, 1.0, None, protocol::Network::Virtual);
        let state = state.reduce(Action::End {
            run: 1,
            end: RunEnd::Finished(report),
        });
        let lines: Vec<String> = state.output(state.len).into_iter().map(|l| l.1).collect();
        assert_eq!(lines.last().map(String::as_str), Some("the last line"));
        assert_eq!(lines.len(), 3);
        assert_eq!(state.partial(), Some((kept, Some(all.len() as u64))));
        // Replaying a moment shows the lines printed up to it, from the trace kept.
        let state = state.reduce(Action::Seek(10));
        assert!(state.output(10).is_empty());
    }
}
