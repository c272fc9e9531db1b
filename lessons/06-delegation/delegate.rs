//! Small coroutines composed: download delegates to connect and read_all, read_all to read

use tutor::callbacks::run_until_idle;
use tutor::coroutines::{fetch_future, spawn_task, Coroutine, Page, Step};
use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=5 = 2,
    parts: 1..=5 = 3,
    latency_ms: 0..=3000 = 300,
    broken_page: 0..=5 = 0,
}

/// Full parts have this many bytes; a shorter part is the last one.
const CHUNK: usize = 1024;

/// An open connection to page `n`. The slow web plays a server that sends the page in parts,
/// one request each; the broken page's second part fails.
#[derive(Clone, Copy)]
struct Connection {
    n: u32,
    knobs: Knobs,
}

impl Connection {
    fn part_url(&self, k: u32) -> String {
        let size = if k < self.knobs.parts {
            CHUNK
        } else {
            CHUNK / 2
        };
        let fail = if self.n == self.knobs.broken_page && k == 2 {
            100
        } else {
            0
        };
        let page = slow_web::page(self.n * 100 + k).delay(self.knobs.latency_ms);
        page.size(size as u32).fail(fail).to_url()
    }
}

// ANCHOR: shown
/// Connecting: wait for the server's handshake, then hand back the connection.
struct Connect {
    conn: Connection,
    sent: bool,
}

impl Coroutine for Connect {
    type Output = std::result::Result<Connection, String>;

    fn resume(&mut self, value: Option<&Page>) -> Step<Self::Output> {
        if !self.sent {
            tutor::state!("connect: waiting for the handshake");
            self.sent = true;
            let handshake = slow_web::page(self.conn.n).delay(self.conn.knobs.latency_ms);
            return Step::Wait(fetch_future(handshake.size(0).to_url()));
        }
        tutor::state!("connect: connected");
        match value.expect("resumed with the handshake") {
            Ok(_) => Step::Done(Ok(self.conn)),
            Err(e) => Step::Done(Err(format!("connecting: {e}"))),
        }
    }
}

/// Reading one part: ask for it, hand back its bytes.
struct Read {
    k: u32,
    url: Option<String>,
}

impl Coroutine for Read {
    type Output = std::result::Result<Vec<u8>, String>;

    fn resume(&mut self, value: Option<&Page>) -> Step<Self::Output> {
        if let Some(url) = self.url.take() {
            tutor::state!("read: waiting for a part");
            return Step::Wait(fetch_future(url));
        }
        tutor::state!("read: part arrived");
        // The innermost coroutine says what it was doing when it failed.
        let part = value.expect("resumed with the part").clone();
        Step::Done(part.map_err(|e| format!("reading part {}: {e}", self.k)))
    }
}

/// Reading the whole page: one `Read` after another, until a short part ends it.
struct ReadAll {
    conn: Connection,
    read: Read,
    body: Vec<u8>,
}

impl Coroutine for ReadAll {
    type Output = std::result::Result<Vec<u8>, String>;

    fn resume(&mut self, mut value: Option<&Page>) -> Step<Self::Output> {
        loop {
            tutor::state!("read_all: delegating to read");
            // Delegation: resume the inner coroutine with the value we were given. While it
            // waits, we wait on the same future; when it finishes, its result is ours.
            let part = match self.read.resume(value) {
                Step::Wait(future) => return Step::Wait(future),
                Step::Done(Err(e)) => return Step::Done(Err(e)),
                Step::Done(Ok(part)) => part,
            };
            self.body.extend_from_slice(&part);
            if part.len() < CHUNK {
                return Step::Done(Ok(std::mem::take(&mut self.body)));
            }
            let k = self.read.k + 1;
            self.read = Read {
                k,
                url: Some(self.conn.part_url(k)),
            };
            value = None; // a new inner coroutine starts with nothing
        }
    }
}

/// The download: connect, then read everything. Two delegations in a row.
enum Download {
    Connecting(Connect),
    Reading(ReadAll),
    Finished,
}

impl Coroutine for Download {
    type Output = std::result::Result<usize, String>;

    fn resume(&mut self, mut value: Option<&Page>) -> Step<Self::Output> {
        loop {
            match self {
                Download::Connecting(connect) => {
                    tutor::state!("download: connecting");
                    let n = connect.conn.n;
                    let conn = match connect.resume(value) {
                        Step::Wait(future) => return Step::Wait(future),
                        Step::Done(Err(e)) => return Step::Done(Err(format!("page {n}: {e}"))),
                        Step::Done(Ok(conn)) => conn,
                    };
                    let read = Read {
                        k: 1,
                        url: Some(conn.part_url(1)),
                    };
                    *self = Download::Reading(ReadAll {
                        conn,
                        read,
                        body: Vec::new(),
                    });
                    value = None;
                }
                Download::Reading(read_all) => {
                    tutor::state!("download: reading");
                    let n = read_all.conn.n;
                    let body = match read_all.resume(value) {
                        Step::Wait(future) => return Step::Wait(future),
                        // Each level adds what it knows: the page, then the part.
                        Step::Done(Err(e)) => return Step::Done(Err(format!("page {n}: {e}"))),
                        Step::Done(Ok(body)) => body,
                    };
                    println!("page {n}: {} bytes", body.len());
                    *self = Download::Finished;
                    return Step::Done(Ok(body.len()));
                }
                Download::Finished => panic!("a finished coroutine was resumed"),
            }
        }
    }
}

pub async fn run(knobs: Knobs) -> Result {
    let tasks: Vec<_> = (1..=knobs.pages)
        .map(|n| {
            let conn = Connection { n, knobs };
            spawn_task(Download::Connecting(Connect { conn, sent: false }))
        })
        .collect();
    run_until_idle().await;
    let mut total = 0;
    for task in tasks {
        total += task
            .borrow_mut()
            .result
            .take()
            .expect("every task finished")?;
    }
    println!("{} pages, {total} bytes", knobs.pages);
    Ok(())
}
// ANCHOR_END: shown
