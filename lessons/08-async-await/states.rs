//! The download as the state machine an `async fn` becomes, written out by hand

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=20 = 3,
    latency_ms: 0..=3000 = 1000,
}

// ANCHOR: shown
/// `async fn download(n) -> Result<usize>` from the crawl, without the sugar. Each `.await`
/// becomes a state, and each state holds exactly what the code after that `.await` needs.
enum Download {
    /// Created but never polled: only the arguments exist. Nothing has happened yet.
    Start { n: u32, latency_ms: u32 },
    /// Stopped at `fetch(url).await`: the request is in flight.
    Fetching { n: u32, request: Fetch },
    /// Returned its value. Polling again would be a bug.
    Finished,
}

impl Future for Download {
    type Output = Result<usize>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // One poll runs from the state we are in up to the next `.await` that is not ready.
        loop {
            match &mut *self {
                Download::Start { n, latency_ms } => {
                    tutor::state!("Start");
                    let (n, url) = (*n, slow_web::page(*n).delay(*latency_ms).to_url());
                    *self = Download::Fetching {
                        n,
                        request: fetch(url),
                    };
                }
                Download::Fetching { n, request } => {
                    tutor::state!("Fetching");
                    // This is the `.await`: poll the request. Not ready? Return `Pending` and
                    // stay in this state; the request keeps our waker and the next poll comes
                    // back to exactly this line.
                    let page = match Pin::new(request).poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(answer) => answer?.error_for_status()?,
                    };
                    println!("page {n}: {} bytes", page.body.len());
                    *self = Download::Finished;
                    tutor::state!("Finished");
                    return Poll::Ready(Ok(page.body.len()));
                }
                Download::Finished => panic!("a finished future was polled again"),
            }
        }
    }
}

pub async fn run(knobs: Knobs) -> Result {
    // The executor cannot tell this hand-made future from one the compiler wrote.
    let tasks: Vec<_> = (1..=knobs.pages)
        .map(|n| {
            let latency_ms = knobs.latency_ms;
            spawn_named(format!("page {n}"), Download::Start { n, latency_ms })
        })
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await??;
    }
    println!("{} pages, {total} bytes", knobs.pages);
    Ok(())
}
// ANCHOR_END: shown
