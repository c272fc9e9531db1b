//! The replayed state matches what the executor itself reports, step by step; the timeline
//! reads tasks, waits and requests out of real traces.

use std::rc::Rc;
use std::time::Duration;

use executor::sync::mpsc;
use executor::trace::{Event, Record, TurnStop, WaitOn, WakeSource};
use executor::{
    Executor, Host, TaskState, VirtualHost, fetch, fetch_blocking, sleep, spawn, spawn_named,
};
use replay::{
    ExecState, LaneEnd, LaneOf, SegmentKind, TaskPhase, TimelineBuilder, one_by_one_us, timeline,
};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A program with timers, requests, a channel and a join.
async fn program() {
    let (tx, mut rx) = mpsc::unbounded_channel::<u32>();
    let sleeper = spawn_named("sleeper", async move {
        sleep(ms(30)).await;
        tx.send(1).await.unwrap();
    });
    let fetcher = spawn(async {
        fetch("api/page/1?delay=50").await.unwrap();
    });
    rx.recv().await;
    sleeper.await.unwrap();
    fetcher.await.unwrap();
}

/// What the one task that fails says as it panics.
const DOOMED: &str = "this task was meant to fail";

/// [`program`], with a task beside it that panics.
async fn program_with_a_failure() {
    let doomed = spawn_named("doomed", async {
        sleep(ms(10)).await;
        panic!("{DOOMED}");
    });
    program().await;
    assert!(doomed.await.is_err(), "the doomed task failed");
}

fn phase_of(state: TaskState) -> TaskPhase {
    match state {
        TaskState::Scheduled => TaskPhase::Scheduled,
        TaskState::Running => TaskPhase::Running,
        TaskState::Waiting(on) => TaskPhase::Waiting(on),
        TaskState::Stuck => TaskPhase::Stuck,
        TaskState::Done => TaskPhase::Done,
        // The inspector says a task failed; the trace also says what its panic said.
        TaskState::Failed => TaskPhase::Failed(DOOMED.into()),
        TaskState::Cancelled => TaskPhase::Cancelled,
    }
}

#[test]
fn the_replayed_state_agrees_with_the_inspector_at_every_step() {
    let host = Rc::new(VirtualHost::new());
    let ex = Executor::with_host(host.clone());
    let log = ex.record_trace();
    ex.set_step_mode(true);
    let main = ex.spawn(program_with_a_failure());
    let mut steps = 0;
    let mut saw_failed = false;
    while !main.is_finished() {
        if ex.inspect().ready.is_empty() {
            // Nothing to poll: jump the virtual clock to the next deadline and fire it.
            let next = ex.inspect().alarm_us.expect("something to wait for");
            host.advance_to(next);
            ex.turn(0);
            continue;
        }
        ex.step();
        assert_eq!(ex.turn(usize::MAX), 1, "one poll per step");
        steps += 1;
        let seen = ex.inspect();
        let replayed = ExecState::at(&log.borrow(), log.borrow().len());
        assert_eq!(
            replayed.ready.iter().copied().collect::<Vec<_>>(),
            seen.ready,
            "ready queue after step {steps}"
        );
        for task in &seen.tasks {
            saw_failed |= task.state == TaskState::Failed;
            let mine = replayed.task(task.id).expect("every live task is replayed");
            assert_eq!(
                mine.phase,
                phase_of(task.state),
                "task {} after step {steps}",
                task.id
            );
        }
        assert_eq!(replayed.requests.len() as u32, seen.requests_in_flight);
        assert_eq!(replayed.counters.turns, ex.snapshot().stats.turns);
        let turn = replayed.turn.expect("a turn ran");
        assert_eq!((turn.polls, turn.ended), (1, Some(TurnStop::Paused)));
    }
    assert!(steps >= 6, "took {steps} steps");
    assert!(
        saw_failed,
        "the failed task was compared while the inspector listed it"
    );
}

fn trace_of<F: std::future::Future<Output = ()> + 'static>(f: F) -> Vec<Record> {
    let ex = Executor::new(VirtualHost::new());
    let log = ex.record_trace();
    ex.block_on(f).unwrap();

    log.borrow().clone()
}

#[test]
fn the_turn_going_on_counts_its_polls_and_says_why_it_ended() {
    let records = trace_of(program());
    // The first turn polls `main`, which spawns two tasks; they are polled in the same turn.
    let polls: Vec<usize> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(r.event, Event::PollStart { .. }))
        .map(|(i, _)| i)
        .collect();
    let second = ExecState::at(&records, polls[1] + 1);
    let turn = second.turn.expect("in a turn");
    assert_eq!((turn.n, turn.polls, turn.ended), (1, 2, None));
    assert_eq!((turn.budget, turn.started_us), (u32::MAX, 0));
    let end = records
        .iter()
        .position(|r| matches!(r.event, Event::TurnEnd { .. }))
        .unwrap();
    let ended = ExecState::at(&records, end + 1).turn.unwrap();
    assert_eq!(
        (ended.n, ended.polls, ended.ended),
        (1, 3, Some(TurnStop::Idle))
    );
    // Later turns count on; the last one ended with nothing ready.
    let last = ExecState::at(&records, records.len());
    assert!(last.counters.turns > 1);
    assert_eq!(last.turn.unwrap().n, last.counters.turns);
    assert_eq!(last.turn.unwrap().ended, Some(TurnStop::Idle));
}

#[test]
fn a_wake_up_waits_in_the_ready_queue_until_its_poll() {
    // Two sleepers wake in the same turn; the first computes for 5 ms before the second is
    // polled.
    let records = trace_of(async {
        let first = spawn(async {
            sleep(ms(10)).await;
            executor::busy(ms(5));
        });
        let second = spawn(async {
            sleep(ms(10)).await;
        });
        first.await.unwrap();
        second.await.unwrap();
    });
    let c = ExecState::at(&records, records.len()).counters;
    // The sleepers' wake-ups, and main's when `first` ends; spawns are not wake-ups.
    assert_eq!(c.woken_polls, 3);
    assert_eq!(c.wake_to_poll_max_us, 5_000);
    assert_eq!(c.wake_to_poll_us, 5_000);
    assert_eq!(c.wake_to_poll_avg_us(), Some(1_666));
    assert_eq!(ExecState::default().counters.wake_to_poll_avg_us(), None);
}

#[test]
fn earlier_states_can_be_revisited() {
    let records = trace_of(program());
    let end = ExecState::at(&records, records.len());
    assert!(end.tasks.iter().all(|t| t.phase == TaskPhase::Done));
    assert!(end.ready.is_empty() && end.requests.is_empty() && end.sleepers.is_empty());
    assert_eq!(end.counters.requests, 1);
    // Right after the first poll of `main`: it waits on the channel, two tasks are ready.
    let first_pend = records
        .iter()
        .position(|r| matches!(r.event, Event::Wait { task: 1, .. }))
        .unwrap();
    let early = ExecState::at(&records, first_pend + 1);
    assert_eq!(
        early.task(1).unwrap().phase,
        TaskPhase::Waiting(WaitOn::Channel)
    );
    assert_eq!(early.ready.iter().copied().collect::<Vec<_>>(), [2, 3]);
    assert_eq!(early.task(2).unwrap().label(), "sleeper");
    // When the sleeper sleeps, the inspector lists it with its deadline.
    let sleeping = records
        .iter()
        .position(|r| matches!(r.event, Event::Sleep { .. }))
        .unwrap();
    let s = ExecState::at(&records, sleeping + 1);
    assert_eq!(s.sleepers.len(), 1);
    assert_eq!(
        (s.sleepers[0].task, s.sleepers[0].until_us),
        (Some(2), 30_000)
    );
}

#[test]
fn lanes_show_tasks_with_their_waits_and_requests_after_their_task() {
    let records = trace_of(program());
    let lanes = timeline(&records);
    let labels: Vec<_> = lanes.iter().map(|l| l.label.as_str()).collect();
    assert_eq!(labels, ["main", "sleeper", "task 3", "GET page 1"]);
    let main = &lanes[0];
    let kinds: Vec<_> = main.segments.iter().map(|s| s.kind).collect();
    assert!(kinds.contains(&SegmentKind::Channel), "{kinds:?}");
    assert!(kinds.contains(&SegmentKind::Task), "{kinds:?}");
    assert_eq!(main.end.as_ref().map(|e| &e.1), Some(&LaneEnd::Done));
    // The channel wake names the sleeper.
    assert!(
        main.wakes
            .iter()
            .any(|w| w.by == WakeSource::Channel(Some(2)) && w.at_us == 30_000)
    );
    let sleeper = &lanes[1];
    assert!(
        sleeper
            .segments
            .iter()
            .any(|s| s.kind == SegmentKind::Timer && s.end_us == Some(30_000))
    );
    let page = &lanes[3];
    assert_eq!(page.of, LaneOf::Request(1));
    assert_eq!(page.owner, Some(3));
    assert_eq!(
        (page.start_us, page.end.as_ref().map(|e| e.0)),
        (0, Some(50_000))
    );
}

#[test]
fn a_blocking_call_shows_as_the_task_blocked() {
    let records = trace_of(async {
        for n in 1..=2 {
            fetch_blocking(&format!("api/page/{n}?delay=100")).unwrap();
        }
    });
    let lanes = timeline(&records);
    let blocked: Vec<_> = lanes[0]
        .segments
        .iter()
        .filter(|s| s.kind == SegmentKind::Blocked)
        .map(|s| (s.start_us, s.end_us))
        .collect();
    assert_eq!(blocked, [(0, Some(100_000)), (100_000, Some(200_000))]);
}

#[test]
fn a_panic_and_an_abort_end_their_lanes() {
    let records = trace_of(async {
        let slow = spawn(sleep(ms(100)));
        let bad = spawn(async { panic!("no title") });
        sleep(ms(10)).await;
        slow.abort();
        let _ = bad.await;
    });
    let lanes = timeline(&records);
    assert_eq!(lanes[1].end, Some((10_000, LaneEnd::Cancelled)));
    assert_eq!(
        lanes[2].end.as_ref().map(|e| e.1.clone()),
        Some(LaneEnd::Failed("no title".into()))
    );
    let end = ExecState::at(&records, records.len());
    assert_eq!(
        end.task(3).unwrap().phase,
        TaskPhase::Failed("no title".into())
    );
    assert_eq!(end.task(2).unwrap().phase, TaskPhase::Cancelled);
}

#[test]
fn one_by_one_adds_up_the_waits_that_overlapped() {
    // Three 100 ms requests at once and a 50 ms sleep beside them: 350 ms of waiting in 100 ms.
    let concurrent = trace_of(async {
        let pages: Vec<_> = (1..=3)
            .map(|n| spawn(async move { fetch(format!("api/page/{n}?delay=100")).await.unwrap() }))
            .collect();
        sleep(ms(50)).await;
        for page in pages {
            page.await.unwrap();
        }
    });
    let lanes = timeline(&concurrent);
    assert_eq!(one_by_one_us(&lanes), 350_000);
    // Worked out in place over the builder's lanes, it is the same sum.
    let mut builder = TimelineBuilder::default();
    concurrent.iter().for_each(|r| builder.push(r));
    assert_eq!(builder.one_by_one_us(None), 350_000);
    // Blocking requests already wait one by one: the sum is the run's own length.
    let blocking = trace_of(async {
        for n in 1..=3 {
            fetch_blocking(&format!("api/page/{n}?delay=100")).unwrap();
        }
    });
    let lanes = timeline(&blocking);
    let total = blocking.last().unwrap().t_us;
    assert_eq!(one_by_one_us(&lanes), 300_000);
    assert!(total >= 300_000, "{total}");
}

#[test]
fn one_by_one_counts_a_wait_left_open_up_to_the_end_given() {
    // A task still asleep when `main` returns after 30 ms: its 1 s sleep has no end in the trace.
    let records = trace_of(async {
        let _left = spawn(sleep(ms(1000)));
        sleep(ms(30)).await;
    });
    let end_us = records.last().unwrap().t_us;
    assert_eq!(end_us, 30_000);
    let mut builder = TimelineBuilder::default();
    records.iter().for_each(|r| builder.push(r));
    // Without an end, only the closed wait counts (main's 30 ms); closed at the end of the run,
    // the task's sleep counts its 30 ms too.
    assert_eq!(builder.one_by_one_us(None), 30_000);
    assert_eq!(builder.one_by_one_us(Some(end_us)), 60_000);
}

#[test]
fn tasks_are_counted_by_the_state_they_marked_last() {
    fn mark(label: &str) {
        let task = executor::current_task();
        executor::trace::emit(|| Event::Mark {
            task,
            label: label.into(),
            line: 1,
        });
    }
    let trace = trace_of(async {
        let tasks: Vec<_> = (1..=3u64)
            .map(|n| {
                spawn(async move {
                    mark("waiting");
                    sleep(ms(10 * n)).await;
                    mark("done");
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
    fn counts(state: &ExecState) -> Vec<(&str, u32)> {
        state.states.iter().map(|(l, n)| (l.as_str(), *n)).collect()
    }
    let marks: Vec<usize> = trace
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(r.event, Event::Mark { .. }))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(marks.len(), 6);
    assert_eq!(counts(&ExecState::at(&trace, marks[2])), [("waiting", 3)]);
    assert_eq!(
        counts(&ExecState::at(&trace, marks[3])),
        [("waiting", 2), ("done", 1)]
    );
    assert_eq!(
        counts(&ExecState::at(&trace, trace.len())),
        [("waiting", 0), ("done", 3)]
    );
}
