//! A whole executor in one screen: a ready queue, spawn, join, and wakers that refill the queue

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=20 = 5,
    latency_ms: 0..=3000 = 500,
}

// ANCHOR: shown
type Task = Pin<Box<dyn Future<Output = ()>>>;

/// The ready queue, shared with every waker (so it must be `Send + Sync`: a Mutex, not a
/// RefCell), and the waker of whoever runs this executor.
#[derive(Default)]
struct Queue {
    ready: Mutex<VecDeque<usize>>,
    host: Mutex<Option<Waker>>,
}

/// A task's waker: waking it puts the task's number back on the ready queue.
struct TaskWaker {
    task: usize,
    queue: Arc<Queue>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.queue.ready.lock().unwrap().push_back(self.task);
        // The queue has work again: tell whoever runs us (see `run` below).
        if let Some(host) = self.queue.host.lock().unwrap().take() {
            host.wake();
        }
    }
}

#[derive(Default)]
struct MiniExecutor {
    tasks: RefCell<Vec<Option<Task>>>,
    queue: Arc<Queue>,
}

impl MiniExecutor {
    /// Stores the future as a task and queues it for its first poll.
    fn spawn<T: 'static>(&self, future: impl Future<Output = T> + 'static) -> Join<T> {
        let output = Rc::new(RefCell::new((None, None)));
        let out = output.clone();
        let task = async move {
            let value = future.await;
            let joiner: Option<Waker> = {
                let mut out = out.borrow_mut();
                out.0 = Some(value);
                out.1.take()
            };
            if let Some(joiner) = joiner {
                joiner.wake();
            }
        };
        let mut tasks = self.tasks.borrow_mut();
        tasks.push(Some(Box::pin(task)));
        self.queue.ready.lock().unwrap().push_back(tasks.len() - 1);
        Join { output }
    }

    /// Polls ready tasks until none is left. Then, in a browser, it cannot block the thread
    /// to wait: it returns Pending and keeps the host's waker, which the next task waker
    /// calls. It is Ready once every task has finished.
    async fn run(&self) {
        poll_fn(|cx| loop {
            let next = self.queue.ready.lock().unwrap().pop_front();
            let Some(id) = next else {
                if self.tasks.borrow().iter().all(Option::is_none) {
                    return Poll::Ready(());
                }
                *self.queue.host.lock().unwrap() = Some(cx.waker().clone());
                return Poll::Pending;
            };
            // Take the task out while it runs: it may spawn, which pushes to `tasks`.
            let Some(mut task) = self.tasks.borrow_mut()[id].take() else {
                continue;
            };
            let waker = Waker::from(Arc::new(TaskWaker {
                task: id,
                queue: self.queue.clone(),
            }));
            tutor::state!("poll a task");
            if task
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending()
            {
                self.tasks.borrow_mut()[id] = Some(task);
            }
        })
        .await
    }
}

/// Waits for a spawned task's output.
struct Join<T> {
    output: Rc<RefCell<(Option<T>, Option<Waker>)>>,
}

impl<T> Future for Join<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut output = self.output.borrow_mut();
        match output.0.take() {
            Some(value) => Poll::Ready(value),
            None => {
                output.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

pub async fn run(knobs: Knobs) -> Result {
    let mini = Rc::new(MiniExecutor::default());
    let spawner = mini.clone();
    let crawl = mini.spawn(async move {
        // One task per page, on *our* executor this time.
        let pages: Vec<_> = (1..=knobs.pages)
            .map(|n| {
                spawner.spawn(async move {
                    let url = slow_web::page(n).delay(knobs.latency_ms).to_url();
                    let page = fetch(url).await.map_err(|e| e.to_string())?;
                    println!("page {n}: {} bytes", page.body.len());
                    Ok::<usize, String>(page.body.len())
                })
            })
            .collect();
        let mut total = 0;
        for page in pages {
            total += page.await?;
        }
        Ok::<usize, String>(total)
    });
    mini.run().await;
    let total = crawl.await?;
    println!("{} pages, {total} bytes", knobs.pages);
    Ok(())
}
// ANCHOR_END: shown
