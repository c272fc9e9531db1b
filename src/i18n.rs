//! UI strings in English and Chinese, and choosing the language.

use executor::trace::{Diagnostic, JobId, WaitOn, WakeSource};
use protocol::replay::{JobView, LaneEnd, SegmentKind, TaskPhase, WorkerPhase, WorkerView};
use protocol::KnobError;

/// A language the site is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
}

const STORAGE_KEY: &str = "lang";

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
