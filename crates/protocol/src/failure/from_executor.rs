//! The executor's errors as values, known by their types: a request's, a task's, a time limit's, a stall, a channel's or a semaphore's.

use executor::sync::{AcquireError, TryAcquireError, mpsc, oneshot};
use executor::{FetchError, FetchErrorKind, JoinError, NetworkError, UrlError};

use super::{FetchProblem, RunError, SyncProblem};

impl FetchProblem {
    /// The problem of a `FetchErrorKind`: each network and URL failure the executor knows has a
    /// problem of its own, and what a host said in its own words is kept in them.
    pub fn of(kind: &FetchErrorKind) -> FetchProblem {
        match kind {
            FetchErrorKind::Status(code) => FetchProblem::Status { code: *code },
            FetchErrorKind::Network(why) => why.into(),
            FetchErrorKind::InvalidUrl(why) => why.into(),
        }
    }
}

impl From<&NetworkError> for FetchProblem {
    fn from(e: &NetworkError) -> FetchProblem {
        match e {
            NetworkError::NoResponse(browser) => FetchProblem::NoResponse {
                browser: browser.clone(),
            },
            NetworkError::Aborted => FetchProblem::Aborted,
            NetworkError::Simulated => FetchProblem::SimulatedFailure,
            NetworkError::Other(detail) => FetchProblem::Network {
                detail: detail.clone(),
            },
        }
    }
}

impl From<&UrlError> for FetchProblem {
    fn from(e: &UrlError) -> FetchProblem {
        match e {
            UrlError::NotSlowWeb(why) => FetchProblem::OnlySlowWeb {
                detail: why.to_string(),
            },
            UrlError::Other(detail) => FetchProblem::InvalidUrl {
                detail: detail.clone(),
            },
        }
    }
}

impl From<&FetchError> for RunError {
    fn from(e: &FetchError) -> RunError {
        RunError::Fetch {
            url: e.url.clone(),
            problem: FetchProblem::of(&e.kind),
        }
    }
}

impl From<&JoinError> for RunError {
    fn from(e: &JoinError) -> RunError {
        match e {
            JoinError::Panicked(message) => RunError::TaskPanicked {
                message: message.clone(),
            },
            JoinError::Cancelled => RunError::TaskCancelled,
        }
    }
}

impl From<&executor::Stalled> for RunError {
    fn from(e: &executor::Stalled) -> RunError {
        RunError::Stalled {
            at_ms: e.now_us as f64 / 1000.0,
        }
    }
}

impl From<&executor::Elapsed> for RunError {
    fn from(e: &executor::Elapsed) -> RunError {
        RunError::TimedOut {
            ms: e.duration().as_secs_f64() * 1000.0,
        }
    }
}

impl From<mpsc::Refusal> for SyncProblem {
    fn from(e: mpsc::Refusal) -> SyncProblem {
        match e {
            mpsc::Refusal::Closed => SyncProblem::ChannelClosed,
            mpsc::Refusal::Full => SyncProblem::ChannelFull,
        }
    }
}

impl From<mpsc::TryRecvError> for SyncProblem {
    fn from(e: mpsc::TryRecvError) -> SyncProblem {
        match e {
            mpsc::TryRecvError::Empty => SyncProblem::ChannelEmpty,
            mpsc::TryRecvError::Disconnected => SyncProblem::ChannelEmptyAndClosed,
        }
    }
}

impl From<TryAcquireError> for SyncProblem {
    fn from(e: TryAcquireError) -> SyncProblem {
        match e {
            TryAcquireError::NoPermits => SyncProblem::NoPermits,
            TryAcquireError::Closed => SyncProblem::SemaphoreClosed,
        }
    }
}

impl RunError {
    /// An error of the executor by its type, when `error` is one: a request's, a task's, a
    /// time limit's, a stall, a channel's or a semaphore's. `None` for anything else (the
    /// snippet's own errors, and blocking jobs, whose reasons the runner knows).
    pub fn of_executor(error: &(dyn std::error::Error + 'static)) -> Option<RunError> {
        if let Some(e) = error.downcast_ref::<FetchError>() {
            return Some(e.into());
        }
        if let Some(e) = error.downcast_ref::<JoinError>() {
            return Some(e.into());
        }
        if let Some(e) = error.downcast_ref::<executor::Elapsed>() {
            return Some(e.into());
        }
        if let Some(e) = error.downcast_ref::<executor::Stalled>() {
            return Some(e.into());
        }
        let problem = if let Some(e) = error.downcast_ref::<mpsc::TryRecvError>() {
            (*e).into()
        } else if error.is::<oneshot::RecvError>() {
            SyncProblem::SenderDropped
        } else if error.is::<AcquireError>() {
            SyncProblem::SemaphoreClosed
        } else if let Some(e) = error.downcast_ref::<TryAcquireError>() {
            (*e).into()
        } else if let Some(refusal) = refusal(error) {
            refusal.into()
        } else {
            return None;
        };
        Some(RunError::Sync { problem })
    }
}

/// The refusal of a channel's `SendError<T>` or `TrySendError<T>`. Both are generic over the
/// value sent back, so they cannot be downcast here; their source, a `Refusal`, can.
fn refusal(error: &(dyn std::error::Error + 'static)) -> Option<mpsc::Refusal> {
    error.source()?.downcast_ref::<mpsc::Refusal>().copied()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::mem::discriminant;
    use std::time::Duration;

    use executor::slow_web::SlowWebError;
    use executor::sync::{Semaphore, mpsc, oneshot};
    use executor::{Executor, VirtualHost, fetch, sleep, timeout};

    use super::*;

    fn boxed(e: impl std::error::Error + 'static) -> Box<dyn std::error::Error> {
        Box::new(e)
    }

    /// Every error of the executor becomes a value whose English words are the executor's own.
    #[test]
    fn executor_errors_keep_their_words() {
        let ex = Executor::new(VirtualHost::new());
        let errors: Vec<Box<dyn std::error::Error>> = ex
            .block_on(async {
                let mut errors = Vec::new();
                let fetched = fetch("api/page/1?fail=100").await.unwrap();
                errors.push(boxed(fetched.error_for_status().unwrap_err()));
                errors.push(boxed(
                    fetch("api/page/1?fail=100&status=network")
                        .await
                        .unwrap_err(),
                ));
                errors.push(boxed(fetch("https://example.com/").await.unwrap_err()));
                let limit = Duration::from_micros(1500);
                errors.push(boxed(
                    timeout(limit, sleep(Duration::from_secs(1)))
                        .await
                        .unwrap_err(),
                ));
                let task = executor::spawn(sleep(Duration::from_secs(1)));
                task.abort();
                errors.push(boxed(task.await.unwrap_err()));
                let (tx, rx) = oneshot::channel::<u8>();
                drop(tx);
                errors.push(boxed(rx.await.unwrap_err()));
                let (tx, mut rx) = mpsc::channel::<u8>(1);
                errors.push(boxed(rx.try_recv().unwrap_err()));
                tx.try_send(1).unwrap();
                errors.push(boxed(tx.try_send(2).unwrap_err()));
                drop(rx);
                errors.push(boxed(tx.send(3).await.unwrap_err()));
                let semaphore = Semaphore::new(0);
                errors.push(boxed(semaphore.try_acquire().unwrap_err()));
                semaphore.close();
                errors.push(boxed(semaphore.acquire().await.unwrap_err()));
                errors
            })
            .unwrap();
        let kinds: Vec<RunError> = errors
            .iter()
            .map(|e| RunError::of_executor(&**e).unwrap_or_else(|| panic!("not known: {e}")))
            .collect();
        for (e, kind) in errors.iter().zip(&kinds) {
            assert_eq!(kind.to_string(), e.to_string());
        }
        assert_eq!(
            kinds[0],
            RunError::Fetch {
                url: "api/page/1?fail=100".into(),
                problem: FetchProblem::Status { code: 500 }
            }
        );
        assert!(matches!(
            &kinds[1],
            RunError::Fetch {
                problem: FetchProblem::SimulatedFailure,
                ..
            }
        ));
        assert!(matches!(
            &kinds[2],
            RunError::Fetch {
                problem: FetchProblem::OnlySlowWeb { .. },
                ..
            }
        ));
        assert_eq!(kinds[3], RunError::TimedOut { ms: 1.5 });
        assert_eq!(kinds[4], RunError::TaskCancelled);
        let sync: Vec<_> = kinds[5..]
            .iter()
            .map(|k| match k {
                RunError::Sync { problem } => *problem,
                other => panic!("{other:?}"),
            })
            .collect();
        use SyncProblem::*;
        assert_eq!(
            sync,
            [
                SenderDropped,
                ChannelEmpty,
                ChannelFull,
                ChannelClosed,
                NoPermits,
                SemaphoreClosed
            ]
        );
    }

    #[test]
    fn a_stall_and_a_panicked_task_keep_their_words() {
        let stalled = executor::Stalled { now_us: 1_234_567 };
        assert_eq!(RunError::from(&stalled).to_string(), stalled.to_string());
        let panicked = JoinError::Panicked("boom".into());
        assert_eq!(RunError::from(&panicked).to_string(), "task panicked: boom");
    }

    #[test]
    fn the_browsers_failures_are_known_by_their_kind() {
        let no_response = NetworkError::NoResponse("Failed to fetch".into());
        let why = no_response.to_string();
        let problem = FetchProblem::of(&FetchErrorKind::Network(no_response));
        assert_eq!(
            problem,
            FetchProblem::NoResponse {
                browser: "Failed to fetch".into()
            }
        );
        assert_eq!(problem.to_string(), why);
        assert_eq!(
            FetchProblem::of(&FetchErrorKind::Network(NetworkError::Aborted)),
            FetchProblem::Aborted
        );
        assert_eq!(
            FetchProblem::of(&FetchErrorKind::Network(NetworkError::Other("odd".into()))),
            FetchProblem::Network {
                detail: "odd".into()
            }
        );
    }

    /// Each kind of request failure the executor has becomes a problem of its own (so the page
    /// can say each in its own words), and its English words are the executor's.
    #[test]
    fn each_fetch_failure_of_the_executor_has_a_problem_of_its_own() {
        let cases = [
            (
                FetchErrorKind::Status(503),
                FetchProblem::Status { code: 503 },
            ),
            (
                FetchErrorKind::Network(NetworkError::NoResponse("Failed to fetch".into())),
                FetchProblem::NoResponse {
                    browser: "Failed to fetch".into(),
                },
            ),
            (
                FetchErrorKind::Network(NetworkError::Aborted),
                FetchProblem::Aborted,
            ),
            (
                FetchErrorKind::Network(NetworkError::Simulated),
                FetchProblem::SimulatedFailure,
            ),
            (
                FetchErrorKind::Network(NetworkError::Other("odd".into())),
                FetchProblem::Network {
                    detail: "odd".into(),
                },
            ),
            (
                FetchErrorKind::InvalidUrl(UrlError::NotSlowWeb(SlowWebError::NotPageUrl)),
                FetchProblem::OnlySlowWeb {
                    detail: SlowWebError::NotPageUrl.to_string(),
                },
            ),
            (
                FetchErrorKind::InvalidUrl(UrlError::Other("Invalid URL".into())),
                FetchProblem::InvalidUrl {
                    detail: "Invalid URL".into(),
                },
            ),
        ];
        for (i, (kind, problem)) in cases.iter().enumerate() {
            let error = FetchError {
                url: "https://example.com/".into(),
                kind: kind.clone(),
            };
            let value = RunError::from(&error);
            assert_eq!(
                value,
                RunError::Fetch {
                    url: "https://example.com/".into(),
                    problem: problem.clone()
                }
            );
            assert_eq!(value.to_string(), error.to_string(), "{kind:?}");
            let boxed: Box<dyn std::error::Error> = Box::new(error);
            assert_eq!(RunError::of_executor(&*boxed), Some(value));
            for (other, _) in &cases[i + 1..] {
                assert_ne!(
                    discriminant(problem),
                    discriminant(&FetchProblem::of(other)),
                    "{kind:?} and {other:?}"
                );
            }
        }
    }

    /// Each refusal of a channel, oneshot or semaphore becomes its own problem, whatever the
    /// value a channel gives back, and its English words are the executor's.
    #[test]
    fn each_refusal_of_the_executors_sync_types_has_a_problem_of_its_own() {
        let (tx, mut rx) = oneshot::channel::<u8>();
        drop(tx);
        let sender_dropped = rx.try_recv().unwrap_err();
        let ex = Executor::new(VirtualHost::new());
        let closed = ex
            .block_on(async {
                let semaphore = Semaphore::new(1);
                semaphore.close();
                semaphore.acquire().await.map(drop).unwrap_err()
            })
            .unwrap();
        let cases = [
            (boxed(mpsc::SendError(())), SyncProblem::ChannelClosed),
            (
                boxed(mpsc::SendError(vec![1u8])),
                SyncProblem::ChannelClosed,
            ),
            (
                boxed(mpsc::TrySendError::Closed("page".to_string())),
                SyncProblem::ChannelClosed,
            ),
            (
                boxed(mpsc::TrySendError::Full(7u32)),
                SyncProblem::ChannelFull,
            ),
            (boxed(mpsc::TryRecvError::Empty), SyncProblem::ChannelEmpty),
            (
                boxed(mpsc::TryRecvError::Disconnected),
                SyncProblem::ChannelEmptyAndClosed,
            ),
            (boxed(sender_dropped), SyncProblem::SenderDropped),
            (boxed(closed), SyncProblem::SemaphoreClosed),
            (boxed(TryAcquireError::Closed), SyncProblem::SemaphoreClosed),
            (boxed(TryAcquireError::NoPermits), SyncProblem::NoPermits),
        ];
        for (error, problem) in &cases {
            let value = RunError::of_executor(&**error);
            assert_eq!(value, Some(RunError::Sync { problem: *problem }), "{error}");
            assert_eq!(problem.to_string(), error.to_string());
        }
        let kinds: HashSet<_> = cases.iter().map(|(_, p)| discriminant(p)).collect();
        assert_eq!(kinds.len(), 7, "every SyncProblem is reached");
    }

    #[test]
    fn a_snippets_own_error_is_not_the_executors() {
        let own: Box<dyn std::error::Error> = "page 3: no title".into();
        assert_eq!(RunError::of_executor(&*own), None);
    }

    /// Errors are known by their types, never by their words: a snippet's own error that says
    /// what the executor says is still the snippet's.
    #[test]
    fn the_executors_words_alone_do_not_make_its_error() {
        for words in [
            "sending on a closed channel",
            "the channel is full",
            "the request was aborted",
            "the connection failed (simulated)",
        ] {
            let own: Box<dyn std::error::Error> = words.into();
            assert_eq!(RunError::of_executor(&*own), None, "{words}");
        }
    }
}
