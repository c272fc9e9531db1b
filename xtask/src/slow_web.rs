//! `cargo xtask slow-web`: the service worker's slow web (the `slow-web` crate) as a native HTTP
//! server on 127.0.0.1. (Past 600 lines with its tests, a third of the file, which drive the
//! server over real sockets.)

// The rules are the `slow-web` crate's, answered the way `www/sw.js` answers them:
//
//   - a path holding `api/page/` goes to `PageRequest::parse` (a prefix before it is ignored);
//     a parse error is HTTP 400 with the error's message as a text/plain body;
//   - any other path is HTTP 404 with a short text/plain body;
//   - after the planned delay (real time, measured from the end of the request head): 200 with
//     the page (text/html), or the failure status with `failure_body` (text/plain, no body for
//     204, 205 and 304), or for a network error (`status=network`, or a 1xx status) the
//     connection is closed without any response;
//   - every response carries the service worker's headers (`cache-control: no-store`, CORS,
//     `x-slow-web-delay`, `x-slow-web-page`), `content-length` and `connection: close`, and
//     the connection is closed after it, so HTTP/1.0 clients that read until the server
//     closes work as well as HTTP/1.1 ones. The status line repeats the request's version
//     (`HTTP/1.0` or `HTTP/1.1`); HEAD gets the headers only. Any other method is answered
//     like GET, as the service worker does.
//
//   - a request with a capacity (`cap`) is counted in flight on its server from the end of
//     its head until its answer is due (just before it is written), and planned at that
//     load, as the service worker does; a client that goes away does not shorten the count
//     (the slow web's rule: a request leaves when its answer is due).
//
// Request heads are parsed by `httparse`; the connection itself is ours (std's TcpListener, one
// thread per connection), since a network error must close it without any response. Past
// `MAX_CONNECTIONS` at once a connection gets 503 at once.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use executor::slow_web::{
    PATH_PREFIX, PageRequest, PageResult, Servers, body_parts, is_null_body_status,
};

/// The port `cargo xtask slow-web` listens on unless told otherwise (the asides' default too).
pub const DEFAULT_PORT: u16 = 8000;
/// Connections served at once; more get an immediate 503.
pub const MAX_CONNECTIONS: usize = 512;
/// Largest request head (request line and headers) read.
const HEAD_LIMIT: usize = 16 * 1024;
/// How long a client may take to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest request body read and thrown away (so closing does not reset the connection).
const BODY_LIMIT: u64 = 1 << 20;
/// How long to wait for the client to close after the answer was sent.
const LINGER: Duration = Duration::from_secs(1);
/// Stack of each connection's thread: it only parses a head and sleeps.
const THREAD_STACK: usize = 128 * 1024;

/// A bound, not yet running slow-web server.
pub struct Server {
    listener: TcpListener,
    port: u16,
    limit: usize,
    log: bool,
}

impl Server {
    /// Binds 127.0.0.1:`port` (0 for any free port); a clear message when it cannot.
    pub fn bind(port: u16) -> Result<Server, String> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).map_err(|e| {
            if e.kind() == io::ErrorKind::AddrInUse {
                format!(
                    "port {port} on 127.0.0.1 is already in use (another slow web or server?): \
                     stop it or pick another port with --port N"
                )
            } else {
                format!("cannot listen on 127.0.0.1:{port}: {e}")
            }
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| format!("cannot read the bound address: {e}"))?
            .port();
        Ok(Server {
            listener,
            port,
            limit: MAX_CONNECTIONS,
            log: false,
        })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Prints one line per request (method, target, status, time).
    pub fn log(mut self, on: bool) -> Self {
        self.log = on;
        self
    }

    /// At most `limit` connections at once (at least 1; [`MAX_CONNECTIONS`] unless set).
    #[cfg(test)]
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit.max(1);
        self
    }

    /// Serves until the process ends.
    pub fn run(self) {
        accept_loop(self.listener, self.limit, self.log, None);
    }

    /// Serves on a background thread until the returned handle is dropped.
    pub fn spawn(self) -> Running {
        let stop = Arc::new(AtomicBool::new(false));
        let port = self.port;
        let flag = Arc::clone(&stop);
        let thread = thread::spawn(move || {
            accept_loop(self.listener, self.limit, self.log, Some(&flag));
        });
        Running {
            port,
            stop,
            thread: Some(thread),
        }
    }
}

/// A server running on a background thread; dropping it stops accepting connections.
pub struct Running {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Running {
    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept so it sees the flag.
        let _ = TcpStream::connect_timeout(
            &SocketAddr::from((Ipv4Addr::LOCALHOST, self.port)),
            Duration::from_secs(1),
        );
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Decrements the connection count when a connection's thread ends, even by a panic.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn accept_loop(listener: TcpListener, limit: usize, log: bool, stop: Option<&AtomicBool>) {
    let active = Arc::new(AtomicUsize::new(0));
    let servers = Arc::new(Mutex::new(Servers::default()));
    for stream in listener.incoming() {
        if stop.is_some_and(|s| s.load(Ordering::SeqCst)) {
            break;
        }
        let stream = match stream {
            Ok(stream) => stream,
            Err(err) => {
                // Out of file descriptors and the like: wait a little instead of spinning.
                eprintln!("slow web: accept failed: {err}");
                thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        if active.fetch_add(1, Ordering::SeqCst) >= limit {
            active.fetch_sub(1, Ordering::SeqCst);
            overloaded(stream, limit, log);
            continue;
        }
        let slot = Slot(Arc::clone(&active));
        let servers = Arc::clone(&servers);
        let spawned = thread::Builder::new()
            .name("slow-web".into())
            .stack_size(THREAD_STACK)
            .spawn(move || {
                let _slot = slot;
                serve(stream, &servers, log);
            });
        if let Err(err) = spawned {
            eprintln!("slow web: cannot start a thread: {err}");
        }
    }
}

/// The HTTP version of a request, repeated in the status line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    Http10,
    Http11,
}

impl Version {
    fn as_str(self) -> &'static str {
        match self {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        }
    }
}

/// A parsed request head.
#[derive(Debug, PartialEq, Eq)]
pub struct Head {
    pub method: String,
    pub target: String,
    pub version: Version,
    pub content_length: u64,
}

/// Parses the request head at the start of `buf` with `httparse`: `Ok(None)` while it is
/// incomplete, else the head and how many bytes of `buf` it took (blank line included).
pub fn parse_head(buf: &[u8]) -> Result<Option<(Head, usize)>, &'static str> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    let len = match request.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err("slow web: too many header lines"),
        Err(httparse::Error::Version) => {
            return Err("slow web: only HTTP/1.0 and HTTP/1.1 are spoken here");
        }
        Err(_) => return Err("slow web: bad request (expected `GET /api/page/<n> HTTP/1.1`)"),
    };
    let version = match request.version {
        Some(0) => Version::Http10,
        _ => Version::Http11,
    };
    let mut content_length = 0;
    for header in request.headers.iter() {
        if header.name.eq_ignore_ascii_case("content-length") {
            content_length = std::str::from_utf8(header.value)
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .ok_or("slow web: bad content-length")?;
        }
    }
    let head = Head {
        method: request.method.unwrap_or("GET").to_string(),
        target: request.path.unwrap_or("/").to_string(),
        version,
        content_length,
    };
    Ok(Some((head, len)))
}

/// What to do with a request, after `delay_ms`.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    Respond {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
        /// The body's parts: the first with the head, then one every `every_ms`.
        chunks: u32,
        every_ms: u32,
    },
    /// A network error: close the connection without a response.
    Close,
}

/// The slow web's answer to a request target that arrives with `load` requests in flight on
/// its server (itself included), and how long it waits before giving it.
pub fn answer_at_load(target: &str, load: u32) -> (u32, Answer) {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if !path.contains(PATH_PREFIX) {
        let body = format!("slow web: no such path {path} (try /api/page/1?delay=500)");
        return (0, text_answer(404, body));
    }
    let request = match PageRequest::parse(target) {
        Ok(request) => request,
        Err(err) => return (0, text_answer(400, err.message().to_string())),
    };
    let outcome = request.plan_at_load(load);
    let status = outcome.status();
    let (status, content_type, body) = match (status, outcome.result) {
        (_, PageResult::Ok { body }) => (200, "text/html; charset=utf-8", body),
        (Some(code), failed @ (PageResult::Status(_) | PageResult::Busy { .. })) => (
            code,
            "text/plain; charset=utf-8",
            request.error_body(&failed).unwrap_or_default(),
        ),
        _ => return (outcome.delay_ms, Answer::Close),
    };
    let headers = vec![
        ("content-type", content_type.to_string()),
        ("cache-control", "no-store".to_string()),
        ("access-control-allow-origin", "*".to_string()),
        (
            "access-control-expose-headers",
            "x-slow-web-delay, x-slow-web-page".to_string(),
        ),
        ("x-slow-web-delay", outcome.delay_ms.to_string()),
        ("x-slow-web-page", request.page.to_string()),
    ];
    let answer = Answer::Respond {
        status,
        headers,
        body: body.into_bytes(),
        chunks: outcome.chunks,
        every_ms: outcome.every_ms,
    };
    (outcome.delay_ms, answer)
}

/// A text/plain answer (the service worker's headers for a 400).
fn text_answer(status: u16, body: String) -> Answer {
    Answer::Respond {
        status,
        headers: vec![
            ("content-type", "text/plain; charset=utf-8".to_string()),
            ("cache-control", "no-store".to_string()),
            ("access-control-allow-origin", "*".to_string()),
        ],
        body: body.into_bytes(),
        chunks: 1,
        every_ms: 0,
    }
}

/// The reason phrase of common statuses (empty for others, which HTTP allows).
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        205 => "Reset Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        418 => "I'm a teapot",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// The bytes of a response; `head_only` for HEAD.
pub fn render(
    version: Version,
    status: u16,
    headers: &[(&'static str, String)],
    body: &[u8],
    head_only: bool,
) -> Vec<u8> {
    let no_body = is_null_body_status(status);
    let mut out = format!("{} {status} {}\r\n", version.as_str(), reason(status));
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    // 204 and 304 carry no content-length; everything else the length of its body.
    if !matches!(status, 204 | 304) {
        let length = if no_body { 0 } else { body.len() };
        out.push_str(&format!("content-length: {length}\r\n"));
    }
    out.push_str("connection: close\r\n\r\n");
    let mut bytes = out.into_bytes();
    if !head_only && !no_body {
        bytes.extend_from_slice(body);
    }
    bytes
}

/// Reads a request head; `Ok(None)` when the client closed or went quiet before sending one.
fn read_head(stream: &mut TcpStream) -> Result<Option<(Head, usize)>, &'static str> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        if let Some((head, len)) = parse_head(&buf)? {
            return Ok(Some((head, buf.len() - len)));
        }
        if buf.len() > HEAD_LIMIT {
            return Err("slow web: request head too large");
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(None),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Ok(None),
        }
    }
}

/// Sends what is left and closes politely: our side first, then wait briefly for theirs,
/// so unread bytes do not turn the close into a reset that could eat the answer.
fn finish(mut stream: TcpStream) {
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + LINGER;
    let mut sink = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
}

/// Counts a request out of its server when dropped.
struct InFlight<'a>(&'a Mutex<Servers>, PageRequest);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        lock(self.0).leave(&self.1);
    }
}

fn lock(servers: &Mutex<Servers>) -> std::sync::MutexGuard<'_, Servers> {
    // A thread that panicked while counting leaves counts that are still whole numbers.
    servers
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn serve(mut stream: TcpStream, servers: &Mutex<Servers>, log: bool) {
    let started = Instant::now();
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(HEAD_TIMEOUT));
    let (head, extra) = match read_head(&mut stream) {
        Ok(Some(got)) => got,
        Ok(None) => return,
        Err(message) => {
            let bytes = render(
                Version::Http11,
                400,
                &[("content-type", "text/plain; charset=utf-8".into())],
                message.as_bytes(),
                false,
            );
            let _ = stream.write_all(&bytes);
            finish(stream);
            if log {
                println!("(bad request) → 400: {message}");
            }
            return;
        }
    };
    // Throw the body away (a GET has none).
    let rest = head
        .content_length
        .saturating_sub(extra as u64)
        .min(BODY_LIMIT);
    let _ = io::copy(&mut (&mut stream).take(rest), &mut io::sink());

    let request = PageRequest::parse(&head.target).ok();
    let load = request.map_or(1, |r| lock(servers).arrive(&r));
    let in_flight = request.map(|r| InFlight(servers, r));
    let (delay_ms, answer) = answer_at_load(&head.target, load);
    let due = Instant::now() + Duration::from_millis(u64::from(delay_ms));
    thread::sleep(due.saturating_duration_since(Instant::now()));
    let result = match answer {
        Answer::Close => {
            drop(in_flight);
            "network error (closed, no response)".to_string()
        }
        Answer::Respond {
            status,
            headers,
            body,
            chunks,
            every_ms,
        } => {
            let head_only = head.method.eq_ignore_ascii_case("HEAD");
            let bytes = render(head.version, status, &headers, &body, head_only);
            // The head, then the body's parts as they fall due (all at once when it has one).
            let head_len = bytes.len() - if head_only { 0 } else { body.len() };
            let parts = if head_only {
                vec![&bytes[head_len..]]
            } else {
                body_parts(&bytes[head_len..], chunks)
            };
            let mut in_flight = Some(in_flight);
            let mut sent = stream.write_all(&bytes[..head_len]);
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    thread::sleep(Duration::from_millis(u64::from(every_ms)));
                }
                if i + 1 == parts.len() {
                    // The last part is due: the request leaves its server before the client can
                    // read it, so a client that sends its next request at once never meets it.
                    drop(in_flight.take());
                }
                sent = sent.and_then(|()| stream.write_all(part));
            }
            match sent {
                Ok(()) => status.to_string(),
                Err(_) => format!("{status} (client gone)"),
            }
        }
    };
    let took = started.elapsed();
    finish(stream);
    if log {
        println!(
            "{} {} → {result}, {} ms",
            head.method,
            head.target,
            took.as_millis()
        );
    }
}

/// Past the connection limit: read what came quickly, answer 503, close.
fn overloaded(mut stream: TcpStream, limit: usize, log: bool) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let version = match read_head(&mut stream) {
        Ok(Some((head, _))) => head.version,
        _ => Version::Http11,
    };
    let body = format!("slow web: too many connections at once (limit {limit})");
    let headers = [
        ("content-type", "text/plain; charset=utf-8".to_string()),
        ("cache-control", "no-store".to_string()),
        ("access-control-allow-origin", "*".to_string()),
    ];
    let _ = stream.write_all(&render(version, 503, &headers, body.as_bytes(), false));
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Both);
    if log {
        println!("(over {limit} connections) → 503");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use executor::slow_web::{SlowWebError, busy_body, failure_body, page_html};

    /// A raw answer: status (None when closed without a response), headers, body, time taken.
    struct Got {
        status: Option<u16>,
        status_line: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        took: Duration,
    }

    impl Got {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        }
    }

    /// Sends `request` as is and reads until the server closes.
    fn raw(port: u16, request: &str) -> Got {
        let started = Instant::now();
        let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).unwrap();
        let took = started.elapsed();
        if bytes.is_empty() {
            return Got {
                status: None,
                status_line: String::new(),
                headers: Vec::new(),
                body: Vec::new(),
                took,
            };
        }
        let mut parsed = [httparse::EMPTY_HEADER; 32];
        let mut response = httparse::Response::new(&mut parsed);
        let httparse::Status::Complete(head_len) = response.parse(&bytes).unwrap() else {
            panic!("an incomplete response head");
        };
        let status = response.code.unwrap();
        let status_line = String::from_utf8(bytes[..head_len].to_vec()).unwrap();
        let status_line = status_line.split("\r\n").next().unwrap().to_string();
        let headers = response
            .headers
            .iter()
            .map(|h| {
                (
                    h.name.to_string(),
                    String::from_utf8(h.value.to_vec()).unwrap(),
                )
            })
            .collect();
        Got {
            status: Some(status),
            status_line,
            headers,
            body: bytes[head_len..].to_vec(),
            took,
        }
    }

    fn get(port: u16, target: &str) -> Got {
        raw(
            port,
            &format!("GET {target} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"),
        )
    }

    #[test]
    fn answers_a_page_after_its_delay() {
        let server = Server::bind(0).unwrap().spawn();
        let got = get(server.port(), "/api/page/3?delay=200");
        assert_eq!(got.status, Some(200));
        assert_eq!(got.status_line, "HTTP/1.0 200 OK");
        assert_eq!(got.body, page_html(3, 2048, 0).into_bytes());
        assert!(got.took >= Duration::from_millis(200), "{:?}", got.took);
        assert_eq!(got.header("content-length"), Some("2048"));
        assert_eq!(got.header("connection"), Some("close"));
        assert_eq!(got.header("x-slow-web-delay"), Some("200"));
        assert_eq!(got.header("content-type"), Some("text/html; charset=utf-8"));

        // HTTP/1.1 without `Connection: close` from the client: closed all the same.
        let got = raw(
            server.port(),
            "GET /course/api/page/7?size=300&seed=2 HTTP/1.1\r\nHost: x\r\n\r\n",
        );
        assert_eq!(got.status_line, "HTTP/1.1 200 OK");
        assert_eq!(got.body, page_html(7, 300, 2).into_bytes());

        let got = raw(
            server.port(),
            "HEAD /api/page/1 HTTP/1.1\r\nHost: x\r\n\r\n",
        );
        assert_eq!(got.status, Some(200));
        assert_eq!(got.header("content-length"), Some("2048"));
        assert!(got.body.is_empty());
    }

    #[test]
    fn failures_errors_and_unknown_paths() {
        let server = Server::bind(0).unwrap().spawn();
        let got = get(server.port(), "/api/page/3?delay=50&fail=100");
        assert_eq!(got.status, Some(500));
        assert_eq!(got.body, failure_body(3, 500, 0).into_bytes());
        assert!(got.took >= Duration::from_millis(50));

        let got = get(server.port(), "/api/page/4?fail=100&status=503&seed=9");
        assert_eq!(got.status_line, "HTTP/1.0 503 Service Unavailable");
        assert_eq!(got.body, failure_body(4, 503, 9).into_bytes());

        let got = get(server.port(), "/api/page/4?fail=100&status=204");
        assert_eq!(
            (got.status, got.header("content-length")),
            (Some(204), None)
        );
        assert!(got.body.is_empty());

        for status in ["network", "102"] {
            let got = get(
                server.port(),
                &format!("/api/page/3?delay=100&fail=100&status={status}"),
            );
            assert_eq!(got.status, None, "closed without a response");
            assert!(got.took >= Duration::from_millis(100), "{:?}", got.took);
        }

        let got = get(server.port(), "/api/page/3?delay=x");
        assert_eq!(got.status, Some(400));
        assert_eq!(got.body, SlowWebError::Delay.message().as_bytes());
        let got = get(server.port(), "/api/page/");
        assert_eq!(got.body, SlowWebError::Page.message().as_bytes());

        let got = get(server.port(), "/index.html");
        assert_eq!(got.status, Some(404));
        assert!(String::from_utf8_lossy(&got.body).contains("/index.html"));

        let got = raw(server.port(), "nonsense\r\n\r\n");
        assert_eq!(got.status, Some(400));
    }

    #[test]
    fn waits_concurrently() {
        let server = Server::bind(0).unwrap().spawn();
        let port = server.port();
        let started = Instant::now();
        let threads: Vec<_> = (0..5)
            .map(|n| thread::spawn(move || get(port, &format!("/api/page/{n}?delay=300"))))
            .collect();
        for t in threads {
            let got = t.join().unwrap();
            assert_eq!(got.status, Some(200));
            assert!(got.took >= Duration::from_millis(300), "{:?}", got.took);
        }
        let all = started.elapsed();
        assert!(
            all < Duration::from_millis(1200),
            "5 × 300 ms took {all:?}, not at once"
        );
    }

    #[test]
    fn a_server_with_a_capacity_counts_its_requests_in_flight() {
        let server = Server::bind(0).unwrap().spawn();
        let port = server.port();
        // Pages that a second request in flight (cap 1) slows down, and turns away.
        let at_two = |n: u32| PageRequest::new(n).delay(100).capacity(1).plan_at_load(2);
        let slowed = (2..).find(|&n| at_two(n).status() == Some(200)).unwrap();
        let turned_away = (2..).find(|&n| at_two(n).status() == Some(503)).unwrap();
        for (page, status, delay) in [(slowed, 200, "200"), (turned_away, 503, "100")] {
            let first = thread::spawn(move || get(port, "/api/page/1?delay=1500&cap=1"));
            // Time for the server to take the first request (generous for a loaded machine).
            thread::sleep(Duration::from_millis(500));
            let got = get(port, &format!("/api/page/{page}?delay=100&cap=1"));
            assert_eq!(got.status, Some(status), "page {page}");
            assert_eq!(got.header("x-slow-web-delay"), Some(delay), "page {page}");
            if status == 503 {
                assert_eq!(
                    got.body,
                    busy_body(page, 2, 1, 0).into_bytes(),
                    "page {page}"
                );
            }
            assert_eq!(first.join().unwrap().status, Some(200));
        }
        // Alone again: the load is 1, and nothing is slowed.
        let got = get(port, &format!("/api/page/{slowed}?delay=100&cap=1"));
        assert_eq!(got.header("x-slow-web-delay"), Some("100"));
    }

    #[test]
    fn a_trickled_body_comes_in_parts_and_is_whole_at_the_end() {
        let server = Server::bind(0).unwrap().spawn();
        let started = Instant::now();
        let mut stream = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
        stream
            .write_all(b"GET /api/page/2?delay=100&chunks=3&every=300 HTTP/1.0\r\n\r\n")
            .unwrap();
        // The head and the first part come after the delay, alone.
        let mut first = vec![0; 64 * 1024];
        let n = stream.read(&mut first).unwrap();
        let head_at = started.elapsed();
        let text = String::from_utf8_lossy(&first[..n]).to_string();
        assert!(text.starts_with("HTTP/1.0 200"), "{text}");
        assert!(
            !text.contains("</html>"),
            "the whole body came at once: {text}"
        );
        let mut rest = Vec::new();
        stream.read_to_end(&mut rest).unwrap();
        let all = started.elapsed();
        assert!(
            head_at >= Duration::from_millis(100) && head_at < Duration::from_millis(400),
            "{head_at:?}"
        );
        assert!(all >= Duration::from_millis(700), "{all:?}");
        let mut bytes = first[..n].to_vec();
        bytes.extend(rest);
        let body_at = bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        assert_eq!(&bytes[body_at..], page_html(2, 2048, 0).as_bytes());
    }

    #[test]
    fn over_the_limit_gets_503() {
        let server = Server::bind(0).unwrap().limit(1).spawn();
        let port = server.port();
        let slow = thread::spawn(move || get(port, "/api/page/1?delay=1500"));
        // Time for the server to take the first connection (generous for a loaded machine).
        thread::sleep(Duration::from_millis(500));
        let got = get(port, "/api/page/2");
        assert_eq!(got.status, Some(503));
        assert!(got.took < Duration::from_millis(1000), "{:?}", got.took);
        assert_eq!(slow.join().unwrap().status, Some(200));
    }

    #[test]
    fn a_taken_port_is_an_error_not_a_panic() {
        let first = Server::bind(0).unwrap();
        let err = Server::bind(first.port()).err().expect("port taken");
        assert!(err.contains("already in use"), "{err}");
    }

    #[test]
    fn parses_heads() {
        let (head, len) =
            parse_head(b"POST /api/page/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\nbody")
                .unwrap()
                .unwrap();
        assert_eq!(
            head,
            Head {
                method: "POST".into(),
                target: "/api/page/1".into(),
                version: Version::Http11,
                content_length: 12,
            }
        );
        assert_eq!(len, 58);
        let http10 = parse_head(b"GET / HTTP/1.0\r\n\r\n").unwrap().unwrap();
        assert_eq!(http10.0.version, Version::Http10);
        assert_eq!(
            parse_head(b"GET / HTTP/1.0\r\nHost: x"),
            Ok(None),
            "incomplete"
        );
        assert!(parse_head(b"GET / HTTP/2.0\r\n\r\n").is_err());
        assert!(parse_head(b"GET\r\n\r\n").is_err());
    }
}
