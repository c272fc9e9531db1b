//! Combinators: wait for all of several futures, or for the first one, inside one task.
//!
//! All of them: [`join`], [`join_all`]. The first to finish: [`select`], [`select_all`].
//!
//! Unlike [`spawn`](crate::spawn), these make no new tasks: the combinator's `poll` polls its
//! children itself, inside the task that awaits it, and every child is woken through that
//! task's waker. So when any child is woken, the whole task is polled again, and the combinator
//! simply polls every child that has not finished yet. That costs one poll per unfinished
//! child per wake-up — fine for tens of futures; for thousands, spawn tasks instead.
//!
//! Each child is put in a `Box` (`Pin<Box<F>>`), so any future can be passed in, `Unpin` or
//! not, and no pin projection is needed. Dropping a combinator drops the children it still
//! holds, which cancels them: a dropped [`fetch`](crate::fetch) aborts its request.
//!
//! | here | Python `asyncio` |
//! |---|---|
//! | `join(a, b).await` | `await asyncio.gather(a, b)` |
//! | `join_all(v).await` | `await asyncio.gather(*v)` |
//! | `select(a, b).await` | `asyncio.wait({a, b}, return_when=FIRST_COMPLETED)`, then cancel the other |
//! | `select_all(v).await` | `asyncio.wait(v, return_when=FIRST_COMPLETED)` |

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// One of two values: what [`select`] gives back, saying which side finished first.
///
/// ```
/// use executor::Either;
/// let first: Either<u32, &str> = Either::Left(1);
/// assert_eq!(first.left(), Some(1));
/// assert!(Either::<u32, &str>::Right("b").is_right());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Either<L, R> {
    /// The first (left) future finished first.
    Left(L),
    /// The second (right) future finished first.
    Right(R),
}

impl<L, R> Either<L, R> {
    /// True for [`Either::Left`].
    ///
    /// ```
    /// use executor::Either;
    /// assert!(Either::<u8, u8>::Left(0).is_left());
    /// ```
    pub fn is_left(&self) -> bool {
        matches!(self, Either::Left(_))
    }

    /// True for [`Either::Right`].
    ///
    /// ```
    /// use executor::Either;
    /// assert!(Either::<u8, u8>::Right(0).is_right());
    /// ```
    pub fn is_right(&self) -> bool {
        matches!(self, Either::Right(_))
    }

    /// The left value, if it is one.
    ///
    /// ```
    /// use executor::Either;
    /// assert_eq!(Either::<u8, ()>::Left(3).left(), Some(3));
    /// assert_eq!(Either::<u8, ()>::Right(()).left(), None);
    /// ```
    pub fn left(self) -> Option<L> {
        match self {
            Either::Left(l) => Some(l),
            Either::Right(_) => None,
        }
    }

    /// The right value, if it is one.
    ///
    /// ```
    /// use executor::Either;
    /// assert_eq!(Either::<(), u8>::Right(4).right(), Some(4));
    /// ```
    pub fn right(self) -> Option<R> {
        match self {
            Either::Left(_) => None,
            Either::Right(r) => Some(r),
        }
    }
}

/// A child of [`join`] or [`join_all`]: still running, or finished with its output kept.
enum MaybeDone<F: Future> {
    Running(Pin<Box<F>>),
    Done(F::Output),
    Taken,
}

impl<F: Future> MaybeDone<F> {
    /// Polls the child if it is still running; true once its output is in.
    fn poll(&mut self, cx: &mut Context<'_>) -> bool {
        if let MaybeDone::Running(future) = self {
            match future.as_mut().poll(cx) {
                // The child's box is dropped here, as soon as it finishes.
                Poll::Ready(output) => *self = MaybeDone::Done(output),
                Poll::Pending => return false,
            }
        }
        true
    }

    fn take(&mut self) -> F::Output {
        match std::mem::replace(self, MaybeDone::Taken) {
            MaybeDone::Done(output) => output,
            _ => panic!("join polled after it finished"),
        }
    }
}

/// Both of two futures, run concurrently. Made by [`join`].
///
/// ```
/// use executor::{join, Executor, Join, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let both: Join<_, _> = join(async { 1 }, async { 'x' });
/// assert_eq!(ex.block_on(both).unwrap(), (1, 'x'));
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct Join<A: Future, B: Future> {
    a: MaybeDone<A>,
    b: MaybeDone<B>,
}

// Outputs are moved out, never pinned; the children live in their own boxes.
impl<A: Future, B: Future> Unpin for Join<A, B> {}

impl<A: Future, B: Future> fmt::Debug for Join<A, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Join").finish_non_exhaustive()
    }
}

/// Runs `a` and `b` at the same time, in this task, and gives both outputs once both are done.
///
/// The time it takes is the longer of the two, not their sum. Python: `asyncio.gather(a, b)`.
///
/// ```
/// use std::time::Duration;
/// use executor::{fetch, join, Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let (one, two) = ex
///     .block_on(join(fetch("api/page/1?delay=300"), fetch("api/page/2?delay=500")))
///     .unwrap();
/// assert!(one.unwrap().ok() && two.unwrap().ok());
/// assert_eq!(ex.now(), Duration::from_millis(500)); // not 800
/// ```
pub fn join<A: Future, B: Future>(a: A, b: B) -> Join<A, B> {
    Join {
        a: MaybeDone::Running(Box::pin(a)),
        b: MaybeDone::Running(Box::pin(b)),
    }
}

impl<A: Future, B: Future> Future for Join<A, B> {
    type Output = (A::Output, B::Output);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        // Poll both every time: we cannot tell which child the wake-up was for.
        let a_done = this.a.poll(cx);
        let b_done = this.b.poll(cx);
        if a_done && b_done {
            Poll::Ready((this.a.take(), this.b.take()))
        } else {
            Poll::Pending
        }
    }
}

/// All of a list of futures, run concurrently. Made by [`join_all`].
///
/// ```
/// use executor::{join_all, Executor, JoinAll, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let all: JoinAll<_> = join_all((1..=3).map(|n| async move { n * 10 }));
/// assert_eq!(ex.block_on(all).unwrap(), [10, 20, 30]);
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct JoinAll<F: Future> {
    children: Vec<MaybeDone<F>>,
}

impl<F: Future> Unpin for JoinAll<F> {}

impl<F: Future> fmt::Debug for JoinAll<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinAll")
            .field("len", &self.children.len())
            .finish_non_exhaustive()
    }
}

/// Runs every future of `futures` at the same time, in this task, and gives their outputs in
/// the order the futures were given (not the order they finished).
///
/// Each time the task is woken, every child still running is polled again: simple, and one
/// poll per unfinished child per wake-up. Python: `asyncio.gather(*futures)`.
///
/// ```
/// use std::time::Duration;
/// use executor::{fetch, join_all, Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let pages = ex
///     .block_on(join_all((1..=5).map(|n| fetch(format!("api/page/{n}?delay=1000")))))
///     .unwrap();
/// assert_eq!(pages.len(), 5);
/// assert!(pages[0].as_ref().unwrap().text().contains("Page 1"));
/// assert_eq!(ex.now(), Duration::from_millis(1000));
/// ```
pub fn join_all<I>(futures: I) -> JoinAll<I::Item>
where
    I: IntoIterator,
    I::Item: Future,
{
    JoinAll {
        children: futures
            .into_iter()
            .map(|f| MaybeDone::Running(Box::pin(f)))
            .collect(),
    }
}

impl<F: Future> Future for JoinAll<F> {
    type Output = Vec<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let mut all_done = true;
        for child in &mut this.children {
            all_done &= child.poll(cx);
        }
        if all_done {
            Poll::Ready(this.children.iter_mut().map(MaybeDone::take).collect())
        } else {
            Poll::Pending
        }
    }
}

/// The first of two futures to finish. Made by [`select`].
///
/// ```
/// use executor::{select, Either, Executor, Select, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let race: Select<_, _> = select(async { 1 }, async { 2 });
/// assert_eq!(ex.block_on(race).unwrap(), Either::Left(1)); // a is polled first
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct Select<A, B> {
    /// `None` once one side has won.
    both: Option<Racers<A, B>>,
}

/// The two sides of a [`Select`], each in its own box.
type Racers<A, B> = (Pin<Box<A>>, Pin<Box<B>>);

impl<A, B> fmt::Debug for Select<A, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Select")
            .field("finished", &self.both.is_none())
            .finish()
    }
}

/// Races `a` against `b`: the output of whichever finishes first, as [`Either::Left`] (from `a`)
/// or [`Either::Right`] (from `b`). The loser is dropped right away, which cancels it: a losing
/// [`fetch`](crate::fetch) is aborted.
///
/// `a` is polled before `b` every time, so if both are ready at once, `a` wins. Python:
/// `asyncio.wait({a, b}, return_when=FIRST_COMPLETED)` followed by cancelling the other.
///
/// ```
/// use std::time::Duration;
/// use executor::{fetch, select, sleep, Either, Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let winner = ex
///     .block_on(select(fetch("api/page/1?delay=5000"), sleep(Duration::from_millis(800))))
///     .unwrap();
/// assert!(matches!(winner, Either::Right(()))); // the page was too slow, and is aborted
/// assert_eq!(ex.now(), Duration::from_millis(800));
/// ```
pub fn select<A: Future, B: Future>(a: A, b: B) -> Select<A, B> {
    Select {
        both: Some((Box::pin(a), Box::pin(b))),
    }
}

impl<A: Future, B: Future> Future for Select<A, B> {
    type Output = Either<A::Output, B::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let (a, b) = self.both.as_mut().expect("select polled after it finished");
        let output = if let Poll::Ready(out) = a.as_mut().poll(cx) {
            Either::Left(out)
        } else if let Poll::Ready(out) = b.as_mut().poll(cx) {
            Either::Right(out)
        } else {
            return Poll::Pending;
        };
        self.both = None; // drops the loser (and the winner's empty shell)
        Poll::Ready(output)
    }
}

/// A race among a list of futures. Made by [`select_all`], and given back (without the
/// winner) as the third part of its output, so the others can be raced again.
///
/// ```
/// use std::future::ready;
/// use executor::{select_all, Executor, SelectAll, VirtualHost};
/// let ex = Executor::new(VirtualHost::new());
/// let race: SelectAll<_> = select_all(vec![ready('a'), ready('b')]);
/// assert_eq!(race.len(), 2);
/// let (index, output, rest) = ex.block_on(race).unwrap();
/// assert_eq!((index, output, rest.len()), (0, 'a', 1));
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct SelectAll<F> {
    /// Empty once one has won (the others have moved to the output).
    futures: Vec<Pin<Box<F>>>,
}

impl<F> SelectAll<F> {
    /// How many futures are still in the race.
    ///
    /// ```
    /// use std::future::ready;
    /// use executor::select_all;
    /// assert_eq!(select_all([ready(1), ready(2), ready(3)]).len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.futures.len()
    }

    /// True when no future is left: awaiting it would panic, there is nobody to race.
    ///
    /// ```
    /// use executor::{select_all, Executor, VirtualHost};
    /// let ex = Executor::new(VirtualHost::new());
    /// let (_, _, rest) = ex.block_on(select_all([async { 1 }])).unwrap();
    /// assert!(rest.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.futures.is_empty()
    }
}

/// The futures still in the race, in their boxes (each a future itself), in input order:
/// hand them to [`join_all`] to wait for all of them instead.
///
/// ```
/// use std::time::Duration;
/// use executor::{join_all, select_all, sleep, Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// let (first, rest) = ex
///     .block_on(async {
///         let sleeps = [30u64, 10, 20].map(|d| async move {
///             sleep(Duration::from_millis(d)).await;
///             d
///         });
///         let (_, first, rest) = select_all(sleeps).await;
///         (first, join_all(rest).await)
///     })
///     .unwrap();
/// assert_eq!((first, rest), (10, vec![30, 20]));
/// ```
impl<F> IntoIterator for SelectAll<F> {
    type Item = Pin<Box<F>>;
    type IntoIter = std::vec::IntoIter<Pin<Box<F>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.futures.into_iter()
    }
}

impl<F> fmt::Debug for SelectAll<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SelectAll")
            .field("len", &self.futures.len())
            .finish_non_exhaustive()
    }
}

/// Races every future of `futures`: gives `(index, output, rest)` for the first to finish —
/// its position in the list, its output, and the race among the others, still running.
///
/// `rest` is a [`SelectAll`] again (the same type, whatever the round), so it can be awaited
/// for the next finisher; its indexes count in its own list, which is the input without the
/// winner. Or hand it to [`join_all`], or drop it to cancel the others
/// (`let (i, out, _) = …` drops them at the end of the statement). Futures are polled in list
/// order, so on a tie the earliest in the list wins.
///
/// Python: `done, pending = await asyncio.wait(futures, return_when=FIRST_COMPLETED)`.
///
/// ```
/// use std::time::Duration;
/// use executor::{fetch, select_all, Executor, VirtualHost};
///
/// let ex = Executor::new(VirtualHost::new());
/// ex.block_on(async {
///     let mirrors = [900, 300, 600].map(|ms| fetch(format!("api/page/1?delay={ms}")));
///     let (fastest, page, rest) = select_all(mirrors).await;
///     assert_eq!(fastest, 1);
///     assert!(page.unwrap().ok());
///     assert_eq!(executor::now(), Duration::from_millis(300));
///     // Keep racing the other two; dropping `rest` would abort them instead.
///     let (next, _, rest) = rest.await;
///     assert_eq!(next, 1); // index 1 of [900, 600]: the 600 ms one
///     assert_eq!(rest.len(), 1);
/// })
/// .unwrap();
/// ```
///
/// # Panics
/// If `futures` is empty (a race needs at least one runner); likewise awaiting an empty
/// `rest`: check [`SelectAll::is_empty`] first.
pub fn select_all<I>(futures: I) -> SelectAll<I::Item>
where
    I: IntoIterator,
    I::Item: Future,
{
    let futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    assert!(!futures.is_empty(), "select_all needs at least one future");
    SelectAll { futures }
}

impl<F: Future> Future for SelectAll<F> {
    type Output = (usize, F::Output, SelectAll<F>);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        assert!(
            !self.futures.is_empty(),
            "select_all needs at least one future (or was polled after it finished)"
        );
        let won =
            self.futures
                .iter_mut()
                .enumerate()
                .find_map(|(i, f)| match f.as_mut().poll(cx) {
                    Poll::Ready(output) => Some((i, output)),
                    Poll::Pending => None,
                });
        match won {
            Some((index, output)) => {
                let mut futures = std::mem::take(&mut self.futures);
                drop(futures.remove(index)); // the winner's empty shell
                Poll::Ready((index, output, SelectAll { futures }))
            }
            None => Poll::Pending,
        }
    }
}
