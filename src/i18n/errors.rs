//! A run's failure in words: English is the error's own `Display`, Chinese is said here.

use protocol::{
    FetchProblem, JobFailure, KnobError, Report, RunError, RunnerProblem, SyncProblem, WorkerLoss,
};

use super::Lang;

impl Lang {
    /// How a run failed, in words. Our framing is in this language; what a snippet's author
    /// wrote (its own error, a panic's message) and what the browser said stay as they are.
    /// English is the error's own text (`Display`), the same the runner prints natively.
    pub fn run_error(self, error: &RunError) -> String {
        match self {
            Lang::En => error.to_string(),
            Lang::Zh => zh::run_error(error),
        }
    }

    /// What the page says when its own code panicked and stopped (`message` is the panic's).
    pub fn page_stopped(self, message: &str) -> String {
        match self {
            Lang::En => format!(
                "This page hit a bug and stopped: {message}. Reload it to go on; your progress is kept."
            ),
            Lang::Zh => {
                format!("页面遇到错误，已停止运行：{message}。请重新加载；你的学习进度不会丢失。")
            }
        }
    }

    /// The error a run's report ends with, in words, if it failed.
    pub fn report_error(self, report: &Report) -> Option<String> {
        match &report.failure {
            Some(failure) => Some(self.run_error(failure)),
            None => report.error.clone(),
        }
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
            RunError::BadIds { lesson, snippet } => {
                format!("课程 id 和代码片段 id 都必须是字符串（收到的是 {lesson} 和 {snippet}）")
            }
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
            FetchProblem::OnlySlowWeb { detail } => {
                format!("网址无效 {url}：虚拟网络只提供慢网的页面（api/page/<n>）：{detail}")
            }
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
            RunError::BadIds {
                lesson: "number".into(),
                snippet: "symbol".into(),
            },
            RunError::BadKnobs { detail: "x".into() },
            RunError::Stopped,
        ];
        all.extend(SyncProblem::ALL.map(|problem| RunError::Sync { problem }));
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

    /// The executor's failures reach Chinese by their types: each has its own words, whatever
    /// the executor's English sentence for it says.
    #[test]
    fn chinese_says_each_executor_failure_by_its_kind() {
        use executor::slow_web::SlowWebError;
        use executor::sync::mpsc;
        use executor::{FetchError, FetchErrorKind, NetworkError, UrlError};
        let said = |kind| {
            let error = FetchError {
                url: "https://example.com/".into(),
                kind,
            };
            Lang::Zh.run_error(&RunError::from(&error))
        };
        let no_response = said(FetchErrorKind::Network(NetworkError::NoResponse(
            "Failed to fetch".into(),
        )));
        assert!(
            no_response
                .starts_with("无法获取 https://example.com/：没有收到响应（Failed to fetch）"),
            "{no_response}"
        );
        assert_eq!(
            said(FetchErrorKind::Network(NetworkError::Aborted)),
            "无法获取 https://example.com/：请求已中止"
        );
        assert_eq!(
            said(FetchErrorKind::Network(NetworkError::Simulated)),
            "无法获取 https://example.com/：连接失败（模拟的）"
        );
        assert_eq!(
            said(FetchErrorKind::InvalidUrl(UrlError::NotSlowWeb(
                SlowWebError::NotPageUrl
            ))),
            format!(
                "网址无效 https://example.com/：虚拟网络只提供慢网的页面（api/page/<n>）：{}",
                SlowWebError::NotPageUrl
            )
        );
        let refused: [(Box<dyn std::error::Error>, &str); 3] = [
            (Box::new(mpsc::SendError(3u8)), "向已关闭的通道发送"),
            (Box::new(mpsc::TrySendError::Full("page")), "通道已满"),
            (
                Box::new(mpsc::TrySendError::Closed(())),
                "向已关闭的通道发送",
            ),
        ];
        for (error, words) in refused {
            let value = RunError::of_executor(&*error).expect("a channel's refusal");
            assert_eq!(Lang::Zh.run_error(&value), words);
        }
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
