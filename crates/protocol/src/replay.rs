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

/// Where a task is, as the inspector shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskView {
    pub id: TaskId,
    pub name: Option<String>,
    pub parent: Option<TaskId>,
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestView {
    pub id: RequestId,
    pub url: String,
    pub task: Option<TaskId>,
    pub started_us: u64,
}

/// A sleeping task and its deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SleeperView {
    pub task: Option<TaskId>,
    pub until_us: u64,
}

/// What a worker thread of a blocking pool is doing.
#[derive(Clone, Debug, PartialEq, Eq)]
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkerView {
    pub id: WorkerId,
    pub phase: WorkerPhase,
    pub started_us: u64,
    /// When it became ready.
    pub ready_us: Option<u64>,
    /// Its own heap, as it reported it.
    pub memory_bytes: Option<u64>,
    /// Jobs it has finished.
    pub jobs_done: u32,
}

/// A job handed to the blocking pool that has not ended yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobView {
    pub id: JobId,
    pub name: String,
    /// The task that handed it over.
    pub task: Option<TaskId>,
    /// The worker running it, once one does.
    pub worker: Option<WorkerId>,
    pub queued_us: u64,
}

/// Counters since the run started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    pub polls: u64,
    pub wakes: u64,
    /// Polls after which the task had woken itself.
    pub self_wakes: u64,
    /// Times the host's one timer was armed.
    pub timers_armed: u64,
    pub requests: u64,
    pub failed_requests: u64,
    /// Lines printed.
    pub prints: u64,
    /// Jobs handed to the blocking pool.
    pub jobs: u64,
}

/// The executor at one moment of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
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
    pub counters: Counters,
    /// Problems the executor reported, oldest first.
    pub diagnostics: Vec<(TaskId, Diagnostic)>,
    /// Step mode: the task the executor will poll at the next step.
    pub paused_before: Option<TaskId>,
    /// The latest mark (`tutor::state!`): its label and source line.
    pub mark: Option<(String, u32)>,
    /// The task that woke itself during the poll in progress.
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
    pub kind: SegmentKind,
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
    Task(TaskId),
    Request(RequestId),
    /// A worker thread of the blocking pool.
    Worker(WorkerId),
}

/// A wake-up drawn on a lane: who woke the task, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WakeMark {
    pub at_us: u64,
    pub by: WakeSource,
}

/// One row of the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lane {
    pub of: LaneOf,
    /// "main", "task 3", "GET page 4" (or the URL), "worker 2".
    pub label: String,
    pub start_us: u64,
    pub segments: Vec<Segment>,
    pub wakes: Vec<WakeMark>,
    /// When and how it ended, if it has.
    pub end: Option<(u64, LaneEnd)>,
    /// A request's task; a task's parent.
    pub owner: Option<TaskId>,
}

impl Lane {
    fn open(&mut self, kind: SegmentKind, at: u64) {
        self.close(at);
        self.segments.push(Segment {
            kind,
            start_us: at,
            end_us: None,
        });
    }

    fn close(&mut self, at: u64) {
        if let Some(last) = self.segments.last_mut().filter(|s| s.end_us.is_none()) {
            last.end_us = Some(at);
        }
    }

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

/// Where the lane of `of` is. Task and request ids count up from 1 in the order their lanes
/// are made, so the id is the place to look first; a scan is the fallback.
fn lane_index(lanes: &[Lane], of: LaneOf) -> Option<usize> {
    let id = match of {
        LaneOf::Task(id) | LaneOf::Request(id) => id,
        LaneOf::Worker(id) => id.into(),
    };
    let guess = (id as usize).wrapping_sub(1);
    if lanes.get(guess).is_some_and(|l| l.of == of) {
        return Some(guess);
    }
    lanes.iter().rposition(|l| l.of == of)
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
    let mut tasks: Vec<Lane> = Vec::new();
    let mut requests: Vec<Lane> = Vec::new();
    let mut workers: Vec<Lane> = Vec::new();
    // Which worker runs each job that has started and not ended.
    let mut job_worker: std::collections::HashMap<JobId, WorkerId> = Default::default();
    let worker_lane = |workers: &[Lane], id: WorkerId| -> Option<usize> {
        workers.iter().position(|l| l.of == LaneOf::Worker(id))
    };
    let mut running: Option<TaskId> = None;
    let mut rewoken = false;
    for r in records {
        let at = r.t_us;
        match &r.event {
            Event::Spawn { task, name, parent } => {
                let mut lane = Lane {
                    of: LaneOf::Task(*task),
                    label: name.clone().unwrap_or_else(|| format!("task {task}")),
                    start_us: at,
                    segments: Vec::new(),
                    wakes: Vec::new(),
                    end: None,
                    owner: *parent,
                };
                lane.open(SegmentKind::Ready, at);
                tasks.push(lane);
            }
            Event::PollStart { task } => {
                running = Some(*task);
                if let Some(i) = lane_index(&tasks, LaneOf::Task(*task)) {
                    tasks[i].open(SegmentKind::Running, at);
                }
            }
            Event::PollEnd { task, ready } => {
                running = None;
                let requeued = std::mem::take(&mut rewoken);
                if let Some(i) = lane_index(&tasks, LaneOf::Task(*task)) {
                    let lane = &mut tasks[i];
                    if *ready {
                        lane.close(at);
                    } else if requeued {
                        lane.open(SegmentKind::Ready, at);
                    } else {
                        lane.open(SegmentKind::Other, at);
                    }
                }
            }
            Event::Wait { task, on } => {
                if let Some(i) = lane_index(&tasks, LaneOf::Task(*task)) {
                    let lane = &mut tasks[i];
                    if lane.current() == Some(SegmentKind::Other) {
                        lane.segments.last_mut().expect("current segment").kind =
                            SegmentKind::waiting(*on);
                    }
                }
            }
            Event::Diagnostic {
                task,
                problem: Diagnostic::LostWakeup,
            } => {
                if let Some(i) = lane_index(&tasks, LaneOf::Task(*task)) {
                    let lane = &mut tasks[i];
                    if lane.current() == Some(SegmentKind::Other) {
                        lane.segments.last_mut().expect("current segment").kind =
                            SegmentKind::Stuck;
                    }
                }
            }
            Event::Wake { task, by } => {
                if let Some(i) = lane_index(&tasks, LaneOf::Task(*task)) {
                    let lane = &mut tasks[i];
                    lane.wakes.push(WakeMark { at_us: at, by: *by });
                    if lane.current() == Some(SegmentKind::Running) {
                        rewoken = true; // ready again once the poll returns
                    } else {
                        lane.open(SegmentKind::Ready, at);
                    }
                }
            }
            Event::Done { task, outcome } => {
                if let Some(i) = lane_index(&tasks, LaneOf::Task(*task)) {
                    let lane = &mut tasks[i];
                    lane.close(at);
                    lane.end = Some((
                        at,
                        match outcome {
                            Outcome::Finished => LaneEnd::Done,
                            Outcome::Panicked(m) => LaneEnd::Failed(m.clone()),
                            Outcome::Cancelled => LaneEnd::Cancelled,
                        },
                    ));
                }
            }
            Event::FetchStart { request, task, url } => {
                let mut lane = Lane {
                    of: LaneOf::Request(*request),
                    label: format!("GET {}", request_label(url)),
                    start_us: at,
                    segments: Vec::new(),
                    wakes: Vec::new(),
                    end: None,
                    owner: *task,
                };
                lane.open(SegmentKind::Request, at);
                requests.push(lane);
                // A request made while a task is being polled, that ends inside the same poll,
                // was a blocking call: marked when it ends.
            }
            Event::FetchEnd {
                request, status, ..
            } => {
                let ok = (200..300).contains(status);
                end_request(
                    &mut requests,
                    &mut tasks,
                    running,
                    *request,
                    at,
                    if ok {
                        LaneEnd::Done
                    } else {
                        LaneEnd::Failed(format!("HTTP {status}"))
                    },
                );
            }
            Event::FetchError { request, message } => end_request(
                &mut requests,
                &mut tasks,
                running,
                *request,
                at,
                LaneEnd::Failed(message.clone()),
            ),
            Event::FetchAbort { request } => end_request(
                &mut requests,
                &mut tasks,
                running,
                *request,
                at,
                LaneEnd::Cancelled,
            ),
            Event::WorkerStart { worker } => {
                let mut lane = Lane {
                    of: LaneOf::Worker(*worker),
                    label: format!("worker {worker}"),
                    start_us: at,
                    segments: Vec::new(),
                    wakes: Vec::new(),
                    end: None,
                    owner: None,
                };
                lane.open(SegmentKind::Starting, at);
                workers.push(lane);
            }
            Event::WorkerReady { worker, .. } => {
                if let Some(i) = worker_lane(&workers, *worker) {
                    workers[i].close(at);
                }
            }
            Event::WorkerGone { worker, reason } => {
                if let Some(i) = worker_lane(&workers, *worker) {
                    workers[i].close(at);
                    workers[i].end = Some((at, LaneEnd::Failed(reason.clone())));
                }
            }
            Event::JobStart { job, worker } => {
                job_worker.insert(*job, *worker);
                if let Some(i) = worker_lane(&workers, *worker) {
                    workers[i].open(SegmentKind::Job, at);
                }
            }
            Event::JobEnd { job, .. } => {
                if let Some(i) = job_worker
                    .remove(job)
                    .and_then(|w| worker_lane(&workers, w))
                {
                    workers[i].close(at);
                }
            }
            _ => {}
        }
    }
    // Requests follow the task that made them.
    let mut by_owner: std::collections::BTreeMap<Option<TaskId>, Vec<Lane>> = Default::default();
    for request in requests {
        by_owner.entry(request.owner).or_default().push(request);
    }
    let mut lanes = Vec::new();
    for task in tasks {
        let LaneOf::Task(id) = task.of else {
            unreachable!("task lanes only")
        };
        lanes.push(task);
        lanes.extend(by_owner.remove(&Some(id)).unwrap_or_default());
    }
    // Requests of no task (or of a task the trace never spawned) come next, workers last.
    lanes.extend(by_owner.into_values().flatten());
    lanes.extend(workers);
    lanes
}

fn end_request(
    requests: &mut [Lane],
    tasks: &mut [Lane],
    running: Option<TaskId>,
    request: RequestId,
    at: u64,
    end: LaneEnd,
) {
    let Some(lane) = lane_index(requests, LaneOf::Request(request)).map(|i| &mut requests[i])
    else {
        return;
    };
    lane.close(at);
    lane.end = Some((at, end));
    // Started and ended within one poll of its task: the task (and the thread) was blocked.
    if lane.owner.is_some() && lane.owner == running {
        let start = lane.start_us;
        if let Some(task) = running
            .and_then(|t| lane_index(tasks, LaneOf::Task(t)))
            .map(|i| &mut tasks[i])
        {
            let poll_start = task
                .segments
                .last()
                .filter(|s| s.end_us.is_none() && s.kind == SegmentKind::Running)
                .map(|s| s.start_us);
            if poll_start.is_some_and(|p| p <= start) {
                task.close(start);
                task.segments.push(Segment {
                    kind: SegmentKind::Blocked,
                    start_us: start,
                    end_us: Some(at),
                });
                task.open(SegmentKind::Running, at);
            }
        }
    }
}
