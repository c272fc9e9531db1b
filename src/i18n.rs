//! UI strings in English and Chinese, and choosing the language.

use std::cell::Cell;

use executor::trace::{Diagnostic, JobId, WaitOn, WakeSource};
use protocol::replay::{JobView, LaneEnd, SegmentKind, TaskPhase, WorkerPhase, WorkerView};
use protocol::{
    FetchProblem, JobFailure, KnobError, Report, RunError, RunnerProblem, SyncProblem, WorkerLoss,
};

/// A language the site is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
}

const STORAGE_KEY: &str = "lang";

thread_local! {
    /// The language the page shows now (see [`Lang::current`]).
    static CURRENT: Cell<Option<Lang>> = const { Cell::new(None) };
}

impl Lang {
    /// The BCP 47 code: `en`, `zh`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// Parses a code (`zh-CN` counts as `zh`).
    pub fn from_code(code: &str) -> Option<Lang> {
        let code = code.to_ascii_lowercase();
        if code.starts_with("zh") {
            Some(Lang::Zh)
        } else if code.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// `?lang=` in the URL, else the last choice, else the browser's language, else English.
    pub fn detect() -> Lang {
        let window = web_sys::window().expect("a window");
        let from_query = window.location().search().ok().and_then(|q| {
            q.trim_start_matches('?')
                .split('&')
                .find_map(|kv| kv.strip_prefix("lang="))
                .and_then(Lang::from_code)
        });
        let stored = || crate::store::get(STORAGE_KEY).and_then(|c| Lang::from_code(&c));
        let browser = || {
            window
                .navigator()
                .language()
                .and_then(|c| Lang::from_code(&c))
        };
        from_query
            .or_else(stored)
            .or_else(browser)
            .unwrap_or(Lang::En)
    }

    /// Remembers the choice for the next visit.
    pub fn remember(self) {
        crate::store::set(STORAGE_KEY, self.code());
    }

    /// Records that the page now shows this language (the shell and the embed page call it
    /// whenever theirs changes).
    pub fn set_current(self) {
        CURRENT.with(|c| c.set(Some(self)));
    }

    /// The language the page shows now: the last [`Lang::set_current`], else [`Lang::detect`].
    /// What `asyncTutor.run` reports errors in.
    pub fn current() -> Lang {
        CURRENT.with(Cell::get).unwrap_or_else(Lang::detect)
    }

    /// The UI strings.
    pub fn t(self) -> &'static Strings {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }

    /// A knob problem in words, with the knob's label.
    pub fn knob_error(self, label: &str, error: &KnobError) -> String {
        match (self, error) {
            (Lang::En, KnobError::OutOfRange { min, max, .. }) => {
                format!("{label} must be a whole number from {min} to {max}.")
            }
            (Lang::Zh, KnobError::OutOfRange { min, max, .. }) => {
                format!("{label}必须是 {min} 到 {max} 之间的整数。")
            }
            (_, other) => other.to_string(),
        }
    }

    /// How a run failed, in words. Our framing is in this language; what a snippet's author
    /// wrote (its own error, a panic's message) and what the browser said stay as they are.
    /// English is the error's own text (`Display`), the same the runner prints natively.
    pub fn run_error(self, error: &RunError) -> String {
        match self {
            Lang::En => error.to_string(),
            Lang::Zh => zh::run_error(error),
        }
    }

    /// The error a run's report ends with, in words, if it failed.
    pub fn report_error(self, report: &Report) -> Option<String> {
        match &report.failure {
            Some(failure) => Some(self.run_error(failure)),
            None => report.error.clone(),
        }
    }

    /// "Title: text", with this language's colon.
    pub fn labelled(self, label: &str, text: &str) -> String {
        match self {
            Lang::En => format!("{label}: {text}"),
            Lang::Zh => format!("{label}：{text}"),
        }
    }

    /// The embed page's reason for never being ready: no such snippet.
    pub fn embed_no_snippet(self, lesson: &str, snippet: &str) -> String {
        match self {
            Lang::En => format!("no snippet `{snippet}` in lesson `{lesson}`"),
            Lang::Zh => format!("课程“{lesson}”中没有代码片段“{snippet}”"),
        }
    }

    /// A message from the embed's host that is no command; `detail` is the parser's words.
    pub fn embed_bad_command(self, detail: &str) -> String {
        match self {
            Lang::En => format!("not a command this embed knows: {detail}"),
            Lang::Zh => format!("这不是此嵌入认识的命令：{detail}"),
        }
    }

    /// Knob names an embed or its host asked for that the snippet does not have.
    pub fn unknown_knobs(self, unknown: &[String], known: &[&str]) -> String {
        let (unknown, known) = (unknown.join(", "), known.join(", "));
        match self {
            Lang::En => format!("No such knob: {unknown}. This snippet's knobs: {known}."),
            Lang::Zh => format!("没有这个参数：{unknown}。这个代码片段的参数：{known}。"),
        }
    }
}

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
                format!("{task} 返回了 Pending，却没有任何地方保存它的 waker：再也没人能唤醒它（丢失唤醒）。")
            }
            (Lang::Zh, Diagnostic::BusySelfWake { polls }) => {
                format!("{task} 连续 {polls} 次轮询都唤醒了自己，却没有等待任何东西：它在空转。")
            }
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
        match (self, visited) {
            (Lang::En, false) => "not opened yet".into(),
            (Lang::En, true) => format!("opened; {ran} of {total} snippets run"),
            (Lang::Zh, false) => "尚未打开".into(),
            (Lang::Zh, true) => format!("已打开；运行过 {total} 个代码片段中的 {ran} 个"),
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

    /// "… 120 more tasks not shown".
    pub fn tasks_not_shown(self, n: usize) -> String {
        match self {
            Lang::En => format!("… {n} more tasks not shown"),
            Lang::Zh => format!("…… 还有 {n} 个任务未显示"),
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

    /// "event 12 of 80" for the replay scrubber.
    pub fn event_of(self, at: usize, of: usize) -> String {
        match self {
            Lang::En => format!("event {at} of {of}"),
            Lang::Zh => format!("第 {at} / {of} 个事件"),
        }
    }
}

/// Every UI string.
pub struct Strings {
    pub site: &'static str,
    pub skip: &'static str,
    pub lessons: &'static str,
    pub language: &'static str,
    pub theme: &'static str,
    pub theme_auto: &'static str,
    pub theme_light: &'static str,
    pub theme_dark: &'static str,
    pub run: &'static str,
    pub stop: &'static str,
    pub step: &'static str,
    pub copy: &'static str,
    pub show_all: &'static str,
    pub reset_progress: &'static str,
    pub reset: &'static str,
    pub run_to_end: &'static str,
    pub stepping: &'static str,
    pub source: &'static str,
    pub knobs: &'static str,
    pub output: &'static str,
    pub timeline: &'static str,
    pub total: &'static str,
    pub idle: &'static str,
    pub running: &'static str,
    pub done: &'static str,
    pub failed: &'static str,
    pub stopped: &'static str,
    pub no_output: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub link_to_snippet: &'static str,
    pub net_pending: &'static str,
    pub net_slow_web: &'static str,
    pub net_virtual: &'static str,
    pub ran_virtual: &'static str,
    pub ran_slow_web: &'static str,
    pub not_found: &'static str,
    pub update_ready: &'static str,
    pub update_reload: &'static str,
    pub open_full: &'static str,
    pub embed_not_found: &'static str,
    pub blocking_note: &'static str,
    pub timeline_as_table: &'static str,
    pub lane: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub what: &'static str,
    pub inspector: &'static str,
    pub ready_queue: &'static str,
    pub sleeping: &'static str,
    pub in_flight: &'static str,
    pub workers: &'static str,
    pub tasks: &'static str,
    pub counters: &'static str,
    pub polls: &'static str,
    pub task: &'static str,
    pub state: &'static str,
    pub wakes: &'static str,
    pub self_wakes: &'static str,
    pub timers_armed: &'static str,
    pub diagnostics: &'static str,
    pub none: &'static str,
    pub replay: &'static str,
    pub virtual_time: &'static str,
    pub virtual_time_hint: &'static str,
    pub trace_capped: &'static str,
    pub marked: &'static str,
    pub compare: &'static str,
    pub run_both: &'static str,
    pub link_to_moment: &'static str,
    pub link_copied: &'static str,
    pub timeline_hint: &'static str,
    pub frames: &'static str,
    pub freeze_warning: &'static str,
    pub freeze_consent: &'static str,
}

static EN: Strings = Strings {
    site: "Async Tutor",
    skip: "Skip to the lesson",
    lessons: "Lessons",
    language: "Language",
    theme: "Theme",
    theme_auto: "Auto",
    theme_light: "Light",
    theme_dark: "Dark",
    run: "Run",
    stop: "Stop",
    step: "Step",
    copy: "Copy",
    show_all: "Show all",
    reset_progress: "Reset progress",
    reset: "Reset",
    run_to_end: "Run to end",
    stepping: "Stepping: each Step polls one task",
    source: "Source",
    knobs: "Knobs",
    output: "Output",
    timeline: "Timeline",
    total: "Total",
    idle: "Ready",
    running: "Running…",
    done: "Done",
    failed: "Failed",
    stopped: "Stopped",
    no_output: "Run the snippet to see its output here.",
    previous: "Previous",
    next: "Next",
    link_to_snippet: "Link to this snippet",
    net_pending: "Starting the slow web…",
    net_slow_web: "Slow web ready: requests are real fetches answered by a service worker.",
    net_virtual:
        "No service worker controls this page: runs use the virtual network (simulated time).",
    ran_virtual: "Ran on the virtual network: simulated time, finished at once.",
    ran_slow_web: "Ran on the slow web: real requests, real time.",
    not_found: "There is no such lesson.",
    update_ready: "A new version of Async Tutor is available.",
    update_reload: "Reload",
    open_full: "Open in Async Tutor ↗",
    embed_not_found: "This embed names no snippet of the course:",
    blocking_note: "Blocking: this snippet stops its whole thread while it waits.",
    timeline_as_table: "Timeline as a table",
    lane: "Lane",
    from: "From",
    to: "To",
    what: "What",
    inspector: "Executor",
    ready_queue: "Ready queue",
    sleeping: "Sleeping",
    in_flight: "Requests in flight",
    workers: "Worker threads",
    tasks: "Tasks",
    counters: "Counters",
    polls: "polls",
    task: "Task",
    state: "State",
    wakes: "wake-ups",
    self_wakes: "self-wakes",
    timers_armed: "timers armed",
    diagnostics: "Diagnostics",
    none: "none",
    replay: "Replay",
    virtual_time: "Virtual time",
    virtual_time_hint: "simulated clock: instant and deterministic",
    trace_capped:
        "The trace reached 100 000 events; later events are not recorded. The run itself went on.",
    marked: "Marked state",
    compare: "Compare",
    run_both: "Run both",
    link_to_moment: "Link to this moment",
    link_copied: "Link copied",
    frames: "frames",
    freeze_warning: "This snippet runs on the page's own thread: the whole page will freeze for a few seconds, then recover.",
    freeze_consent: "I understand: freeze the page",
    timeline_hint: "Point at a lane, or focus the timeline and use ↑ ↓, to read it here.",
};

static ZH: Strings = Strings {
    site: "Async Tutor 异步教程",
    skip: "跳到课程内容",
    lessons: "课程目录",
    language: "语言",
    theme: "主题",
    theme_auto: "自动",
    theme_light: "浅色",
    theme_dark: "深色",
    run: "运行",
    stop: "停止",
    step: "单步",
    copy: "复制",
    show_all: "显示全部",
    reset_progress: "清除学习进度",
    reset: "恢复默认",
    run_to_end: "运行到底",
    stepping: "单步模式：每按一次“单步”轮询一个任务",
    source: "源代码",
    knobs: "参数",
    output: "输出",
    timeline: "时间线",
    total: "总时间",
    idle: "就绪",
    running: "运行中…",
    done: "完成",
    failed: "失败",
    stopped: "已停止",
    no_output: "运行代码片段后，输出会显示在这里。",
    previous: "上一课",
    next: "下一课",
    link_to_snippet: "此代码片段的链接",
    net_pending: "正在启动慢网…",
    net_slow_web: "慢网已就绪：请求是由 service worker 应答的真实 fetch。",
    net_virtual: "没有 service worker 控制此页面：运行将使用虚拟网络（模拟时间）。",
    ran_virtual: "在虚拟网络上运行：模拟时间，瞬间完成。",
    ran_slow_web: "在慢网上运行：真实请求，真实时间。",
    not_found: "没有这一课。",
    update_ready: "Async Tutor 有新版本了。",
    update_reload: "重新加载",
    open_full: "在 Async Tutor 中打开 ↗",
    embed_not_found: "这个嵌入没有指向课程中的代码片段：",
    blocking_note: "阻塞：这个代码片段在等待时会让整个线程停下。",
    timeline_as_table: "时间线（表格）",
    lane: "泳道",
    from: "开始",
    to: "结束",
    what: "状态",
    inspector: "执行器",
    ready_queue: "就绪队列",
    sleeping: "休眠中",
    in_flight: "进行中的请求",
    workers: "工作线程",
    tasks: "任务",
    counters: "计数",
    polls: "轮询",
    task: "任务",
    state: "状态",
    wakes: "唤醒",
    self_wakes: "自我唤醒",
    timers_armed: "定时器设置",
    diagnostics: "诊断",
    none: "无",
    replay: "回放",
    virtual_time: "虚拟时间",
    virtual_time_hint: "模拟时钟：瞬间完成，结果确定",
    trace_capped: "跟踪记录已达 10 万个事件，之后的事件不再记录；运行本身没有受影响。",
    marked: "标记的状态",
    compare: "对比",
    run_both: "两个都运行",
    link_to_moment: "链接到此刻",
    link_copied: "链接已复制",
    frames: "帧",
    freeze_warning: "这个代码片段在页面自己的线程上运行：整个页面会冻结几秒钟，然后恢复。",
    freeze_consent: "我明白：让页面冻结",
    timeline_hint: "把鼠标移到某条泳道上，或聚焦时间线后按 ↑ ↓，这里会显示它的详情。",
};

/// "Lesson 8" / "第 8 课".
pub fn lesson_label(lang: Lang, number: u32) -> String {
    match lang {
        Lang::En => format!("Lesson {number}"),
        Lang::Zh => format!("第 {number} 课"),
    }
}

/// Run errors in Chinese. The English words are each error's `Display` (crates/protocol).
mod zh {
    use super::*;

    /// "（位于 lessons/…:13:55）" when the place is known.
    fn at(location: &Option<String>) -> String {
        location
            .as_ref()
            .map(|place| format!("（位于 {place}）"))
            .unwrap_or_default()
    }

    pub(super) fn run_error(error: &RunError) -> String {
        match error {
            RunError::Snippet { message } => message.clone(),
            RunError::Fetch { url, problem } => fetch(url, problem),
            RunError::TaskPanicked { message } => format!("任务发生了 panic：{message}"),
            RunError::TaskCancelled => "任务已被取消".into(),
            RunError::TimedOut { ms } => format!("{ms} 毫秒后超时"),
            RunError::Stalled { at_ms } => {
                format!("在 {at_ms:.3} 毫秒处停滞：所有任务都在等待，却没有任何东西能唤醒它们")
            }
            RunError::Job { job, failure } => {
                format!("阻塞作业“{job}”失败：{}", job_failure(failure))
            }
            RunError::Sync { problem } => sync(*problem).into(),
            RunError::Panic { message, location } => {
                format!("代码片段发生了 panic：{message}{}", at(location))
            }
            RunError::RunnerCrashed { message } => format!("运行器意外停止：{message}"),
            RunError::Runner { problem } => runner(problem),
            RunError::Knobs { errors } => errors.iter().map(knob).collect::<Vec<_>>().join("；"),
            RunError::NoSuchSnippet {
                lesson,
                snippet,
                known,
            } => format!(
                "没有代码片段 {lesson}/{snippet}；现有的是：{}",
                known.join("、")
            ),
            RunError::BadOptions { detail } => format!("运行选项有误：{detail}"),
            RunError::BadKnobs { detail } => {
                format!("参数（knobs）必须是一个以数字为值的对象：{detail}")
            }
            RunError::Stopped => "已停止".into(),
        }
    }

    fn fetch(url: &str, problem: &FetchProblem) -> String {
        match problem {
            FetchProblem::Status { code } => format!("{url} 返回了 HTTP {code}"),
            FetchProblem::NoResponse { browser } => format!(
                "无法获取 {url}：没有收到响应（{browser}）——可能是网络断了、主机无法访问，或者服务器不允许这个来源访问（CORS）"
            ),
            FetchProblem::Aborted => format!("无法获取 {url}：请求已中止"),
            FetchProblem::SimulatedFailure => format!("无法获取 {url}：连接失败（模拟的）"),
            FetchProblem::Network { detail } => format!("无法获取 {url}：{detail}"),
            FetchProblem::OnlySlowWeb { detail } => format!(
                "网址无效 {url}：虚拟网络只提供慢网的页面（api/page/<n>）：{detail}"
            ),
            FetchProblem::InvalidUrl { detail } => format!("网址无效 {url}：{detail}"),
        }
    }

    fn job_failure(failure: &JobFailure) -> String {
        match failure {
            JobFailure::WorkerStopped { worker, loss } => {
                format!("工作线程 {worker} 在运行它时停止了：{}", worker_loss(loss))
            }
            JobFailure::PoolStopped { loss } => format!(
                "线程池的工作线程已全部停止（最后一个：{}）",
                worker_loss(loss)
            ),
            JobFailure::NoWorkerStarted => "没有一个工作线程能够启动（详见浏览器控制台）".into(),
            JobFailure::NotSent { detail } => format!("无法把作业发送出去：{detail}"),
            JobFailure::NoSuchJob { snippet, name } => {
                format!("{snippet} 没有名为“{name}”的作业：请把它列进 `tutor::jobs! {{ … }}`")
            }
            JobFailure::PoolSize { workers, max } => {
                format!("线程池可以有 1 到 {max} 个工作线程，不能是 {workers} 个")
            }
            JobFailure::NotInBrowser => "Web Worker 只有在浏览器里才有".into(),
            JobFailure::OnPageThread => "在页面自己的线程上不能启动工作线程".into(),
            JobFailure::Other { reason } => reason.clone(),
        }
    }

    fn worker_loss(loss: &WorkerLoss) -> String {
        match loss {
            WorkerLoss::Panicked { message, location } => {
                format!("它发生了 panic：{message}{}", at(location))
            }
            WorkerLoss::Error { message } => format!("它因错误而停止：{message}"),
        }
    }

    fn sync(problem: SyncProblem) -> &'static str {
        match problem {
            SyncProblem::ChannelClosed => "向已关闭的通道发送",
            SyncProblem::ChannelFull => "通道已满",
            SyncProblem::ChannelEmpty => "通道是空的",
            SyncProblem::ChannelEmptyAndClosed => "通道是空的，而且已经关闭",
            SyncProblem::SenderDropped => "发送方还没发送就被丢弃了",
            SyncProblem::SemaphoreClosed => "信号量已关闭",
            SyncProblem::NoPermits => "没有可用的许可",
        }
    }

    fn runner(problem: &RunnerProblem) -> String {
        match problem {
            RunnerProblem::Load { detail } => format!("无法加载运行器：{detail}"),
            RunnerProblem::Start { detail } => format!("无法启动运行器的 worker：{detail}"),
            RunnerProblem::Boot { detail } => format!("运行器的程序无法启动：{detail}"),
            RunnerProblem::NotCompiled => "运行器还没有编译好".into(),
            RunnerProblem::PageThread { detail } => {
                format!("无法在页面自己的线程上运行：{detail}")
            }
        }
    }

    fn knob(error: &KnobError) -> String {
        match error {
            KnobError::OutOfRange {
                name,
                min,
                max,
                got,
            } => format!(
                "{name} 必须是 {min} 到 {max} 之间的整数（收到的是 {}）",
                protocol::knobs::fmt_number(*got)
            ),
            KnobError::Unknown { name, known } => format!(
                "这个代码片段没有名为“{name}”的参数；它有：{}",
                known.join("、")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::Network;

    fn panic_at(message: &str) -> RunError {
        RunError::Panic {
            message: message.into(),
            location: Some("lessons/08-async-await/panic.rs:13:55".into()),
        }
    }

    fn http_500() -> RunError {
        RunError::Fetch {
            url: "api/page/3?delay=50&fail=100".into(),
            problem: FetchProblem::Status { code: 500 },
        }
    }

    fn worker_panicked() -> RunError {
        RunError::Job {
            job: "download".into(),
            failure: JobFailure::WorkerStopped {
                worker: 2,
                loss: WorkerLoss::Panicked {
                    message: "no body".into(),
                    location: Some("lessons/02-threads/pool.rs:9:5".into()),
                },
            },
        }
    }

    /// One error of every kind.
    fn every_kind() -> Vec<RunError> {
        let url = || "https://example.com/".to_string();
        let fetch = |problem| RunError::Fetch {
            url: url(),
            problem,
        };
        let job = |failure| RunError::Job {
            job: "download".into(),
            failure,
        };
        let runner = |problem| RunError::Runner { problem };
        let loss = WorkerLoss::Error {
            message: "out of memory".into(),
        };
        let mut all = vec![
            panic_at("boom"),
            http_500(),
            worker_panicked(),
            fetch(FetchProblem::NoResponse {
                browser: "Failed to fetch".into(),
            }),
            fetch(FetchProblem::Aborted),
            fetch(FetchProblem::SimulatedFailure),
            fetch(FetchProblem::Network { detail: "x".into() }),
            fetch(FetchProblem::OnlySlowWeb { detail: "x".into() }),
            fetch(FetchProblem::InvalidUrl { detail: "x".into() }),
            RunError::TaskPanicked {
                message: "boom".into(),
            },
            RunError::TaskCancelled,
            RunError::TimedOut { ms: 250.0 },
            RunError::Stalled { at_ms: 1000.0 },
            job(JobFailure::PoolStopped { loss: loss.clone() }),
            job(JobFailure::WorkerStopped { worker: 1, loss }),
            job(JobFailure::NoWorkerStarted),
            job(JobFailure::NotSent { detail: "x".into() }),
            job(JobFailure::NoSuchJob {
                snippet: "02-threads/pool".into(),
                name: "download".into(),
            }),
            job(JobFailure::PoolSize {
                workers: 40,
                max: 32,
            }),
            job(JobFailure::NotInBrowser),
            job(JobFailure::OnPageThread),
            job(JobFailure::Other { reason: "x".into() }),
            RunError::RunnerCrashed {
                message: "x".into(),
            },
            runner(RunnerProblem::Load { detail: "x".into() }),
            runner(RunnerProblem::Start { detail: "x".into() }),
            runner(RunnerProblem::Boot { detail: "x".into() }),
            runner(RunnerProblem::NotCompiled),
            runner(RunnerProblem::PageThread { detail: "x".into() }),
            RunError::Knobs {
                errors: vec![KnobError::OutOfRange {
                    name: "pages".into(),
                    min: 1,
                    max: 50,
                    got: 99.0,
                }],
            },
            RunError::NoSuchSnippet {
                lesson: "99-nope".into(),
                snippet: "crawl".into(),
                known: vec!["08-async-await/crawl".into()],
            },
            RunError::BadOptions { detail: "x".into() },
            RunError::BadKnobs { detail: "x".into() },
            RunError::Stopped,
        ];
        all.extend(
            [
                SyncProblem::ChannelClosed,
                SyncProblem::ChannelFull,
                SyncProblem::ChannelEmpty,
                SyncProblem::ChannelEmptyAndClosed,
                SyncProblem::SenderDropped,
                SyncProblem::SemaphoreClosed,
                SyncProblem::NoPermits,
            ]
            .map(|problem| RunError::Sync { problem }),
        );
        all
    }

    #[test]
    fn english_is_the_errors_own_text_as_before() {
        assert_eq!(
            Lang::En.run_error(&panic_at("every page has a <title>")),
            "The snippet panicked: every page has a <title> (at lessons/08-async-await/panic.rs:13:55)"
        );
        assert_eq!(
            Lang::En.run_error(&http_500()),
            "api/page/3?delay=50&fail=100 answered HTTP 500"
        );
        assert_eq!(
            Lang::En.run_error(&worker_panicked()),
            "the blocking job `download` failed: worker 2 stopped while running it: it panicked: no body (at lessons/02-threads/pool.rs:9:5)"
        );
        for error in every_kind() {
            assert_eq!(Lang::En.run_error(&error), error.to_string());
        }
    }

    #[test]
    fn chinese_frames_the_panic_and_keeps_its_message_and_place() {
        assert_eq!(
            Lang::Zh.run_error(&panic_at("every page has a <title>")),
            "代码片段发生了 panic：every page has a <title>（位于 lessons/08-async-await/panic.rs:13:55）"
        );
        let no_place = RunError::Panic {
            message: "boom".into(),
            location: None,
        };
        assert_eq!(Lang::Zh.run_error(&no_place), "代码片段发生了 panic：boom");
    }

    #[test]
    fn chinese_names_the_url_and_status_of_a_failed_request() {
        assert_eq!(
            Lang::Zh.run_error(&http_500()),
            "api/page/3?delay=50&fail=100 返回了 HTTP 500"
        );
        let cors = RunError::Fetch {
            url: "https://example.com/".into(),
            problem: FetchProblem::NoResponse {
                browser: "Failed to fetch".into(),
            },
        };
        let text = Lang::Zh.run_error(&cors);
        assert!(
            text.starts_with("无法获取 https://example.com/：没有收到响应（Failed to fetch）"),
            "{text}"
        );
        assert!(text.contains("CORS"), "{text}");
    }

    #[test]
    fn chinese_nests_a_jobs_failure_in_its_own_words() {
        assert_eq!(
            Lang::Zh.run_error(&worker_panicked()),
            "阻塞作业“download”失败：工作线程 2 在运行它时停止了：它发生了 panic：no body（位于 lessons/02-threads/pool.rs:9:5）"
        );
    }

    #[test]
    fn what_a_snippet_wrote_stays_as_written_in_every_language() {
        let own = RunError::Snippet {
            message: "page 2: reading part 2: api/page/2 answered HTTP 500".into(),
        };
        for lang in [Lang::En, Lang::Zh] {
            assert_eq!(
                lang.run_error(&own),
                "page 2: reading part 2: api/page/2 answered HTTP 500"
            );
        }
    }

    #[test]
    fn chinese_has_its_own_words_for_every_kind_and_no_english_framing() {
        let english_framing = [
            "panicked",
            "answered",
            "could not",
            "failed",
            "worker ",
            "stopped",
            "must be",
            "there is",
            "bad ",
            "timed out",
            "stalled",
            "channel",
            "semaphore",
        ];
        for error in every_kind() {
            let zh = Lang::Zh.run_error(&error);
            assert_ne!(zh, error.to_string(), "{error:?}");
            let has_chinese = zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            assert!(has_chinese, "{error:?}: {zh}");
            for word in english_framing {
                assert!(!zh.contains(word), "{error:?}: {zh}");
            }
            // Chinese punctuation around our words: no ASCII colon or parenthesis of ours.
            assert!(!zh.contains(": ") && !zh.contains(" ("), "{error:?}: {zh}");
        }
    }

    #[test]
    fn knob_problems_are_joined_in_chinese_style() {
        let error = RunError::Knobs {
            errors: vec![
                KnobError::OutOfRange {
                    name: "pages".into(),
                    min: 1,
                    max: 50,
                    got: 99.0,
                },
                KnobError::Unknown {
                    name: "pagse".into(),
                    known: vec!["pages".into(), "latency_ms".into()],
                },
            ],
        };
        assert_eq!(
            Lang::Zh.run_error(&error),
            "pages 必须是 1 到 50 之间的整数（收到的是 99）；这个代码片段没有名为“pagse”的参数；它有：pages、latency_ms"
        );
        assert_eq!(
            Lang::En.run_error(&error),
            "pages must be a whole number from 1 to 50 (got 99); this snippet has no knob named \"pagse\"; it has: pages, latency_ms"
        );
    }

    #[test]
    fn a_report_says_its_failure_in_the_language_and_falls_back_to_its_text() {
        let failed = Report::from_trace(&[], 12.0, Some(http_500()), Network::SlowWeb);
        assert_eq!(
            Lang::Zh.report_error(&failed).as_deref(),
            Some("api/page/3?delay=50&fail=100 返回了 HTTP 500")
        );
        assert_eq!(failed.error, Lang::En.report_error(&failed));
        let ok = Report::from_trace(&[], 12.0, None, Network::SlowWeb);
        assert_eq!(Lang::Zh.report_error(&ok), None);
        // A report from an older runner has only the text.
        let old = Report {
            failure: None,
            error: Some("boom".into()),
            ..ok
        };
        assert_eq!(Lang::Zh.report_error(&old).as_deref(), Some("boom"));
    }
}
