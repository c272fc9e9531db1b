//! A Future, a coroutine and a Task, made by hand on top of callbacks

use std::cell::RefCell;
use std::rc::Rc;

use tutor::callbacks::{get, run_until_idle};
use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=10 = 3,
    latency_ms: 0..=3000 = 500,
    broken_page: 0..=10 = 2,
}

// ANCHOR: shown
/// A result that is not there yet, and the callbacks to call once it is.
struct Future<T> {
    result: Option<T>,
    waiting: Vec<Callback<T>>,
}

type Callback<T> = Box<dyn FnOnce(&T)>;

type Shared<T> = Rc<RefCell<Future<T>>>;

fn new_future<T>() -> Shared<T> {
    Rc::new(RefCell::new(Future {
        result: None,
        waiting: Vec::new(),
    }))
}

fn resolve<T>(future: &Shared<T>, value: T) {
    // Take the waiting callbacks out first: a callback may touch the future again.
    let waiting = std::mem::take(&mut future.borrow_mut().waiting);
    for callback in waiting {
        callback(&value);
    }
    future.borrow_mut().result = Some(value);
}

fn when_done<T>(future: &Shared<T>, callback: impl FnOnce(&T) + 'static) {
    future.borrow_mut().waiting.push(Box::new(callback));
}

/// A request, as a Future of its body (or of what went wrong).
type Page = std::result::Result<Vec<u8>, String>;

fn fetch_future(url: String) -> Shared<Page> {
    let future = new_future();
    let to_fill = future.clone();
    get(url, move |answer| {
        let page = answer.and_then(|a| a.error_for_status());
        resolve(&to_fill, page.map(|p| p.body).map_err(|e| e.to_string()));
    });
    future
}

/// What a coroutine does when it is resumed: stop at a future it needs, or finish.
enum Step {
    Wait(Shared<Page>),
    Done(std::result::Result<usize, String>),
}

/// The three-step download of lesson 4 as a coroutine: a state machine that remembers where it
/// stopped, so the code between two waits reads top to bottom again.
enum Download {
    Start { n: u32, knobs: Knobs },
    FetchingPage { n: u32, knobs: Knobs },
    FetchingLink { n: u32, size: usize },
    Finished,
}

impl Download {
    /// Runs from where it stopped to the next wait. `value` is the result it waited for.
    fn resume(&mut self, value: Option<&Page>) -> Step {
        match std::mem::replace(self, Download::Finished) {
            Download::Start { n, knobs } => {
                tutor::state!("Start");
                let url = slow_web::page(n).delay(knobs.latency_ms).to_url();
                *self = Download::FetchingPage { n, knobs };
                Step::Wait(fetch_future(url))
            }
            Download::FetchingPage { n, knobs } => {
                tutor::state!("FetchingPage");
                let page = match value.expect("resumed with the page") {
                    Ok(body) => body,
                    // The coroutine still knows which page and which step: say so.
                    Err(e) => return Step::Done(Err(format!("page {n}, fetching the page: {e}"))),
                };
                println!("page {n}: {} bytes, following its link", page.len());
                let fail = if n == knobs.broken_page { 100 } else { 0 };
                let link = slow_web::page(100 + n)
                    .delay(knobs.latency_ms)
                    .fail(fail)
                    .to_url();
                *self = Download::FetchingLink {
                    n,
                    size: page.len(),
                };
                Step::Wait(fetch_future(link))
            }
            Download::FetchingLink { n, size } => {
                tutor::state!("FetchingLink");
                match value.expect("resumed with the linked page") {
                    Ok(linked) => Step::Done(Ok(size + linked.len())),
                    Err(e) => Step::Done(Err(format!("page {n}, following its link: {e}"))),
                }
            }
            Download::Finished => panic!("a finished coroutine was resumed"),
        }
    }
}

/// Drives a coroutine: resume it, and each time it waits on a future, resume it again from
/// that future's callback. Its own result is a future too.
fn spawn_task(coroutine: Download) -> Shared<std::result::Result<usize, String>> {
    let done = new_future();
    drive(Rc::new(RefCell::new(coroutine)), None, done.clone());
    done
}

fn drive(
    coroutine: Rc<RefCell<Download>>,
    value: Option<&Page>,
    done: Shared<std::result::Result<usize, String>>,
) {
    let next = coroutine.borrow_mut().resume(value);
    match next {
        Step::Wait(future) => when_done(&future, move |page| drive(coroutine, Some(page), done)),
        Step::Done(result) => resolve(&done, result),
    }
}

pub async fn run(knobs: Knobs) -> Result {
    let tasks: Vec<_> = (1..=knobs.pages)
        .map(|n| spawn_task(Download::Start { n, knobs }))
        .collect();
    run_until_idle().await;
    let mut total = 0;
    for task in tasks {
        let result = task
            .borrow_mut()
            .result
            .take()
            .expect("every task finished");
        // The error now says where it happened: the coroutine carried its context.
        total += result?;
    }
    println!("{} pages and their links, {total} bytes", knobs.pages);
    Ok(())
}
// ANCHOR_END: shown
