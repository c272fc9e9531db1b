//! Lesson 5's pieces, ready made for the lessons after it: a hand-made [`Future`] with done
//! callbacks, coroutines as resumable state machines ([`Coroutine`], [`Step`]) and a task that
//! drives one ([`spawn_task`]). Lesson 5 writes them out in full; lesson 6 composes coroutines.
//!
//! ```
//! use executor::{Executor, VirtualHost};
//! use tutor::callbacks::run_until_idle;
//! use tutor::coroutines::{fetch_future, spawn_task, Coroutine, Page, Step};
//!
//! /// Waits for one page, then finishes with its size.
//! struct One(Option<String>);
//! impl Coroutine for One {
//!     type Output = usize;
//!     fn resume(&mut self, value: Option<&Page>) -> Step<usize> {
//!         match (self.0.take(), value) {
//!             (Some(url), _) => Step::Wait(fetch_future(url)),
//!             (None, Some(Ok(body))) => Step::Done(body.len()),
//!             (None, _) => Step::Done(0),
//!         }
//!     }
//! }
//!
//! let ex = Executor::new(VirtualHost::new());
//! let size = ex
//!     .block_on(async {
//!         let done = spawn_task(One(Some("api/page/1?delay=100".into())));
//!         run_until_idle().await;
//!         let size = done.borrow_mut().result.take();
//!         size
//!     })
//!     .unwrap();
//! assert_eq!(size, Some(2048));
//! assert_eq!(ex.now().as_millis(), 100);
//! ```

use std::cell::RefCell;
use std::rc::Rc;

use crate::callbacks::get;

/// A result that is not there yet, and the callbacks to call once it is.
pub struct Future<T> {
    /// The result, once set.
    pub result: Option<T>,
    waiting: Vec<Callback<T>>,
}

/// What to call with a future's result.
pub type Callback<T> = Box<dyn FnOnce(&T)>;

/// A future shared by whoever waits on it and whoever fills it in.
pub type Shared<T> = Rc<RefCell<Future<T>>>;

/// A future with no result yet.
pub fn new_future<T>() -> Shared<T> {
    Rc::new(RefCell::new(Future {
        result: None,
        waiting: Vec::new(),
    }))
}

/// Sets the result and calls every callback with it.
pub fn resolve<T>(future: &Shared<T>, value: T) {
    // Taken out first: a callback may touch the future again.
    let waiting = std::mem::take(&mut future.borrow_mut().waiting);
    for callback in waiting {
        callback(&value);
    }
    future.borrow_mut().result = Some(value);
}

/// Adds a callback for when the result is set.
pub fn when_done<T>(future: &Shared<T>, callback: impl FnOnce(&T) + 'static) {
    future.borrow_mut().waiting.push(Box::new(callback));
}

/// A page's body, or what went wrong, in words.
pub type Page = Result<Vec<u8>, String>;

/// Requests `url`; the future's result is the body of a 2xx answer, else the error.
pub fn fetch_future(url: impl Into<String>) -> Shared<Page> {
    let future = new_future();
    let to_fill = future.clone();
    get(url, move |answer| {
        let page = answer.and_then(|a| a.error_for_status());
        resolve(&to_fill, page.map(|p| p.body).map_err(|e| e.to_string()));
    });
    future
}

/// What a coroutine does when resumed: stop at a future it waits for, or finish.
pub enum Step<T> {
    /// Stopped at this page's download: resume it with the page once it is there.
    Wait(Shared<Page>),
    /// Finished, with its result.
    Done(T),
}

/// A computation that stops at futures and is resumed with their results.
pub trait Coroutine: 'static {
    /// What it finishes with.
    type Output: 'static;

    /// Runs from where it stopped to the next wait; `value` is what it waited for (`None` on
    /// the first resume).
    fn resume(&mut self, value: Option<&Page>) -> Step<Self::Output>;
}

/// Drives `coroutine` to its end: resumes it, and each time it waits on a future, resumes it
/// again from that future's callback. Its result is a future too.
pub fn spawn_task<C: Coroutine>(coroutine: C) -> Shared<C::Output> {
    let done = new_future();
    drive(Rc::new(RefCell::new(coroutine)), None, done.clone());
    done
}

fn drive<C: Coroutine>(coroutine: Rc<RefCell<C>>, value: Option<&Page>, done: Shared<C::Output>) {
    let next = coroutine.borrow_mut().resume(value);
    match next {
        Step::Wait(future) => when_done(&future, move |page| drive(coroutine, Some(page), done)),
        Step::Done(result) => resolve(&done, result),
    }
}
