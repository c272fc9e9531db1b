//! UI strings in English and Chinese, and choosing the language.

use protocol::KnobError;

/// A language the site is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
}

const STORAGE_KEY: &str = "async-tutor.lang";

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
        let stored = || {
            window
                .local_storage()
                .ok()
                .flatten()
                .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
                .and_then(|c| Lang::from_code(&c))
        };
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
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = storage.set_item(STORAGE_KEY, self.code());
        }
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
}

/// Every UI string.
pub struct Strings {
    pub site: &'static str,
    pub skip: &'static str,
    pub lessons: &'static str,
    pub language: &'static str,
    pub run: &'static str,
    pub stop: &'static str,
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
    pub waiting: &'static str,
    pub request_failed: &'static str,
    pub aborted: &'static str,
    pub not_found: &'static str,
    pub blocking_note: &'static str,
}

static EN: Strings = Strings {
    site: "Async Tutor",
    skip: "Skip to the lesson",
    lessons: "Lessons",
    language: "Language",
    run: "Run",
    stop: "Stop",
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
    waiting: "waiting",
    request_failed: "failed",
    aborted: "aborted",
    not_found: "There is no such lesson.",
    blocking_note: "Blocking: this snippet stops its whole thread while it waits.",
};

static ZH: Strings = Strings {
    site: "Async Tutor 异步教程",
    skip: "跳到课程内容",
    lessons: "课程目录",
    language: "语言",
    run: "运行",
    stop: "停止",
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
    waiting: "等待中",
    request_failed: "失败",
    aborted: "已中止",
    not_found: "没有这一课。",
    blocking_note: "阻塞：这个代码片段在等待时会让整个线程停下。",
};

/// "Lesson 8" / "第 8 课".
pub fn lesson_label(lang: Lang, number: u32) -> String {
    match lang {
        Lang::En => format!("Lesson {number}"),
        Lang::Zh => format!("第 {number} 课"),
    }
}
