//! Phrases with values in them: the timeline's, the executor panel's, the card's and the navigation's.

use executor::TURN_SLICE_US;
use executor::trace::TurnStop;
use executor::trace::{Diagnostic, JobId, WaitOn, WakeSource};
use replay::{JobView, LaneEnd, SegmentKind, TaskPhase, TurnView, WorkerPhase, WorkerView};

use super::Lang;

impl Lang {
    /// The timeline's accessible name.
    pub fn timeline_summary(self, lanes: usize, span: &str) -> String {
        match self {
            Lang::En => format!("Timeline: {lanes} lanes over {span}"),
            Lang::Zh => format!("时间线：{lanes} 条泳道，共 {span}"),
        }
    }

    /// How a lane ended, in words.
    pub fn lane_end(self, end: &LaneEnd) -> String {
        match (self, end) {
            (Lang::En, LaneEnd::Done) => "done".into(),
            (Lang::Zh, LaneEnd::Done) => "完成".into(),
            (Lang::En, LaneEnd::Failed(why)) => format!("failed: {why}"),
            (Lang::Zh, LaneEnd::Failed(why)) => format!("失败：{why}"),
            (Lang::En, LaneEnd::Cancelled) => "cancelled".into(),
            (Lang::Zh, LaneEnd::Cancelled) => "已取消".into(),
        }
    }

    /// A timeline segment's kind, in words.
    pub fn segment(self, kind: SegmentKind) -> &'static str {
        use SegmentKind as K;
        match (self, kind) {
            (Lang::En, K::Ready) => "ready, waiting for its turn",
            (Lang::En, K::Running) => "running (being polled)",
            (Lang::En, K::Blocked) => "blocked: the whole thread waits",
            (Lang::En, K::Timer) => "waiting on a timer",
            (Lang::En, K::Network) => "waiting on the network",
            (Lang::En, K::Channel) => "waiting on a channel or lock",
            (Lang::En, K::Task) => "waiting for another task",
            (Lang::En, K::Other) => "waiting",
            (Lang::En, K::Stuck) => "stuck: nothing will wake it",
            (Lang::En, K::Request) => "request in flight",
            (Lang::En, K::WaitJob) => "waiting for a job on a worker thread",
            (Lang::En, K::Starting) => "worker starting: loading its own copy of the program",
            (Lang::En, K::Job) => "worker running a job",
            (Lang::Zh, K::Ready) => "就绪，等待轮到它",
            (Lang::Zh, K::Running) => "运行中（正被轮询）",
            (Lang::Zh, K::Blocked) => "阻塞：整个线程都在等",
            (Lang::Zh, K::Timer) => "等待定时器",
            (Lang::Zh, K::Network) => "等待网络",
            (Lang::Zh, K::Channel) => "等待通道或锁",
            (Lang::Zh, K::Task) => "等待另一个任务",
            (Lang::Zh, K::Other) => "等待中",
            (Lang::Zh, K::Stuck) => "卡住：没有谁会唤醒它",
            (Lang::Zh, K::Request) => "请求进行中",
            (Lang::Zh, K::WaitJob) => "等待工作线程上的作业",
            (Lang::Zh, K::Starting) => "工作线程启动中：加载它自己的一份程序",
            (Lang::Zh, K::Job) => "工作线程正在执行作业",
        }
    }

    /// Who woke a task, in words.
    pub fn woken_by(self, by: WakeSource) -> String {
        match (self, by) {
            (Lang::En, WakeSource::Timer) => "woken by a timer".into(),
            (Lang::En, WakeSource::Network(r)) => format!("woken by request {r}"),
            (Lang::En, WakeSource::Task(t)) => format!("woken by task {t}"),
            (Lang::En, WakeSource::Channel(Some(t))) => {
                format!("woken through a channel by task {t}")
            }
            (Lang::En, WakeSource::Channel(None)) => "woken through a channel".into(),
            (Lang::En, WakeSource::External) => "woken from outside the executor".into(),
            (Lang::En, WakeSource::Job(j)) => format!("woken when job {j} ended"),
            (Lang::Zh, WakeSource::Timer) => "被定时器唤醒".into(),
            (Lang::Zh, WakeSource::Network(r)) => format!("被请求 {r} 唤醒"),
            (Lang::Zh, WakeSource::Task(t)) => format!("被任务 {t} 唤醒"),
            (Lang::Zh, WakeSource::Channel(Some(t))) => format!("任务 {t} 通过通道唤醒"),
            (Lang::Zh, WakeSource::Channel(None)) => "通过通道唤醒".into(),
            (Lang::Zh, WakeSource::External) => "被执行器外部唤醒".into(),
            (Lang::Zh, WakeSource::Job(j)) => format!("作业 {j} 结束时被唤醒"),
        }
    }

    /// A short time, in µs below a millisecond, else in ms: "120 µs", "4.2 ms".
    pub fn short_us(self, us: u64) -> String {
        fmt_us(us)
    }

    /// How long wake-ups waited for their polls: "wake → poll 120 µs on average, 4.2 ms at
    /// worst".
    pub fn wake_to_poll(self, avg_us: u64, max_us: u64) -> String {
        let (avg, max) = (fmt_us(avg_us), fmt_us(max_us));
        match self {
            Lang::En => format!("wake → poll {avg} on average, {max} at worst"),
            Lang::Zh => format!("唤醒到轮询：平均 {avg}，最长 {max}"),
        }
    }

    /// The executor's latest turn at `now_us`: how far it has got, or why it ended.
    pub fn turn(self, turn: &TurnView, now_us: u64) -> String {
        let n = turn.n;
        let polls = turn.polls;
        let slice = TURN_SLICE_US as f64 / 1000.0;
        let used = now_us.saturating_sub(turn.started_us) as f64 / 1000.0;
        let unlimited = turn.budget == u32::MAX;
        let budget = turn.budget;
        match (self, turn.ended) {
            (Lang::En, None) => {
                let limit = if unlimited {
                    "no limit".into()
                } else {
                    format!("at most {budget}")
                };
                format!(
                    "turn {n}: {polls} polls so far ({limit}), {used:.1} ms of its {slice} ms slice"
                )
            }
            (Lang::En, Some(why)) => {
                let why = match why {
                    TurnStop::Idle => "nothing was left to poll".into(),
                    TurnStop::Budget => format!("it used its budget of {budget} polls"),
                    TurnStop::Slice => format!("its {slice} ms slice was used up"),
                    TurnStop::Paused => "waiting for a step".into(),
                };
                let polls = if polls == 1 {
                    "1 poll".into()
                } else {
                    format!("{polls} polls")
                };
                format!("turn {n} ended after {polls}: {why}")
            }
            (Lang::Zh, None) => {
                let limit = if unlimited {
                    "不限次数".into()
                } else {
                    format!("最多 {budget} 次")
                };
                format!(
                    "第 {n} 轮：已轮询 {polls} 次（{limit}），{slice} ms 时间片已用 {used:.1} ms"
                )
            }
            (Lang::Zh, Some(why)) => {
                let why = match why {
                    TurnStop::Idle => "没有可轮询的任务了".into(),
                    TurnStop::Budget => format!("用完了 {budget} 次轮询的预算"),
                    TurnStop::Slice => format!("{slice} ms 的时间片用完了"),
                    TurnStop::Paused => "等待单步".into(),
                };
                format!("第 {n} 轮在轮询 {polls} 次后结束：{why}")
            }
        }
    }

    /// A task's state, in words.
    pub fn task_phase(self, phase: &TaskPhase) -> String {
        match (self, phase) {
            (Lang::En, TaskPhase::Scheduled) => "ready".into(),
            (Lang::En, TaskPhase::Running) => "running".into(),
            (Lang::En, TaskPhase::Waiting(on)) => match on {
                WaitOn::Timer => "sleeping".into(),
                WaitOn::Network(r) => format!("waiting for request {r}"),
                WaitOn::Task(t) => format!("waiting for task {t}"),
                WaitOn::Channel => "waiting on a channel or lock".into(),
                WaitOn::Job(j) => format!("waiting for job {j}"),
                WaitOn::Other => "waiting".into(),
            },
            (Lang::En, TaskPhase::Stuck) => "stuck (lost wake-up)".into(),
            (Lang::En, TaskPhase::Done) => "done".into(),
            (Lang::En, TaskPhase::Failed(m)) => format!("panicked: {m}"),
            (Lang::En, TaskPhase::Cancelled) => "cancelled".into(),
            (Lang::Zh, TaskPhase::Scheduled) => "就绪".into(),
            (Lang::Zh, TaskPhase::Running) => "运行中".into(),
            (Lang::Zh, TaskPhase::Waiting(on)) => match on {
                WaitOn::Timer => "休眠中".into(),
                WaitOn::Network(r) => format!("等待请求 {r}"),
                WaitOn::Task(t) => format!("等待任务 {t}"),
                WaitOn::Channel => "等待通道或锁".into(),
                WaitOn::Job(j) => format!("等待作业 {j}"),
                WaitOn::Other => "等待中".into(),
            },
            (Lang::Zh, TaskPhase::Stuck) => "卡住（丢失唤醒）".into(),
            (Lang::Zh, TaskPhase::Done) => "完成".into(),
            (Lang::Zh, TaskPhase::Failed(m)) => format!("panic：{m}"),
            (Lang::Zh, TaskPhase::Cancelled) => "已取消".into(),
        }
    }

    /// A diagnostic, in words.
    pub fn diagnostic(self, task: &str, problem: &Diagnostic) -> String {
        match (self, problem) {
            (Lang::En, Diagnostic::LostWakeup) => format!(
                "{task} returned Pending but no copy of its waker was kept: nothing can wake it (a lost wake-up)."
            ),
            (Lang::En, Diagnostic::BusySelfWake { polls }) => format!(
                "{task} woke itself {polls} polls in a row without waiting for anything: it is spinning."
            ),
            (Lang::Zh, Diagnostic::LostWakeup) => {
                format!(
                    "{task} 返回了 Pending，却没有任何地方保存它的 waker：再也没人能唤醒它（丢失唤醒）。"
                )
            }
            (Lang::Zh, Diagnostic::BusySelfWake { polls }) => {
                format!("{task} 连续 {polls} 次轮询都唤醒了自己，却没有等待任何东西：它在空转。")
            }
            (Lang::En, Diagnostic::LongPoll { ms }) => format!(
                "{task} held the thread for {ms} ms in one poll: no other task, timer or answer could run meanwhile."
            ),
            (Lang::Zh, Diagnostic::LongPoll { ms }) => format!(
                "{task} 在一次轮询里占住线程 {ms} ms：这期间别的任务、定时器和回应都无法运行。"
            ),
        }
    }

    /// The notice for a runner whose thread has not been free for `secs` seconds.
    pub fn runner_blocked(self, secs: f64) -> String {
        match self {
            Lang::En => format!(
                "The runner's thread has been blocked for {secs:.0} s: the snippet is inside a blocking call (or a loop that never yields), so nothing else can run there. Stop ends it at once."
            ),
            Lang::Zh => format!(
                "运行器的线程已被阻塞 {secs:.0} 秒：代码片段正卡在一个阻塞调用里（或一个从不让出的循环），那里什么别的也运行不了。按“停止”可以立刻结束它。"
            ),
        }
    }

    /// A lesson's progress in the navigation, in words.
    pub fn progress_title(self, visited: bool, ran: usize, total: usize) -> String {
        // Snippets can be run before their lesson is opened: from a comparison elsewhere.
        let done = total > 0 && ran >= total;
        match (self, visited, ran > 0, done) {
            (Lang::En, _, _, true) => format!("done: all {total} snippets run"),
            (Lang::En, false, false, _) => "not opened yet".into(),
            (Lang::En, false, true, _) => format!("{ran} of {total} snippets run"),
            (Lang::En, true, _, _) => format!("opened; {ran} of {total} snippets run"),
            (Lang::Zh, _, _, true) => format!("已完成：{total} 个代码片段都运行过了"),
            (Lang::Zh, false, false, _) => "尚未打开".into(),
            (Lang::Zh, false, true, _) => format!("运行过 {total} 个代码片段中的 {ran} 个"),
            (Lang::Zh, true, _, _) => format!("已打开；运行过 {total} 个代码片段中的 {ran} 个"),
        }
    }

    /// What a link to a moment asked that could not be done as asked.
    pub fn replay_problem(self, problem: &crate::route::ReplayProblem) -> String {
        use crate::route::ReplayProblem as P;
        match (self, problem) {
            (Lang::En, P::Negative(v)) => {
                format!("The link asks for event {v}, before the first: showing the start.")
            }
            (Lang::En, P::TooLarge(v)) => {
                format!("The link asks for event {v}, past the end of the run: showing the end.")
            }
            (Lang::En, P::NotANumber(v)) => format!(
                "The link's replay=\u{201c}{v}\u{201d} is not an event number: showing the end."
            ),
            (Lang::Zh, P::Negative(v)) => {
                format!("链接要的是第 {v} 个事件，在第一个之前：显示开头。")
            }
            (Lang::Zh, P::TooLarge(v)) => {
                format!("链接要的是第 {v} 个事件，超出了这次运行的结尾：显示结尾。")
            }
            (Lang::Zh, P::NotANumber(v)) => {
                format!("链接里的 replay=“{v}”不是事件序号：显示结尾。")
            }
        }
    }

    /// A link to a moment asked for an event past the end of the run it started.
    pub fn replay_past_end(self, asked: usize, events: usize) -> String {
        match self {
            Lang::En => format!(
                "The link asks for event {asked}, but this run has {events} events: showing the end."
            ),
            Lang::Zh => {
                format!("链接要的是第 {asked} 个事件，但这次运行只有 {events} 个事件：显示结尾。")
            }
        }
    }

    /// A lesson's content file could not be fetched or read.
    pub fn content_failed(self, why: &str) -> String {
        match self {
            Lang::En => format!(
                "This lesson's text could not be loaded ({why}). If you are offline, the site works again once it has been visited online; otherwise try again."
            ),
            Lang::Zh => format!(
                "这一课的正文没能加载（{why}）。如果你离线了，网站要先在联网时访问过一次才能离线使用；否则请重试。"
            ),
        }
    }

    /// A link names a card or heading the lesson does not have.
    pub fn no_such_place(self, id: &str) -> String {
        let id: String = match id.char_indices().nth(60) {
            Some((cut, _)) => format!("{}…", &id[..cut]),
            None => id.to_owned(),
        };
        match self {
            Lang::En => format!(
                "This lesson has no snippet or section \u{201c}{id}\u{201d}: showing the lesson from its start."
            ),
            Lang::Zh => format!("这一课没有叫“{id}”的代码片段或小节：从头显示这一课。"),
        }
    }

    /// A link to a moment of a snippet that runs on the page's own thread: it waits for Run.
    pub fn page_thread_link(self) -> &'static str {
        match self {
            Lang::En => {
                "The link's knobs are set. This snippet freezes the page while it runs, so it does not start by itself: agree above, then press Run."
            }
            Lang::Zh => {
                "链接里的参数已经填好。这个代码片段运行时会冻结页面，所以不会自动开始：先在上面勾选同意，再按“运行”。"
            }
        }
    }

    /// The note under a long output.
    pub fn lines_not_shown(self, n: usize) -> String {
        match self {
            Lang::En => format!("… {n} more lines not shown (Copy takes them all)"),
            Lang::Zh => format!("…… 还有 {n} 行未显示（“复制”会复制全部）"),
        }
    }

    /// "Now at Fetching (line 42)": the latest state a snippet marked.
    pub fn at_mark(self, label: &str, line: u32) -> String {
        match self {
            Lang::En => format!("Now at: {label} (line {line})"),
            Lang::Zh => format!("当前位置：{label}（第 {line} 行）"),
        }
    }

    /// "The page could not paint for 2103 ms.".
    pub fn froze_for(self, ms: &str) -> String {
        match self {
            Lang::En => format!("The page could not paint for {ms}: its thread was blocked."),
            Lang::Zh => format!("页面有 {ms} 无法重绘：它的线程被阻塞了。"),
        }
    }

    /// "+ 120 more", after a shortened list.
    pub fn more(self, n: usize) -> String {
        match self {
            Lang::En => format!("+ {n} more"),
            Lang::Zh => format!("另有 {n} 个"),
        }
    }

    /// A worker thread of the blocking pool and what it does, in words.
    pub fn worker(self, w: &WorkerView, jobs: &[JobView]) -> String {
        let memory = w
            .memory_bytes
            .map(|b| format!(" · {:.1} MB", b as f64 / 1e6))
            .unwrap_or_default();
        let job_name = |j: JobId| {
            jobs.iter()
                .find(|v| v.id == j)
                .map(|v| v.name.clone())
                .unwrap_or_default()
        };
        let id = w.id;
        match (self, &w.phase) {
            (Lang::En, WorkerPhase::Starting) => format!("worker {id}: starting"),
            (Lang::En, WorkerPhase::Idle) => format!("worker {id}: idle{memory}"),
            (Lang::En, WorkerPhase::Busy(j)) => {
                format!("worker {id}: job {j} ({}){memory}", job_name(*j))
            }
            (Lang::En, WorkerPhase::Gone(why)) => format!("worker {id}: stopped: {why}"),
            (Lang::Zh, WorkerPhase::Starting) => format!("工作线程 {id}：启动中"),
            (Lang::Zh, WorkerPhase::Idle) => format!("工作线程 {id}：空闲{memory}"),
            (Lang::Zh, WorkerPhase::Busy(j)) => {
                format!("工作线程 {id}：作业 {j}（{}）{memory}", job_name(*j))
            }
            (Lang::Zh, WorkerPhase::Gone(why)) => format!("工作线程 {id}：已停止：{why}"),
        }
    }

    /// "2 jobs waiting for a free worker".
    pub fn jobs_waiting(self, n: usize) -> String {
        match self {
            Lang::En if n == 1 => "1 job waiting for a free worker".into(),
            Lang::En => format!("{n} jobs waiting for a free worker"),
            Lang::Zh => format!("{n} 个作业在等空闲的工作线程"),
        }
    }

    /// The task table's caption: "Tasks · 50,001".
    pub fn tasks_caption(self, n: usize) -> String {
        let n = super::results::grouped(n);
        match self {
            Lang::En => format!("Tasks · {n}"),
            Lang::Zh => format!("任务 · {n}"),
        }
    }

    /// "… 120 more rows not shown".
    pub fn rows_not_shown(self, n: usize) -> String {
        match self {
            Lang::En => format!("… {n} more rows not shown"),
            Lang::Zh => format!("…… 还有 {n} 行未显示"),
        }
    }

    /// "… 120 more lanes not shown".
    pub fn lanes_not_shown(self, n: usize) -> String {
        match self {
            Lang::En => format!("… {n} more lanes not shown"),
            Lang::Zh => format!("…… 还有 {n} 条泳道未显示"),
        }
    }

    /// "One by one: 10.0 s · ×9.8 faster": what the waits would take in a row, and the ratio.
    pub fn speed_up(self, one_by_one: &str, factor: f64) -> String {
        match self {
            Lang::En => format!("one by one: {one_by_one} · ×{factor:.1} faster"),
            Lang::Zh => format!("逐个完成需 {one_by_one} · 快 {factor:.1} 倍"),
        }
    }

    /// "speed-up ×3.0 (3.0 s → 1.0 s)": a comparison's figure, the first total over the second.
    pub fn compare_figure(self, a: &str, b: &str, factor: f64) -> String {
        match self {
            Lang::En => format!("speed-up ×{factor:.1} ({a} → {b})"),
            Lang::Zh => format!("加速比 ×{factor:.1}（{a} → {b}）"),
        }
    }

    /// "3 of 10 requests done".
    pub fn requests_progress(self, ended: u64, started: u64) -> String {
        match self {
            Lang::En => format!("{ended} of {started} requests done"),
            Lang::Zh => format!("{started} 个请求中已完成 {ended} 个"),
        }
    }

    /// The sweep's heading: "Every value of Requests in flight at most".
    pub fn sweep_title(self, label: &str) -> String {
        match self {
            Lang::En => format!("Every value of “{label}”"),
            Lang::Zh => format!("逐一尝试“{label}”的每个取值"),
        }
    }

    /// What the sweep does.
    pub fn sweep_note(self, label: &str, runs: usize, from: u32, to: u32) -> String {
        match self {
            Lang::En => format!(
                "Runs the snippet {runs} times on the virtual clock, with “{label}” from {from} to {to} and the other knobs as above, and plots what each run took."
            ),
            Lang::Zh => format!(
                "在虚拟时钟上把代码片段运行 {runs} 次，“{label}”从 {from} 取到 {to}，其他参数保持上面的设置，并画出每次运行的结果。"
            ),
        }
    }

    /// The sweep's button: "Run 64 times".
    pub fn sweep_run(self, runs: usize) -> String {
        match self {
            Lang::En => format!("Run {runs} times"),
            Lang::Zh => format!("运行 {runs} 次"),
        }
    }

    /// "12 of 64 runs".
    pub fn sweep_progress(self, done: usize, planned: usize) -> String {
        match self {
            Lang::En => format!("{done} of {planned} runs"),
            Lang::Zh => format!("已完成 {done}/{planned} 次"),
        }
    }

    /// The upper panel's title.
    pub fn sweep_time_title(self) -> String {
        match self {
            Lang::En => "total time".into(),
            Lang::Zh => "总用时".into(),
        }
    }

    /// The lower panel's title.
    pub fn sweep_requests_title(self) -> String {
        match self {
            Lang::En => "requests: most in flight at once, and failed".into(),
            Lang::Zh => "请求：同时在途的最多数量，以及失败数".into(),
        }
    }

    /// The series of the most requests in flight.
    pub fn sweep_in_flight(self) -> String {
        match self {
            Lang::En => "most in flight".into(),
            Lang::Zh => "最多在途".into(),
        }
    }

    /// The series of failed requests.
    pub fn sweep_failed(self) -> String {
        match self {
            Lang::En => "failed requests".into(),
            Lang::Zh => "失败的请求".into(),
        }
    }

    /// "Fastest: Requests in flight at most = 16, 4.1 s".
    pub fn sweep_fastest(self, label: &str, value: u32, took: &str) -> String {
        match self {
            Lang::En => format!("Fastest: {label} = {value}, {took}"),
            Lang::Zh => format!("最快：{label} = {value}，{took}"),
        }
    }

    /// The summary of the sweep's table.
    pub fn sweep_table(self) -> String {
        match self {
            Lang::En => "The runs as a table".into(),
            Lang::Zh => "各次运行（表格）".into(),
        }
    }

    /// "1536 bytes so far": a streamed body's progress in the inspector.
    pub fn bytes_received(self, bytes: u64) -> String {
        match self {
            Lang::En => format!("{bytes} bytes so far"),
            Lang::Zh => format!("已收到 {bytes} 字节"),
        }
    }

    /// "event 12 of 80" for the replay scrubber.
    pub fn event_of(self, at: usize, of: usize) -> String {
        match self {
            Lang::En => format!("event {at} of {of}"),
            Lang::Zh => format!("第 {at} / {of} 个事件"),
        }
    }
}

/// A short time: whole microseconds below a millisecond, else milliseconds to one decimal.
fn fmt_us(us: u64) -> String {
    if us < 1000 {
        format!("{us} µs")
    } else {
        format!("{:.1} ms", us as f64 / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(polls: u32, budget: u32, ended: Option<TurnStop>) -> TurnView {
        TurnView {
            n: 7,
            started_us: 1_000,
            budget,
            polls,
            ended,
        }
    }

    #[test]
    fn wake_to_poll_times_read_in_the_unit_that_fits() {
        assert_eq!(
            Lang::En.wake_to_poll(120, 4_250),
            "wake → poll 120 µs on average, 4.2 ms at worst"
        );
        assert_eq!(
            Lang::Zh.wake_to_poll(0, 999),
            "唤醒到轮询：平均 0 µs，最长 999 µs"
        );
    }

    #[test]
    fn a_turn_says_how_far_it_got_or_why_it_ended() {
        let going = turn(2, 4096, None);
        assert_eq!(
            Lang::En.turn(&going, 2_300),
            "turn 7: 2 polls so far (at most 4096), 1.3 ms of its 4 ms slice"
        );
        assert_eq!(
            Lang::Zh.turn(&turn(2, u32::MAX, None), 1_000),
            "第 7 轮：已轮询 2 次（不限次数），4 ms 时间片已用 0.0 ms"
        );
        assert_eq!(
            Lang::En.turn(&turn(1, 4096, Some(TurnStop::Idle)), 9_000),
            "turn 7 ended after 1 poll: nothing was left to poll"
        );
        assert_eq!(
            Lang::En.turn(&turn(4096, 4096, Some(TurnStop::Budget)), 9_000),
            "turn 7 ended after 4096 polls: it used its budget of 4096 polls"
        );
        assert_eq!(
            Lang::Zh.turn(&turn(63, 4096, Some(TurnStop::Slice)), 9_000),
            "第 7 轮在轮询 63 次后结束：4 ms 的时间片用完了"
        );
    }
}
