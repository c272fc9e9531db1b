//! The executor's state at one point of a run, as the inspector shows it: every task and its
//! phase, the ready queue, sleepers, requests in flight, the blocking pool, counters.
//! [`ExecState::apply`] folds one trace record into it.

use crate::Chunks;

use executor::trace::{
    Diagnostic, Event, JobId, Outcome, Record, RequestId, TaskId, TurnStop, WaitOn, WakeSource,
    WorkerId,
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
    /// Copies of its waker its future kept when its last poll returned `Pending` (0 for a lost
    /// wake-up); `None` while it is not waiting.
    pub wakers: Option<u32>,
    /// When it was last put on the ready queue by a wake-up it has not been polled since, in
    /// microseconds since the run started.
    pub woken_at_us: Option<u64>,
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
    /// The request's number.
    pub id: RequestId,
    /// The URL requested.
    pub url: String,
    /// The task that sent it; `None` outside any task.
    pub task: Option<TaskId>,
    /// When it went out, in microseconds since the run started.
    pub started_us: u64,
    /// Bytes of its body read so far, part by part (a streamed body, `fetch_stream`).
    pub received: u64,
}

/// A sleeping task and its deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SleeperView {
    /// The sleeping task; `None` for a sleep started outside any task.
    pub task: Option<TaskId>,
    /// The deadline, in microseconds since the run started.
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
#[derive(Clone, Debug, PartialEq, Eq)]
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

/// The executor's latest turn: the one going on, or the last one, ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TurnView {
    /// Its number: 1 for the run's first turn.
    pub n: u64,
    /// When it began, in microseconds since the run started.
    pub started_us: u64,
    /// The most polls it may make.
    pub budget: u32,
    /// Polls made in it so far.
    pub polls: u32,
    /// Why it ended, once it has.
    pub ended: Option<TurnStop>,
}

/// Counters since the run started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Turns of the executor begun.
    pub turns: u64,
    /// Polls that followed a wake-up (a spawn's first poll does not count).
    pub woken_polls: u64,
    /// The time from each of those wake-ups to its poll, added up, in microseconds.
    pub wake_to_poll_us: u64,
    /// The longest of those times, in microseconds.
    pub wake_to_poll_max_us: u64,
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

impl Counters {
    /// The average time from a wake-up to the poll it asked for, in microseconds; `None` before
    /// the first such poll.
    pub fn wake_to_poll_avg_us(&self) -> Option<u64> {
        self.wake_to_poll_us.checked_div(self.woken_polls)
    }
}

/// The executor at one moment of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecState {
    /// Records applied so far.
    pub applied: usize,
    /// The time of the last record applied, in microseconds since the run started.
    pub t_us: u64,
    /// Every task spawned so far, by id.
    pub tasks: Chunks<TaskView>,
    /// Tasks waiting to be polled, next first.
    pub ready: Chunks<TaskId>,
    /// The task being polled.
    pub running: Option<TaskId>,
    /// Sleepers whose deadline has not passed, earliest first.
    pub sleepers: Chunks<SleeperView>,
    /// When the host's timer is armed for.
    pub alarm_us: Option<u64>,
    /// Requests started and not yet ended.
    pub requests: Chunks<RequestView>,
    /// The blocking pool's worker threads, in the order they started.
    pub workers: Vec<WorkerView>,
    /// Jobs queued or running on a worker, oldest first.
    pub jobs: Vec<JobView>,
    /// Counts of polls, wakes, requests and the rest since the run started.
    pub counters: Counters,
    /// The latest turn of the executor, if one has begun.
    pub turn: Option<TurnView>,
    /// Problems the executor reported, oldest first.
    pub diagnostics: Chunks<(TaskId, Diagnostic)>,
    /// Step mode: the task the executor will poll at the next step.
    pub paused_before: Option<TaskId>,
    /// The latest mark (`tutor::state!`): its label and source line.
    pub mark: Option<(String, u32)>,
    /// How many tasks are in each state they marked last, states in the order first marked:
    /// a batch's progress ("downloading 16, backing off 3, done 120").
    pub states: Vec<(String, u32)>,
    /// The task that woke itself during the poll in progress.
    woke_itself: bool,
    /// Some task carries a mark: kept so that asking costs nothing with 50 000 tasks.
    marked: bool,
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

    /// About how many items the state holds: the most a snapshot of it can come to hold alone.
    pub(crate) fn weight(&self) -> usize {
        self.tasks.len()
            + self.ready.len()
            + self.sleepers.len()
            + self.requests.len()
            + self.workers.len()
            + self.jobs.len()
            + self.diagnostics.len()
    }

    /// Whether any task carries a mark (`tutor::state!`), so a table of tasks shows the column.
    pub fn any_marked(&self) -> bool {
        self.marked
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
        let at = self.tasks.iter().position(|t| t.id == id)?;
        self.tasks.get_mut(at)
    }

    fn unready(&mut self, task: TaskId) {
        // Usually the task polled is the one at the front: no need to walk a long queue.
        if self.ready.front() == Some(&task) {
            self.ready.pop_front();
        } else {
            self.ready.remove_where(|t| *t == task);
        }
    }

    /// Folds one record into the state.
    pub fn apply(&mut self, record: &Record) {
        self.applied += 1;
        self.t_us = record.t_us;
        let now = record.t_us;
        // Sleepers are kept in deadline order: the ones due are at the front. Most records
        // find none due, and a look at the first is cheaper than a search of thousands.
        if self.sleepers.front().is_some_and(|s| s.until_us <= now) {
            let due = self.sleepers.partition_point(|s| s.until_us <= now);
            self.sleepers.drain_front(due);
        }
        match &record.event {
            Event::Spawn { task, name, parent } => {
                self.tasks.push_back(TaskView {
                    id: *task,
                    name: name.clone(),
                    parent: *parent,
                    phase: TaskPhase::Scheduled,
                    polls: 0,
                    woken_by: None,
                    woken_at_us: None,
                    wakers: None,
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
                if let Some(turn) = self.turn.as_mut().filter(|t| t.ended.is_none()) {
                    turn.polls += 1;
                }
                let woken_at = self.task_mut(*task).and_then(|t| {
                    t.phase = TaskPhase::Running;
                    t.polls += 1;
                    t.wakers = None;
                    t.woken_at_us.take()
                });
                if let Some(at) = woken_at {
                    let waited = now.saturating_sub(at);
                    let c = &mut self.counters;
                    c.woken_polls += 1;
                    c.wake_to_poll_us += waited;
                    c.wake_to_poll_max_us = c.wake_to_poll_max_us.max(waited);
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
                if let Some(t) = self.task_mut(*task)
                    && !*ready
                    && t.phase == TaskPhase::Running
                {
                    // A `Wait` or `Diagnostic` follows and says what it waits for; a
                    // task that woke itself is back on the queue.
                    t.phase = if woke_itself {
                        TaskPhase::Scheduled
                    } else {
                        TaskPhase::Waiting(WaitOn::Other)
                    };
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
                    t.woken_at_us.get_or_insert(now);
                    if !matches!(t.phase, TaskPhase::Running) && !t.phase.ended() {
                        t.phase = TaskPhase::Scheduled;
                    }
                }
            }
            Event::Wait { task, on, wakers } => {
                if let Some(t) = self.task_mut(*task)
                    && !t.phase.ended()
                    && t.phase != TaskPhase::Scheduled
                {
                    t.phase = TaskPhase::Waiting(*on);
                    t.wakers = Some(*wakers);
                }
            }
            Event::Diagnostic { task, problem } => {
                if *problem == Diagnostic::LostWakeup
                    && let Some(t) = self.task_mut(*task)
                {
                    t.phase = TaskPhase::Stuck;
                    t.wakers = Some(0);
                }
                self.diagnostics.push_back((*task, *problem));
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
                    self.sleepers.remove_where(|s| s.task == Some(*task));
                }
                if let Some(t) = self.task_mut(*task) {
                    t.phase = match outcome {
                        Outcome::Finished => TaskPhase::Done,
                        Outcome::Panicked(m) => TaskPhase::Failed(m.clone()),
                        Outcome::Cancelled => TaskPhase::Cancelled,
                    };
                    // An ended task waits for nothing: a cancelled one's kept wakers went with
                    // its future.
                    t.wakers = None;
                    t.woken_at_us = None;
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
                self.requests.push_back(RequestView {
                    id: *request,
                    url: url.clone(),
                    task: *task,
                    received: 0,
                    started_us: now,
                });
            }
            Event::FetchEnd {
                request, status, ..
            } => {
                if !(200..300).contains(status) {
                    self.counters.failed_requests += 1;
                }
                self.requests.remove_where(|r| r.id == *request);
            }
            Event::FetchError { request, .. } => {
                self.counters.failed_requests += 1;
                self.requests.remove_where(|r| r.id == *request);
            }
            Event::FetchAbort { request } => self.requests.remove_where(|r| r.id == *request),
            Event::FetchChunk { request, bytes } => {
                // Requests are kept in the order they went out, which is the order of their ids.
                let at = self.requests.partition_point(|r| r.id < *request);
                if let Some(r) = self.requests.get_mut(at).filter(|r| r.id == *request) {
                    r.received += bytes;
                }
            }
            Event::TurnStart { budget } => {
                self.counters.turns += 1;
                self.turn = Some(TurnView {
                    n: self.counters.turns,
                    started_us: now,
                    budget: *budget,
                    polls: 0,
                    ended: None,
                });
            }
            Event::TurnEnd { polls, why } => {
                if let Some(turn) = self.turn.as_mut() {
                    turn.polls = *polls;
                    turn.ended = Some(*why);
                }
            }
            Event::Paused { next } => self.paused_before = Some(*next),
            Event::Print { .. } => self.counters.prints += 1,
            Event::Mark { task, label, line } => {
                if let Some(t) = task.and_then(|id| self.task_mut(id)) {
                    let before = t.state.replace(label.clone());
                    self.marked = true;
                    if let Some(before) = before
                        && let Some(count) = self.states.iter_mut().find(|(l, _)| *l == before)
                    {
                        count.1 -= 1;
                    }
                    match self.states.iter_mut().find(|(l, _)| l == label) {
                        Some(count) => count.1 += 1,
                        None => self.states.push((label.clone(), 1)),
                    }
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
