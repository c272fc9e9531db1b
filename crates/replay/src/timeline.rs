//! The timeline's lanes: one per task, request and worker thread, each a row of segments
//! (ready, running, waiting on what) with its wake-ups and its end. [`TimelineBuilder`] grows
//! them record by record and gives them as they were after any first `n` records.

use executor::trace::{Record, RequestId, TaskId, WaitOn, WakeSource, WorkerId};

mod builder;

pub use builder::{Hidden, TimelineBuilder};

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
    /// The segment still going, if one is: only the last can be.
    pub fn open_segment(&self) -> Option<&Segment> {
        self.segments.last().filter(|s| s.end_us.is_none())
    }

    /// The segment still going, to change.
    pub fn open_segment_mut(&mut self) -> Option<&mut Segment> {
        self.segments.last_mut().filter(|s| s.end_us.is_none())
    }

    fn current(&self) -> Option<SegmentKind> {
        self.open_segment().map(|s| s.kind)
    }
}

/// How long the run's waits would take one after another: every request from start to end,
/// every job a worker ran, plus every stretch a task spent waiting on a timer. Set against the run's total, it is the
/// speed-up that overlapping the waits bought (about 1 for a run that waits one by one).
pub fn one_by_one_us(lanes: &[Lane]) -> u64 {
    lanes
        .iter()
        .map(|lane| lane_one_by_one_us(lane, None))
        .sum()
}

/// One lane's part of [`one_by_one_us`]; what is still open counts up to `open_to`, if given.
fn lane_one_by_one_us(lane: &Lane, open_to: Option<u64>) -> u64 {
    let span =
        |start: u64, end: Option<u64>| end.or(open_to).map_or(0, |e| e.saturating_sub(start));
    match lane.of {
        LaneOf::Request(_) => span(lane.start_us, lane.end.as_ref().map(|e| e.0)),
        LaneOf::Task(_) | LaneOf::Worker(_) => lane
            .segments
            .iter()
            .filter(|s| matches!(s.kind, SegmentKind::Timer | SegmentKind::Job))
            .map(|s| span(s.start_us, s.end_us))
            .sum(),
    }
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
