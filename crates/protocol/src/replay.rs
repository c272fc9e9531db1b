//! The executor's state at any point of a recorded run, rebuilt from its trace: what the
//! inspector, the timeline and the replay scrubber show.
//!
//! [`ExecState::apply`] folds one record into the state; [`ExecState::at`] folds the first
//! `n` records of a trace. [`timeline`] turns a trace into lanes of segments, one lane per task
//! and one per request.

use std::collections::VecDeque;

use executor::trace::{
    Diagnostic, Event, JobId, Outcome, Record, RequestId, TaskId, WaitOn, WakeSource, WorkerId,
};

use crate::packed::Packed;

/// Where a task is, as the inspector shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TaskPhase {
    /// Spawned or woken, on the ready queue.
    Scheduled,
    /// Being polled.
    Running,
    /// Returned `Pending` and waits for this.
    Waiting(WaitOn),
    /// Returned `Pending` and nothing kept its waker: it can never wake.
    Stuck,
    /// Finished.
    Done,
    /// Panicked with this message.
    Failed(String),
    /// Aborted before it finished.
    Cancelled,
}

impl TaskPhase {
    /// True once the task will never be polled again.
    pub fn ended(&self) -> bool {
        matches!(
            self,
            TaskPhase::Done | TaskPhase::Failed(_) | TaskPhase::Cancelled
        )
    }
}

/// One task as the inspector shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskView {
    /// The task's number.
    pub id: TaskId,
    /// The name it was spawned with, if any.
    pub name: Option<String>,
    /// The task that spawned it; `None` when spawned from outside any task.
    pub parent: Option<TaskId>,
    /// Where it is now.
    pub phase: TaskPhase,
    /// Times it has been polled.
    pub polls: u64,
    /// What woke it last.
    pub woken_by: Option<WakeSource>,
    /// The last state it marked (`tutor::state!`).
    pub state: Option<String>,
}

impl TaskView {
    /// Its name, or "task N".
    pub fn label(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| format!("task {}", self.id))
    }
}

/// A request in flight.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestView {
    /// The request's number.
    pub id: RequestId,
    /// The URL requested.
    pub url: String,
    /// The task that sent it; `None` outside any task.
    pub task: Option<TaskId>,
    /// When it went out, in microseconds since the run started.
    pub started_us: u64,
}

/// A sleeping task and its deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SleeperView {
    /// The sleeping task; `None` for a sleep started outside any task.
    pub task: Option<TaskId>,
    /// The deadline, in microseconds since the run started.
    pub until_us: u64,
}

/// What a worker thread of a blocking pool is doing.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum WorkerPhase {
    /// Loading its own copy of the program.
    Starting,
    /// Ready, with no job.
    Idle,
    /// Running this job.
    Busy(JobId),
    /// Stopped for good, for this reason.
    Gone(String),
}

/// One worker thread of a blocking pool.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkerView {
    /// The worker's number.
    pub id: WorkerId,
    /// What it is doing now.
    pub phase: WorkerPhase,
    /// When it began starting, in microseconds since the run started.
    pub started_us: u64,
    /// When it became ready.
    pub ready_us: Option<u64>,
    /// Its own heap, as it reported it.
    pub memory_bytes: Option<u64>,
    /// Jobs it has finished.
    pub jobs_done: u32,
}

/// A job handed to the blocking pool that has not ended yet.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobView {
    /// The job's number.
    pub id: JobId,
    /// The name the job's function is known by on the workers.
    pub name: String,
    /// The task that handed it over.
    pub task: Option<TaskId>,
    /// The worker running it, once one does.
    pub worker: Option<WorkerId>,
    /// When it was handed over, in microseconds since the run started.
    pub queued_us: u64,
}

/// Counters since the run started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Counters {
    /// Polls of any task.
    pub polls: u64,
    /// Times a task was put on the ready queue.
    pub wakes: u64,
    /// Polls after which the task had woken itself.
    pub self_wakes: u64,
    /// Times the host's one timer was armed.
    pub timers_armed: u64,
    /// Requests sent.
    pub requests: u64,
    /// Requests that failed or got an answer outside 2xx (not those dropped).
    pub failed_requests: u64,
    /// Lines printed.
    pub prints: u64,
    /// Jobs handed to the blocking pool.
    pub jobs: u64,
}

/// The executor at one moment of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecState {
    /// Records applied so far.
    pub applied: usize,
    /// The time of the last record applied, in microseconds since the run started.
    pub t_us: u64,
    /// Every task spawned so far, by id.
    pub tasks: Vec<TaskView>,
    /// Tasks waiting to be polled, next first.
    pub ready: VecDeque<TaskId>,
    /// The task being polled.
    pub running: Option<TaskId>,
    /// Sleepers whose deadline has not passed, earliest first.
    pub sleepers: Vec<SleeperView>,
    /// When the host's timer is armed for.
    pub alarm_us: Option<u64>,
    /// Requests started and not yet ended.
    pub requests: Vec<RequestView>,
    /// The blocking pool's worker threads, in the order they started.
    pub workers: Vec<WorkerView>,
    /// Jobs queued or running on a worker, oldest first.
    pub jobs: Vec<JobView>,
    /// Counts of polls, wakes, requests and the rest since the run started.
    pub counters: Counters,
    /// Problems the executor reported, oldest first.
    pub diagnostics: Vec<(TaskId, Diagnostic)>,
    /// Step mode: the task the executor will poll at the next step.
    pub paused_before: Option<TaskId>,
    /// The latest mark (`tutor::state!`): its label and source line.
    pub mark: Option<(String, u32)>,
    /// The task that woke itself during the poll in progress.
    #[serde(skip)]
    woke_itself: bool,
}

impl ExecState {
    /// The state after the first `n` records of `records`.
    pub fn at(records: &[Record], n: usize) -> ExecState {
        let mut state = ExecState::default();
        for r in &records[..n.min(records.len())] {
            state.apply(r);
        }
        state
    }

    /// About how many items the state holds: what a copy of it costs.
    fn weight(&self) -> usize {
        self.tasks.len()
            + self.ready.len()
            + self.sleepers.len()
            + self.requests.len()
            + self.workers.len()
            + self.jobs.len()
            + self.diagnostics.len()
    }

    /// A task by id.
    pub fn task(&self, id: TaskId) -> Option<&TaskView> {
        // Ids count up from 1 in spawn order, so the index is a good first guess.
        let guess = (id as usize).wrapping_sub(1);
        match self.tasks.get(guess) {
            Some(t) if t.id == id => Some(t),
            _ => self.tasks.iter().find(|t| t.id == id),
        }
    }

    fn task_mut(&mut self, id: TaskId) -> Option<&mut TaskView> {
        let guess = (id as usize).wrapping_sub(1);
        if self.tasks.get(guess).is_some_and(|t| t.id == id) {
            return self.tasks.get_mut(guess);
        }
        self.tasks.iter_mut().find(|t| t.id == id)
    }

    fn unready(&mut self, task: TaskId) {
        // Usually the task polled is the one at the front: no need to walk a long queue.
        if self.ready.front() == Some(&task) {
            self.ready.pop_front();
        } else {
            self.ready.retain(|t| *t != task);
        }
    }

    /// Folds one record into the state.
    pub fn apply(&mut self, record: &Record) {
        self.applied += 1;
        self.t_us = record.t_us;
        let now = record.t_us;
        // Sleepers are kept in deadline order: the ones due are at the front.
        let due = self.sleepers.partition_point(|s| s.until_us <= now);
        if due > 0 {
            self.sleepers.drain(..due);
        }
        match &record.event {
            Event::Spawn { task, name, parent } => {
                self.tasks.push(TaskView {
                    id: *task,
                    name: name.clone(),
                    parent: *parent,
                    phase: TaskPhase::Scheduled,
                    polls: 0,
                    woken_by: None,
                    state: None,
                });
                self.ready.push_back(*task);
            }
            Event::PollStart { task } => {
                self.unready(*task);
                self.running = Some(*task);
                self.paused_before = None;
                self.woke_itself = false;
                self.counters.polls += 1;
                if let Some(t) = self.task_mut(*task) {
                    t.phase = TaskPhase::Running;
                    t.polls += 1;
                }
            }
            Event::PollEnd { task, ready } => {
                if self.running == Some(*task) {
                    self.running = None;
                }
                if self.woke_itself {
                    self.counters.self_wakes += 1;
                }
                let woke_itself = std::mem::take(&mut self.woke_itself);
                if let Some(t) = self.task_mut(*task) {
                    if !*ready && t.phase == TaskPhase::Running {
                        // A `Wait` or `Diagnostic` follows and says what it waits for; a
                        // task that woke itself is back on the queue.
                        t.phase = if woke_itself {
                            TaskPhase::Scheduled
                        } else {
                            TaskPhase::Waiting(WaitOn::Other)
                        };
                    }
                }
            }
            Event::Wake { task, by } => {
                self.counters.wakes += 1;
                if self.running == Some(*task) {
                    self.woke_itself = true;
                }
                self.ready.push_back(*task);
                if let Some(t) = self.task_mut(*task) {
                    t.woken_by = Some(*by);
                    if !matches!(t.phase, TaskPhase::Running) && !t.phase.ended() {
                        t.phase = TaskPhase::Scheduled;
                    }
                }
            }
            Event::Wait { task, on } => {
                if let Some(t) = self.task_mut(*task) {
                    if !t.phase.ended() && t.phase != TaskPhase::Scheduled {
                        t.phase = TaskPhase::Waiting(*on);
                    }
                }
            }
            Event::Diagnostic { task, problem } => {
                if *problem == Diagnostic::LostWakeup {
                    if let Some(t) = self.task_mut(*task) {
                        t.phase = TaskPhase::Stuck;
                    }
                }
                self.diagnostics.push((*task, *problem));
            }
            Event::Done { task, outcome } => {
                // A task that finished in its poll is not queued; one aborted from outside
                // may be.
                let polled = self.running == Some(*task)
                    || self
                        .task(*task)
                        .is_some_and(|t| t.phase == TaskPhase::Running);
                if !polled {
                    self.unready(*task);
                }
                if !self.sleepers.is_empty() {
                    self.sleepers.retain(|s| s.task != Some(*task));
                }
                if let Some(t) = self.task_mut(*task) {
                    t.phase = match outcome {
                        Outcome::Finished => TaskPhase::Done,
                        Outcome::Panicked(m) => TaskPhase::Failed(m.clone()),
                        Outcome::Cancelled => TaskPhase::Cancelled,
                    };
                }
            }
            Event::Sleep { task, until_us } => {
                let at = self.sleepers.partition_point(|s| s.until_us <= *until_us);
                self.sleepers.insert(
                    at,
                    SleeperView {
                        task: *task,
                        until_us: *until_us,
                    },
                );
            }
            Event::TimerArmed { at_us } => {
                self.alarm_us = Some(*at_us);
                self.counters.timers_armed += 1;
            }
            Event::TimerFired { .. } => {
                if self.alarm_us.is_some_and(|a| a <= now) {
                    self.alarm_us = None;
                }
            }
            Event::FetchStart { request, task, url } => {
                self.counters.requests += 1;
                self.requests.push(RequestView {
                    id: *request,
                    url: url.clone(),
                    task: *task,
                    started_us: now,
                });
            }
            Event::FetchEnd {
                request, status, ..
            } => {
                if !(200..300).contains(status) {
                    self.counters.failed_requests += 1;
                }
                self.requests.retain(|r| r.id != *request);
            }
            Event::FetchError { request, .. } => {
                self.counters.failed_requests += 1;
                self.requests.retain(|r| r.id != *request);
            }
            Event::FetchAbort { request } => self.requests.retain(|r| r.id != *request),
            Event::Paused { next } => self.paused_before = Some(*next),
            Event::Print { .. } => self.counters.prints += 1,
            Event::Mark { task, label, line } => {
                if let Some(t) = task.and_then(|id| self.task_mut(id)) {
                    t.state = Some(label.clone());
                }
                self.mark = Some((label.clone(), *line));
            }
            Event::WorkerStart { worker } => self.workers.push(WorkerView {
                id: *worker,
                phase: WorkerPhase::Starting,
                started_us: now,
                ready_us: None,
                memory_bytes: None,
                jobs_done: 0,
            }),
            Event::WorkerReady {
                worker,
                memory_bytes,
            } => {
                if let Some(w) = self.workers.iter_mut().find(|w| w.id == *worker) {
                    w.phase = WorkerPhase::Idle;
                    w.ready_us = Some(now);
                    w.memory_bytes = *memory_bytes;
                }
            }
            Event::WorkerGone { worker, reason } => {
                if let Some(w) = self.workers.iter_mut().find(|w| w.id == *worker) {
                    w.phase = WorkerPhase::Gone(reason.clone());
                }
            }
            Event::JobQueued { job, task, name } => {
                self.counters.jobs += 1;
                self.jobs.push(JobView {
                    id: *job,
                    name: name.clone(),
                    task: *task,
                    worker: None,
                    queued_us: now,
                });
            }
            Event::JobStart { job, worker } => {
                if let Some(j) = self.jobs.iter_mut().find(|j| j.id == *job) {
                    j.worker = Some(*worker);
                }
                if let Some(w) = self.workers.iter_mut().find(|w| w.id == *worker) {
                    w.phase = WorkerPhase::Busy(*job);
                }
            }
            Event::JobEnd { job, .. } => {
                self.jobs.retain(|j| j.id != *job);
                for w in &mut self.workers {
                    if w.phase == WorkerPhase::Busy(*job) {
                        w.phase = WorkerPhase::Idle;
                        w.jobs_done += 1;
                    }
                }
            }
        }
    }
}

/// What a stretch of a lane shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SegmentKind {
    /// On the ready queue, not yet polled.
    Ready,
    /// Being polled (using the thread).
    Running,
    /// Being polled and stuck in a blocking call: the whole thread waits.
    Blocked,
    /// Waiting for a timer.
    Timer,
    /// Waiting for a request.
    Network,
    /// Waiting for a channel, semaphore or lock.
    Channel,
    /// Waiting for another task to finish.
    Task,
    /// Waiting for something the executor does not know.
    Other,
    /// Waiting with no waker kept: nothing will ever wake it.
    Stuck,
    /// A request in flight.
    Request,
    /// Waiting for a job on a worker thread.
    WaitJob,
    /// A worker thread loading its copy of the program.
    Starting,
    /// A worker thread running a job.
    Job,
}

impl SegmentKind {
    fn waiting(on: WaitOn) -> SegmentKind {
        match on {
            WaitOn::Timer => SegmentKind::Timer,
            WaitOn::Network(_) => SegmentKind::Network,
            WaitOn::Channel => SegmentKind::Channel,
            WaitOn::Task(_) => SegmentKind::Task,
            WaitOn::Job(_) => SegmentKind::WaitJob,
            WaitOn::Other => SegmentKind::Other,
        }
    }

    /// The CSS class (and test hook) of the kind.
    pub fn name(self) -> &'static str {
        match self {
            SegmentKind::Ready => "ready",
            SegmentKind::Running => "running",
            SegmentKind::Blocked => "blocked",
            SegmentKind::Timer => "timer",
            SegmentKind::Network => "network",
            SegmentKind::Channel => "channel",
            SegmentKind::Task => "task",
            SegmentKind::Other => "other",
            SegmentKind::Stuck => "stuck",
            SegmentKind::Request => "request",
            SegmentKind::WaitJob => "wait-job",
            SegmentKind::Starting => "starting",
            SegmentKind::Job => "job",
        }
    }
}

/// One stretch of a lane, in microseconds since the run started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// What the lane shows in this stretch.
    pub kind: SegmentKind,
    /// When it began.
    pub start_us: u64,
    /// `None` while it lasts.
    pub end_us: Option<u64>,
}

/// How a lane ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LaneEnd {
    /// A task finished, or a request got a 2xx answer.
    Done,
    /// A task panicked, or a request failed (the message, or the HTTP status).
    Failed(String),
    /// A task was aborted, or a request dropped.
    Cancelled,
}

/// What a lane is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LaneOf {
    /// A task, from its spawn to its end.
    Task(TaskId),
    /// A request, from when it went out until it ended.
    Request(RequestId),
    /// A worker thread of the blocking pool.
    Worker(WorkerId),
}

/// A wake-up drawn on a lane: who woke the task, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WakeMark {
    /// When, in microseconds since the run started.
    pub at_us: u64,
    /// What woke the task.
    pub by: WakeSource,
}

/// One row of the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lane {
    /// The task, request or worker the lane follows.
    pub of: LaneOf,
    /// "main", "task 3", "GET page 4" (or the URL), "worker 2".
    pub label: String,
    /// When it was spawned, sent or started, in microseconds since the run started.
    pub start_us: u64,
    /// Its stretches, in order; only the last may still be open.
    pub segments: Vec<Segment>,
    /// The wake-ups of a task, in order.
    pub wakes: Vec<WakeMark>,
    /// When and how it ended, if it has.
    pub end: Option<(u64, LaneEnd)>,
    /// A request's task; a task's parent.
    pub owner: Option<TaskId>,
}

impl Lane {
    fn current(&self) -> Option<SegmentKind> {
        self.segments
            .last()
            .filter(|s| s.end_us.is_none())
            .map(|s| s.kind)
    }
}

/// "page 3" for a slow-web URL, else the URL itself (request lanes say "GET page 3").
pub fn request_label(url: &str) -> String {
    url.rsplit_once("api/page/")
        .and_then(|(_, rest)| rest.split(['?', '#']).next())
        .map(|n| format!("page {n}"))
        .unwrap_or_else(|| url.to_owned())
}

/// How long the run's waits would take one after another: every request from start to end,
/// every job a worker ran, plus every stretch a task spent waiting on a timer. Set against the run's total, it is the
/// speed-up that overlapping the waits bought (about 1 for a run that waits one by one).
pub fn one_by_one_us(lanes: &[Lane]) -> u64 {
    let span = |start: u64, end: Option<u64>| end.map_or(0, |e| e.saturating_sub(start));
    lanes
        .iter()
        .map(|lane| match lane.of {
            LaneOf::Request(_) => span(lane.start_us, lane.end.as_ref().map(|e| e.0)),
            LaneOf::Task(_) | LaneOf::Worker(_) => lane
                .segments
                .iter()
                .filter(|s| matches!(s.kind, SegmentKind::Timer | SegmentKind::Job))
                .map(|s| span(s.start_us, s.end_us))
                .sum(),
        })
        .sum()
}

/// The lanes of a trace: tasks in spawn order, each followed by the requests it made, then
/// the blocking pool's workers.
pub fn timeline(records: &[Record]) -> Vec<Lane> {
    let mut builder = TimelineBuilder::default();
    for r in records {
        builder.push(r);
    }
    builder.lanes_at(records.len())
}

/// Where a segment's record numbers are: the record that opened it, the one that closed it
/// (`usize::MAX` while open), and the record that told what it waits for with the kind it had
/// before (a `Wait` after a `PollEnd`).
#[derive(Clone, Copy, Debug)]
struct SegAt {
    start: usize,
    end: usize,
    refined: Option<(usize, SegmentKind)>,
}

/// A lane with the record number of each of its changes, so the lane as it was after any
/// first `n` records can be cut out of it.
#[derive(Clone, Debug)]
struct LaneAt {
    lane: Lane,
    born: usize,
    segs: Vec<SegAt>,
    wakes: Vec<usize>,
    end: usize,
}

impl LaneAt {
    fn new(lane: Lane, born: usize) -> LaneAt {
        LaneAt {
            lane,
            born,
            segs: Vec::new(),
            wakes: Vec::new(),
            end: usize::MAX,
        }
    }

    fn open(&mut self, kind: SegmentKind, at: u64, i: usize) {
        self.close(at, i);
        self.lane.segments.push(Segment {
            kind,
            start_us: at,
            end_us: None,
        });
        self.segs.push(SegAt {
            start: i,
            end: usize::MAX,
            refined: None,
        });
    }

    fn close(&mut self, at: u64, i: usize) {
        if let Some(last) = self.lane.segments.last_mut().filter(|s| s.end_us.is_none()) {
            last.end_us = Some(at);
            if let Some(seg) = self.segs.last_mut() {
                seg.end = i;
            }
        }
    }

    /// The kind of the open segment becomes `kind`, as of record `i`.
    fn refine(&mut self, kind: SegmentKind, i: usize) {
        if let (Some(last), Some(seg)) = (self.lane.segments.last_mut(), self.segs.last_mut()) {
            seg.refined = Some((i, last.kind));
            last.kind = kind;
        }
    }

    fn finish(&mut self, at: u64, end: LaneEnd, i: usize) {
        self.lane.end = Some((at, end));
        self.end = i;
    }

    /// The lane as it was after the first `n` records (which must include its birth).
    fn at(&self, n: usize) -> Lane {
        let lane = &self.lane;
        let segs = self.segs.partition_point(|s| s.start < n);
        let wakes = self.wakes.partition_point(|w| *w < n);
        Lane {
            of: lane.of,
            label: match lane.of {
                // A task with no name: labelled when copied out, not for each of 50 000 tasks.
                LaneOf::Task(id) if lane.label.is_empty() => format!("task {id}"),
                _ => lane.label.clone(),
            },
            start_us: lane.start_us,
            segments: lane.segments[..segs]
                .iter()
                .zip(&self.segs)
                .map(|(s, at)| Segment {
                    kind: match at.refined {
                        Some((i, before)) if i >= n => before,
                        _ => s.kind,
                    },
                    start_us: s.start_us,
                    end_us: s.end_us.filter(|_| at.end < n),
                })
                .collect(),
            wakes: lane.wakes[..wakes].to_vec(),
            end: lane.end.clone().filter(|_| self.end < n),
            owner: lane.owner,
        }
    }
}

/// Lanes left out by [`TimelineBuilder::lanes_at_most`]: how many, and their segments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hidden {
    /// Lanes left out.
    pub lanes: usize,
    /// Segments in the lanes left out.
    pub segments: usize,
}

/// Builds the lanes of a trace one record at a time, and gives the lanes as they were after
/// any first `n` records without going through the trace again.
#[derive(Clone, Debug, Default)]
pub struct TimelineBuilder {
    tasks: Vec<LaneAt>,
    requests: Vec<LaneAt>,
    workers: Vec<LaneAt>,
    /// Which worker runs each job that has started and not ended.
    job_worker: std::collections::HashMap<JobId, WorkerId>,
    /// The requests each task made: indices into `requests`, in order.
    requests_of: std::collections::HashMap<TaskId, Vec<usize>>,
    running: Option<TaskId>,
    rewoken: bool,
    /// Records pushed so far.
    len: usize,
}

/// Where the lane of `of` is. Task and request ids count up from 1 in the order their lanes
/// are made, so the id is the place to look first; a scan is the fallback.
fn lane_at_index(lanes: &[LaneAt], of: LaneOf) -> Option<usize> {
    let id = match of {
        LaneOf::Task(id) | LaneOf::Request(id) => id,
        LaneOf::Worker(id) => id.into(),
    };
    let guess = (id as usize).wrapping_sub(1);
    if lanes.get(guess).is_some_and(|l| l.lane.of == of) {
        return Some(guess);
    }
    lanes.iter().rposition(|l| l.lane.of == of)
}

impl TimelineBuilder {
    /// Records pushed so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True before the first record.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn task(&mut self, id: TaskId) -> Option<&mut LaneAt> {
        lane_at_index(&self.tasks, LaneOf::Task(id)).map(|i| &mut self.tasks[i])
    }

    fn worker(&mut self, id: WorkerId) -> Option<&mut LaneAt> {
        self.workers
            .iter()
            .position(|l| l.lane.of == LaneOf::Worker(id))
            .map(|i| &mut self.workers[i])
    }

    /// Adds the next record of the trace.
    pub fn push(&mut self, r: &Record) {
        let i = self.len;
        self.len += 1;
        let at = r.t_us;
        let new_lane = |of, label, owner| Lane {
            of,
            label,
            start_us: at,
            segments: Vec::new(),
            wakes: Vec::new(),
            end: None,
            owner,
        };
        match &r.event {
            Event::Spawn { task, name, parent } => {
                // (Labelled "task N" when copied out, see `LaneAt::at`.)
                let label = name.clone().unwrap_or_default();
                let mut lane = LaneAt::new(new_lane(LaneOf::Task(*task), label, *parent), i);
                lane.open(SegmentKind::Ready, at, i);
                self.tasks.push(lane);
            }
            Event::PollStart { task } => {
                self.running = Some(*task);
                if let Some(lane) = self.task(*task) {
                    lane.open(SegmentKind::Running, at, i);
                }
            }
            Event::PollEnd { task, ready } => {
                self.running = None;
                let requeued = std::mem::take(&mut self.rewoken);
                if let Some(lane) = self.task(*task) {
                    if *ready {
                        lane.close(at, i);
                    } else if requeued {
                        lane.open(SegmentKind::Ready, at, i);
                    } else {
                        lane.open(SegmentKind::Other, at, i);
                    }
                }
            }
            Event::Wait { task, on } => {
                if let Some(lane) = self.task(*task) {
                    if lane.lane.current() == Some(SegmentKind::Other) {
                        lane.refine(SegmentKind::waiting(*on), i);
                    }
                }
            }
            Event::Diagnostic {
                task,
                problem: Diagnostic::LostWakeup,
            } => {
                if let Some(lane) = self.task(*task) {
                    if lane.lane.current() == Some(SegmentKind::Other) {
                        lane.refine(SegmentKind::Stuck, i);
                    }
                }
            }
            Event::Wake { task, by } => {
                let mut rewoken = false;
                if let Some(lane) = self.task(*task) {
                    lane.lane.wakes.push(WakeMark { at_us: at, by: *by });
                    lane.wakes.push(i);
                    if lane.lane.current() == Some(SegmentKind::Running) {
                        rewoken = true; // ready again once the poll returns
                    } else {
                        lane.open(SegmentKind::Ready, at, i);
                    }
                }
                self.rewoken |= rewoken;
            }
            Event::Done { task, outcome } => {
                if let Some(lane) = self.task(*task) {
                    lane.close(at, i);
                    lane.finish(
                        at,
                        match outcome {
                            Outcome::Finished => LaneEnd::Done,
                            Outcome::Panicked(m) => LaneEnd::Failed(m.clone()),
                            Outcome::Cancelled => LaneEnd::Cancelled,
                        },
                        i,
                    );
                }
            }
            Event::FetchStart { request, task, url } => {
                let label = format!("GET {}", request_label(url));
                if let Some(task) = task {
                    self.requests_of
                        .entry(*task)
                        .or_default()
                        .push(self.requests.len());
                }
                let mut lane = LaneAt::new(new_lane(LaneOf::Request(*request), label, *task), i);
                lane.open(SegmentKind::Request, at, i);
                self.requests.push(lane);
                // A request made while a task is being polled, that ends inside the same poll,
                // was a blocking call: marked when it ends.
            }
            Event::FetchEnd {
                request, status, ..
            } => {
                let ok = (200..300).contains(status);
                let end = if ok {
                    LaneEnd::Done
                } else {
                    LaneEnd::Failed(format!("HTTP {status}"))
                };
                self.end_request(*request, at, end, i);
            }
            Event::FetchError { request, message } => {
                self.end_request(*request, at, LaneEnd::Failed(message.clone()), i)
            }
            Event::FetchAbort { request } => self.end_request(*request, at, LaneEnd::Cancelled, i),
            Event::WorkerStart { worker } => {
                let label = format!("worker {worker}");
                let mut lane = LaneAt::new(new_lane(LaneOf::Worker(*worker), label, None), i);
                lane.open(SegmentKind::Starting, at, i);
                self.workers.push(lane);
            }
            Event::WorkerReady { worker, .. } => {
                if let Some(lane) = self.worker(*worker) {
                    lane.close(at, i);
                }
            }
            Event::WorkerGone { worker, reason } => {
                if let Some(lane) = self.worker(*worker) {
                    lane.close(at, i);
                    lane.finish(at, LaneEnd::Failed(reason.clone()), i);
                }
            }
            Event::JobStart { job, worker } => {
                self.job_worker.insert(*job, *worker);
                if let Some(lane) = self.worker(*worker) {
                    lane.open(SegmentKind::Job, at, i);
                }
            }
            Event::JobEnd { job, .. } => {
                if let Some(w) = self.job_worker.remove(job) {
                    if let Some(lane) = self.worker(w) {
                        lane.close(at, i);
                    }
                }
            }
            _ => {}
        }
    }

    fn end_request(&mut self, request: RequestId, at: u64, end: LaneEnd, i: usize) {
        let Some(lane) =
            lane_at_index(&self.requests, LaneOf::Request(request)).map(|r| &mut self.requests[r])
        else {
            return;
        };
        lane.close(at, i);
        lane.finish(at, end, i);
        let (owner, start) = (lane.lane.owner, lane.lane.start_us);
        // Started and ended within one poll of its task: the task (and the thread) was blocked.
        let running = self.running;
        if owner.is_some() && owner == running {
            if let Some(task) = running.and_then(|t| self.task(t)) {
                let poll_start = task
                    .lane
                    .segments
                    .last()
                    .filter(|s| s.end_us.is_none() && s.kind == SegmentKind::Running)
                    .map(|s| s.start_us);
                if poll_start.is_some_and(|p| p <= start) {
                    task.close(start, i);
                    task.lane.segments.push(Segment {
                        kind: SegmentKind::Blocked,
                        start_us: start,
                        end_us: Some(at),
                    });
                    task.segs.push(SegAt {
                        start: i,
                        end: i,
                        refined: None,
                    });
                    task.open(SegmentKind::Running, at, i);
                }
            }
        }
    }

    /// The lanes as they were after the first `n` records pushed: tasks in spawn order, each
    /// followed by the requests it made, then the blocking pool's workers.
    pub fn lanes_at(&self, n: usize) -> Vec<Lane> {
        self.lanes_at_most(n, usize::MAX).0
    }

    /// The first `max` of the lanes after the first `n` records, and how many lanes and
    /// segments the rest have: a run of thousands of tasks copies only the lanes it draws.
    pub fn lanes_at_most(&self, n: usize, max: usize) -> (Vec<Lane>, Hidden) {
        let n = n.min(self.len);
        let born = |lanes: &[LaneAt]| lanes.partition_point(|l| l.born < n);
        let tasks = &self.tasks[..born(&self.tasks)];
        let requests = &self.requests[..born(&self.requests)];
        let workers = &self.workers[..born(&self.workers)];
        let shown = self.first_lanes(tasks, requests, workers, max);
        let segments = |l: &LaneAt| l.segs.partition_point(|s| s.start < n);
        let hidden = Hidden {
            lanes: tasks.len() + requests.len() + workers.len() - shown.len(),
            segments: tasks
                .iter()
                .chain(requests)
                .chain(workers)
                .map(segments)
                .sum::<usize>()
                - shown.iter().map(|l| segments(l)).sum::<usize>(),
        };
        (shown.iter().map(|l| l.at(n)).collect(), hidden)
    }

    /// The first `max` lanes in the timeline's order: tasks in spawn order, each followed by
    /// the requests it made, then requests of no task (or of a task the trace never spawned),
    /// then the blocking pool's workers.
    fn first_lanes<'a>(
        &'a self,
        tasks: &'a [LaneAt],
        requests: &'a [LaneAt],
        workers: &'a [LaneAt],
        max: usize,
    ) -> Vec<&'a LaneAt> {
        let mut order: Vec<&LaneAt> = Vec::with_capacity(max.min(1024));
        for task in tasks {
            if order.len() >= max {
                break;
            }
            order.push(task);
            let LaneOf::Task(id) = task.lane.of else {
                unreachable!("task lanes only")
            };
            let made = self
                .requests_of
                .get(&id)
                .map(Vec::as_slice)
                .unwrap_or_default();
            order.extend(
                made.iter()
                    .take_while(|r| **r < requests.len())
                    .map(|r| &requests[*r]),
            );
        }
        if order.len() >= max {
            order.truncate(max);
            return order;
        }
        // Every task fitted: the rest come after them, requests by task (none first).
        let mut orphans: Vec<&LaneAt> = requests
            .iter()
            .filter(|r| {
                r.lane
                    .owner
                    .is_none_or(|t| lane_at_index(tasks, LaneOf::Task(t)).is_none())
            })
            .collect();
        orphans.sort_by_key(|r| r.lane.owner);
        order.extend(orphans);
        order.extend(workers);
        order.truncate(max);
        order
    }
}

/// A run's trace, packed, with what the views need at any point of it without replaying it
/// from the start: fed the trace as it arrives, it keeps a snapshot of the state every so many
/// records (at least [`Replay::EVERY`], and further apart as the state grows, so the snapshots
/// never weigh much more than the trace) and replays from the nearest one; it grows the lanes,
/// and keeps the printed lines and the step-mode pauses where they fell.
#[derive(Clone, Debug)]
pub struct Replay {
    trace: Packed,
    live: ExecState,
    /// States after 0, then more and more records.
    snapshots: Vec<ExecState>,
    since: usize,
    lanes: TimelineBuilder,
    printed: Vec<Printed>,
    /// For each `Paused` record, the count of records up to and including it.
    pauses: Vec<usize>,
    /// Past the cut: the state after every record seen, kept or not.
    end: Option<Box<ExecState>>,
    /// Records seen past the cut.
    followed: usize,
}

/// A line a run printed, and where in its trace.
#[derive(Clone, Debug, PartialEq)]
pub struct Printed {
    /// The record's index in the trace.
    pub at: usize,
    /// Milliseconds since the run started.
    pub t_ms: f64,
    /// The text.
    pub text: String,
}

impl Default for Replay {
    fn default() -> Self {
        Replay {
            trace: Packed::default(),
            live: ExecState::default(),
            snapshots: vec![ExecState::default()],
            since: 0,
            lanes: TimelineBuilder::default(),
            printed: Vec::new(),
            pauses: Vec::new(),
            end: None,
            followed: 0,
        }
    }
}

impl Replay {
    /// The fewest records between two snapshots.
    pub const EVERY: usize = 4096;

    /// Records fed so far.
    pub fn len(&self) -> usize {
        self.live.applied
    }

    /// True before the first record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Snapshots kept (the empty state at the start included).
    pub fn snapshots(&self) -> usize {
        self.snapshots.len()
    }

    /// The trace fed so far.
    pub fn trace(&self) -> &Packed {
        &self.trace
    }

    /// Feeds the next records of the trace.
    pub fn extend(&mut self, records: &[Record]) {
        for r in records {
            self.push(r);
        }
    }

    /// Feeds the next record of the trace.
    pub fn push(&mut self, r: &Record) {
        match &r.event {
            Event::Print { text, .. } => self.printed.push(Printed {
                at: self.len(),
                t_ms: r.t_us as f64 / 1000.0,
                text: text.clone(),
            }),
            Event::Paused { .. } => self.pauses.push(self.len() + 1),
            _ => {}
        }
        self.trace.push(r);
        self.live.apply(r);
        self.lanes.push(r);
        self.since += 1;
        if self.since >= Self::EVERY.max(self.live.weight()) {
            self.snapshots.push(self.live.clone());
            self.since = 0;
        }
    }

    /// A record past the cut ([`MAX_TRACE_BYTES`](crate::MAX_TRACE_BYTES)): not kept, but
    /// the state at the end follows it. Records fed after this one should be followed too.
    pub fn follow(&mut self, r: &Record) {
        self.end
            .get_or_insert_with(|| Box::new(self.live.clone()))
            .apply(r);
        self.followed += 1;
    }

    /// The state after every record fed and followed, if some were followed: how a run whose
    /// trace was cut ended.
    pub fn end_state(&self) -> Option<&ExecState> {
        self.end.as_deref()
    }

    /// Records followed past the cut.
    pub fn followed(&self) -> usize {
        self.followed
    }

    /// The state after the first `n` records.
    pub fn state_at(&self, n: usize) -> ExecState {
        let n = n.min(self.len());
        if n == self.len() {
            return self.live.clone();
        }
        let i = self.snapshots.partition_point(|s| s.applied <= n) - 1;
        let mut state = self.snapshots[i].clone();
        for r in self.trace.iter(state.applied..n) {
            state.apply(&r);
        }
        state
    }

    /// The lines printed among the first `n` records.
    pub fn printed(&self, n: usize) -> &[Printed] {
        &self.printed[..self.printed.partition_point(|p| p.at < n)]
    }

    /// Where step mode paused: after how many records, in order.
    pub fn pauses(&self) -> &[usize] {
        &self.pauses
    }

    /// The lanes after the first `n` records.
    pub fn lanes_at(&self, n: usize) -> Vec<Lane> {
        self.lanes.lanes_at(n)
    }

    /// The first `max` lanes after the first `n` records, and what the rest hold.
    pub fn lanes_at_most(&self, n: usize, max: usize) -> (Vec<Lane>, Hidden) {
        self.lanes.lanes_at_most(n, max)
    }
}
