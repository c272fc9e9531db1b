//! [`TimelineBuilder`]: the lanes grown record by record, with the record number of each change,
//! so that the lanes as they were after any first `n` records are cut out without replaying.

use executor::trace::{Diagnostic, Event, JobId, Outcome, Record, RequestId, TaskId, WorkerId};
use protocol::request_label;

use super::{Lane, LaneEnd, LaneOf, Segment, SegmentKind, WakeMark, lane_one_by_one_us};

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
        if let Some(last) = self.lane.open_segment_mut() {
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
    /// How many segments each record opened, so that the segments of the lanes not copied out
    /// are counted without looking at each of them.
    opened: Counts,
}

/// A small count for each record, with the sum over any first `n` records at hand: a byte a
/// record and a running total every 64 records.
#[derive(Clone, Debug, Default)]
struct Counts {
    each: Vec<u8>,
    /// The sum of the first `64 × k` counts, at `k`.
    totals: Vec<u32>,
    sum: u32,
}

impl Counts {
    const EVERY: usize = 64;

    fn push(&mut self, count: u32) {
        if self.each.len().is_multiple_of(Self::EVERY) {
            self.totals.push(self.sum);
        }
        let count = u8::try_from(count).expect("a record opens a few segments at most");
        self.each.push(count);
        self.sum += u32::from(count);
    }

    /// The sum of the first `n` counts.
    fn before(&self, n: usize) -> usize {
        let n = n.min(self.each.len());
        let k = n / Self::EVERY;
        let base = self.totals.get(k).copied().unwrap_or(self.sum);
        let rest: u32 = self.each[(k * Self::EVERY).min(n)..n]
            .iter()
            .map(|c| u32::from(*c))
            .sum();
        (base + rest) as usize
    }
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
        // Segments this record opens (at most a few), for `segments_before`.
        let mut opened = 0u32;
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
                opened += 1;
                self.tasks.push(lane);
            }
            Event::PollStart { task } => {
                self.running = Some(*task);
                if let Some(lane) = self.task(*task) {
                    lane.open(SegmentKind::Running, at, i);
                    opened += 1;
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
                        opened += 1;
                    } else {
                        lane.open(SegmentKind::Other, at, i);
                        opened += 1;
                    }
                }
            }
            Event::Wait { task, on, .. } => {
                if let Some(lane) = self.task(*task)
                    && lane.lane.current() == Some(SegmentKind::Other)
                {
                    lane.refine(SegmentKind::waiting(*on), i);
                }
            }
            Event::Diagnostic {
                task,
                problem: Diagnostic::LostWakeup,
            } => {
                if let Some(lane) = self.task(*task)
                    && lane.lane.current() == Some(SegmentKind::Other)
                {
                    lane.refine(SegmentKind::Stuck, i);
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
                        opened += 1;
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
                opened += 1;
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
                opened += self.end_request(*request, at, end, i);
            }
            Event::FetchError { request, message } => {
                opened += self.end_request(*request, at, LaneEnd::Failed(message.clone()), i);
            }
            Event::FetchAbort { request } => {
                opened += self.end_request(*request, at, LaneEnd::Cancelled, i);
            }
            Event::WorkerStart { worker } => {
                let label = format!("worker {worker}");
                let mut lane = LaneAt::new(new_lane(LaneOf::Worker(*worker), label, None), i);
                lane.open(SegmentKind::Starting, at, i);
                opened += 1;
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
                    opened += 1;
                }
            }
            Event::JobEnd { job, .. } => {
                if let Some(w) = self.job_worker.remove(job)
                    && let Some(lane) = self.worker(w)
                {
                    lane.close(at, i);
                }
            }
            _ => {}
        }
        self.opened.push(opened);
    }

    /// Ends a request's lane; returns how many segments that opened (a blocked task's).
    fn end_request(&mut self, request: RequestId, at: u64, end: LaneEnd, i: usize) -> u32 {
        let Some(lane) =
            lane_at_index(&self.requests, LaneOf::Request(request)).map(|r| &mut self.requests[r])
        else {
            return 0;
        };
        lane.close(at, i);
        lane.finish(at, end, i);
        let (owner, start) = (lane.lane.owner, lane.lane.start_us);
        // Started and ended within one poll of its task: the task (and the thread) was blocked.
        let running = self.running;
        if owner.is_some()
            && owner == running
            && let Some(task) = running.and_then(|t| self.task(t))
        {
            let poll_start = task
                .lane
                .open_segment()
                .filter(|s| s.kind == SegmentKind::Running)
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
                return 2;
            }
        }
        0
    }

    /// The lanes as they were after the first `n` records pushed: tasks in spawn order, each
    /// followed by the requests it made, then the blocking pool's workers.
    pub fn lanes_at(&self, n: usize) -> Vec<Lane> {
        self.lanes_at_most(n, usize::MAX).0
    }

    /// [`one_by_one_us`] of every lane at the end of the trace, worked out in place (a run of
    /// 50 000 tasks copies none out). Lanes still open count as ending at `open_to`, if given:
    /// the end of a run that is over.
    pub fn one_by_one_us(&self, open_to: Option<u64>) -> u64 {
        self.tasks
            .iter()
            .chain(&self.requests)
            .chain(&self.workers)
            .map(|l| lane_one_by_one_us(&l.lane, open_to))
            .sum()
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
            segments: self.opened.before(n) - shown.iter().map(|l| segments(l)).sum::<usize>(),
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
