//! The slow web's URL scheme and deterministic outcomes, byte for byte the twin of `www/slow-web.js`.
//! The executor's virtual host serves runs from it; `cargo xtask slow-web` serves it over HTTP.
//!
//! The file runs past 600 lines because its unit tests (a third of it) stay beside the
//! specification in the comment below, which they pin down case by case.

#![deny(missing_docs)]

// URL scheme (relative to the service worker's scope, so the site works under any sub-path):
//
//   api/page/<n>?delay=<ms>&jitter=<ms>&fail=<percent>&status=<code|network>&size=<bytes>&seed=<u32>
//                &cap=<requests>&attempt=<k>&chunks=<k>&every=<ms>
//
//   n       page number, 0..=1000000 (required)
//   delay   base delay in ms,               0..=60000,   default 0
//   jitter  extra random delay in ms,       0..=60000,   default 0
//   fail    failure probability in percent, 0..=100,     default 0
//   status  what a failure looks like: an HTTP status 100..=599, or the word `network`
//           for a network error;                         default 500
//   size    byte length of a successful page, 0..=1000000, default 2048
//   seed    PRNG seed, 0..=4294967295,                    default 0
//   cap     the server's capacity: requests it serves at full speed, 1..=10000; default none
//           (no limit)
//   attempt which try of the request this is, 0..=1000,  default 0 (a retry draws afresh)
//   chunks  how many parts the body trickles in, 1..=1000, default 1
//   every   milliseconds between two parts, 0..=60000,   default 0
//
// Parsing rules (identical in JS):
//   - the fragment (#…) is dropped; the path is what comes before the first '?';
//   - the page number follows the LAST "api/page/" in the path and must be ASCII digits only;
//   - the query is split on '&', each piece on its first '='; values are NOT percent-decoded
//     (every legal value is plain ASCII); the first occurrence of a parameter wins; unknown
//     parameters (e.g. cache busters) are ignored;
//   - numbers are one or more ASCII digits (no sign, no spaces); out-of-range or malformed values
//     are an error; checks run in the order page, delay, jitter, fail, status, size, seed, cap,
//     attempt, chunks, every and the first failure is reported. The service worker answers it with HTTP 400 and the error's
//     `Display` text as a text/plain body.
//
// Outcome of page n (deterministic):
//   hash32(seed, n, stream) = fmix32(seed ^ n*0x9E3779B9 ^ stream*0x85EBCA6B)   (wrapping u32 ops)
//     where fmix32 is MurmurHash3's 32-bit finalizer:
//       h ^= h >> 16; h *= 0x85EBCA6B; h ^= h >> 13; h *= 0xC2B2AE35; h ^= h >> 16
//   unit(seed, n, stream) = hash32(seed, n, stream) / 2^32             (an f64 in [0, 1))
//   key = n + 1048576 * attempt (wrapping u32; equal to n for the first attempt)
//   actual delay = delay + floor(unit(seed, key, 0) * (jitter + 1))
//   failure      = unit(seed, key, 1) * 100 < fail
//
// Trickled bodies: after the actual delay come the status, the headers and the body's first
// part; then one more part every `every` ms, so the body is complete `(chunks - 1) * every` ms
// after the delay. The body of n bytes is cut at byte floor(i * n / chunks) for i = 1..chunks
// (parts may be empty when n < chunks). A busy answer (below) and a network error do not
// trickle. A client that reads the whole body waits for the last part.
//
// Load (only with `cap`): requests with the same `cap` and `seed` are served by one server.
// When a request arrives, its `load` is the number of that server's requests in flight, itself
// included. A request leaves when its answer's last part is due, even if its client aborted it
// before:
// the server does not know (every host counts this way). Within capacity (load <= cap)
// nothing changes. Beyond it:
//   busy         = unit(seed, key, 0x42555359) < (load - cap) / (load + cap)
//   busy → HTTP 503 after `delay` ms (no jitter), text/plain body
//       "slow web: page <n> is busy: load <load> over capacity <cap> (seed <seed>)"
//   not busy → served as above, but the actual delay is floor(actual delay * load / cap):
//     the server shares its capacity among more requests
// Without `cap` the load is not counted and plays no part. Each host keeps its own count: the
// service worker, the virtual network (one per run) and `cargo xtask slow-web`.
//   failure with a status in 200..=599 → that status, text/plain body
//       "slow web: page <n> failed with <status> (seed <seed>)"   (empty for 204, 205, 304)
//   failure with `network`, or with a status in 100..=199 (a service worker cannot synthesize an
//     informational response) → a network error after the delay
//   success → 200, the HTML document (one line)
//       <!doctype html><html><head><meta charset="utf-8"><title>Page n</title></head><body>
//       <h1>Page n</h1><p>FILLER</p></body></html>
//     whose byte length is exactly `size` when size >= the skeleton's length (FILLER empty),
//     else just the skeleton. FILLER = WORDS[floor(unit(seed, n, k) * WORDS.len())] for
//     k = 2, 3, 4, … joined by single spaces and cut to the exact length needed (all ASCII).

use std::fmt;

/// The path segment that introduces a page number: `api/page/<n>`.
pub const PATH_PREFIX: &str = "api/page/";

/// Largest page number.
pub const MAX_PAGE: u32 = 1_000_000;
/// Largest base delay, in milliseconds.
pub const MAX_DELAY_MS: u32 = 60_000;
/// Largest jitter, in milliseconds.
pub const MAX_JITTER_MS: u32 = 60_000;
/// Largest failure probability, in percent.
pub const MAX_FAIL_PERCENT: u32 = 100;
/// Smallest status a failure may carry.
pub const MIN_STATUS: u16 = 100;
/// Largest status a failure may carry.
pub const MAX_STATUS: u16 = 599;
/// Largest page size, in bytes.
pub const MAX_SIZE: u32 = 1_000_000;

/// Default base delay, in milliseconds.
pub const DEFAULT_DELAY_MS: u32 = 0;
/// Default jitter, in milliseconds.
pub const DEFAULT_JITTER_MS: u32 = 0;
/// Default failure probability, in percent.
pub const DEFAULT_FAIL_PERCENT: u32 = 0;
/// Default failure status.
pub const DEFAULT_STATUS: u16 = 500;
/// Default page size, in bytes.
pub const DEFAULT_SIZE: u32 = 2048;
/// Default PRNG seed.
pub const DEFAULT_SEED: u32 = 0;
/// Largest capacity a server may be given.
pub const MAX_CAPACITY: u32 = 10_000;
/// Largest attempt number.
pub const MAX_ATTEMPT: u32 = 1000;
/// How far apart the draws of two attempts of a page are: the key of attempt `a` of page `n`
/// is `n + ATTEMPT_STRIDE * a`.
pub const ATTEMPT_STRIDE: u32 = 1 << 20;
/// HTTP status of a busy answer.
pub const BUSY_STATUS: u16 = 503;
/// Most parts a body may trickle in.
pub const MAX_CHUNKS: u32 = 1000;
/// Longest wait between two parts of a body, in milliseconds.
pub const MAX_EVERY_MS: u32 = 60_000;

/// PRNG stream of the jitter draw.
pub const STREAM_DELAY: u32 = 0;
/// PRNG stream of the failure draw.
pub const STREAM_FAIL: u32 = 1;
/// First PRNG stream of the filler words (then 3, 4, …).
pub const STREAM_FILLER: u32 = 2;
/// PRNG stream of the busy draw ("BUSY" in ASCII: far from the filler streams).
pub const STREAM_BUSY: u32 = 0x4255_5359;

/// Filler vocabulary. Its order is part of the cross-language contract with `www/slow-web.js`.
pub const WORDS: [&str; 32] = [
    "async", "await", "future", "poll", "ready", "pending", "waker", "wake", "task", "spawn",
    "join", "select", "yield", "resume", "send", "loop", "event", "timer", "sleep", "socket",
    "fetch", "stream", "channel", "queue", "budget", "turn", "latency", "jitter", "page", "byte",
    "callback", "executor",
];

/// The 32-bit hash behind every random choice: MurmurHash3's finalizer over a keyed mix.
pub fn hash32(seed: u32, n: u32, stream: u32) -> u32 {
    let mut h = seed ^ n.wrapping_mul(0x9E37_79B9) ^ stream.wrapping_mul(0x85EB_CA6B);
    h ^= h >> 16;
    h = h.wrapping_mul(0x85EB_CA6B);
    h ^= h >> 13;
    h = h.wrapping_mul(0xC2B2_AE35);
    h ^= h >> 16;
    h
}

/// [`hash32`] as a float in `[0, 1)` (the hash divided by 2³²).
pub fn unit(seed: u32, n: u32, stream: u32) -> f64 {
    f64::from(hash32(seed, n, stream)) / 4_294_967_296.0
}

/// What a failing page turns into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailWith {
    /// An HTTP response with this status (100..=599; 100..=199 plan as network errors).
    Status(u16),
    /// A network error (`Response.error()`, a rejected `fetch`).
    Network,
}

impl Default for FailWith {
    fn default() -> Self {
        FailWith::Status(DEFAULT_STATUS)
    }
}

impl fmt::Display for FailWith {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailWith::Status(code) => write!(f, "{code}"),
            FailWith::Network => f.write_str("network"),
        }
    }
}

/// Why a slow-web URL was rejected. `Display` gives the same text as the service worker's 400 body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SlowWebError {
    /// The URL has no `api/page/` segment.
    NotPageUrl,
    /// The page number is missing, malformed or above [`MAX_PAGE`].
    Page,
    /// `delay` is malformed or above [`MAX_DELAY_MS`].
    Delay,
    /// `jitter` is malformed or above [`MAX_JITTER_MS`].
    Jitter,
    /// `fail` is malformed or above [`MAX_FAIL_PERCENT`].
    Fail,
    /// `status` is neither `network` nor an integer in [`MIN_STATUS`]..=[`MAX_STATUS`].
    Status,
    /// `size` is malformed or above [`MAX_SIZE`].
    Size,
    /// `seed` is malformed or does not fit in a `u32`.
    Seed,
    /// `cap` is malformed or outside 1..=[`MAX_CAPACITY`].
    Capacity,
    /// `attempt` is malformed or above [`MAX_ATTEMPT`].
    Attempt,
    /// `chunks` is malformed or outside 1..=[`MAX_CHUNKS`].
    Chunks,
    /// `every` is malformed or above [`MAX_EVERY_MS`].
    Every,
}

impl SlowWebError {
    /// The offending parameter's name as in the URL (`"url"` and `"page"` for the path).
    pub fn param(&self) -> &'static str {
        match self {
            SlowWebError::NotPageUrl => "url",
            SlowWebError::Page => "page",
            SlowWebError::Delay => "delay",
            SlowWebError::Jitter => "jitter",
            SlowWebError::Fail => "fail",
            SlowWebError::Status => "status",
            SlowWebError::Size => "size",
            SlowWebError::Seed => "seed",
            SlowWebError::Capacity => "cap",
            SlowWebError::Attempt => "attempt",
            SlowWebError::Chunks => "chunks",
            SlowWebError::Every => "every",
        }
    }

    /// The message, also the body of the service worker's HTTP 400 answer.
    pub fn message(&self) -> &'static str {
        match self {
            SlowWebError::NotPageUrl => "slow web: not a slow web URL (expected .../api/page/<n>)",
            SlowWebError::Page => "slow web: page number must be an integer in 0..=1000000",
            SlowWebError::Delay => "slow web: parameter \"delay\" must be an integer in 0..=60000",
            SlowWebError::Jitter => {
                "slow web: parameter \"jitter\" must be an integer in 0..=60000"
            }
            SlowWebError::Fail => "slow web: parameter \"fail\" must be an integer in 0..=100",
            SlowWebError::Status => {
                "slow web: parameter \"status\" must be an integer in 100..=599 or the word \"network\""
            }
            SlowWebError::Size => "slow web: parameter \"size\" must be an integer in 0..=1000000",
            SlowWebError::Seed => {
                "slow web: parameter \"seed\" must be an integer in 0..=4294967295"
            }
            SlowWebError::Capacity => "slow web: parameter \"cap\" must be an integer in 1..=10000",
            SlowWebError::Attempt => {
                "slow web: parameter \"attempt\" must be an integer in 0..=1000"
            }
            SlowWebError::Chunks => "slow web: parameter \"chunks\" must be an integer in 1..=1000",
            SlowWebError::Every => "slow web: parameter \"every\" must be an integer in 0..=60000",
        }
    }
}

impl fmt::Display for SlowWebError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for SlowWebError {}

/// One slow-web request: which page, and how slow or broken its answer is.
///
/// The setters clamp to the allowed ranges, so a request built with them always round-trips
/// through [`PageRequest::to_url`] and [`PageRequest::parse`].
///
/// ```
/// use slow_web::{FailWith, PageRequest, PageResult};
///
/// let request = PageRequest::new(3).delay(1000).jitter(200).size(512).seed(7);
/// assert_eq!(request.to_url(), "api/page/3?delay=1000&jitter=200&size=512&seed=7");
/// assert_eq!(PageRequest::parse("/course/api/page/3?delay=1000&jitter=200&size=512&seed=7"), Ok(request));
///
/// let outcome = request.plan();
/// assert!((1000..=1200).contains(&outcome.delay_ms));
/// match outcome.result {
///     PageResult::Ok { body } => assert_eq!(body.len(), 512),
///     other => panic!("fail is 0, so every page succeeds: {other:?}"),
/// }
///
/// let broken = PageRequest::new(3).fail(100).fail_with(FailWith::Network);
/// assert_eq!(broken.plan().result, PageResult::NetworkError);
/// assert!(PageRequest::parse("api/page/3?delay=-1").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageRequest {
    /// Page number, 0..=[`MAX_PAGE`].
    pub page: u32,
    /// Base delay in milliseconds, 0..=[`MAX_DELAY_MS`].
    pub delay_ms: u32,
    /// Extra random delay in milliseconds, 0..=[`MAX_JITTER_MS`] (the actual extra is 0..=jitter).
    pub jitter_ms: u32,
    /// Failure probability in percent, 0..=[`MAX_FAIL_PERCENT`].
    pub fail_percent: u32,
    /// What a failure looks like.
    pub fail_with: FailWith,
    /// Byte length of a successful page, 0..=[`MAX_SIZE`] (at least the HTML skeleton).
    pub size: u32,
    /// PRNG seed.
    pub seed: u32,
    /// The server's capacity, 1..=[`MAX_CAPACITY`]; `None` for no limit.
    pub capacity: Option<u32>,
    /// Which try this is, 0..=[`MAX_ATTEMPT`]: each attempt has its own jitter and failure draws.
    pub attempt: u32,
    /// How many parts the body trickles in, 1..=[`MAX_CHUNKS`].
    pub chunks: u32,
    /// Milliseconds between two parts of the body, 0..=[`MAX_EVERY_MS`].
    pub every_ms: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            page: 0,
            delay_ms: DEFAULT_DELAY_MS,
            jitter_ms: DEFAULT_JITTER_MS,
            fail_percent: DEFAULT_FAIL_PERCENT,
            fail_with: FailWith::default(),
            size: DEFAULT_SIZE,
            seed: DEFAULT_SEED,
            capacity: None,
            attempt: 0,
            chunks: 1,
            every_ms: 0,
        }
    }
}

/// Parses one or more ASCII digits within `0..=max`.
fn parse_integer(text: &str, max: u64) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Too many digits overflow u64 and are out of range anyway.
    text.parse::<u64>().ok().filter(|&value| value <= max)
}

impl PageRequest {
    /// A request for page `page` (clamped to [`MAX_PAGE`]) with every parameter at its default.
    pub fn new(page: u32) -> Self {
        PageRequest {
            page: page.min(MAX_PAGE),
            ..PageRequest::default()
        }
    }

    /// Sets the base delay in milliseconds (clamped to [`MAX_DELAY_MS`]).
    pub fn delay(mut self, ms: u32) -> Self {
        self.delay_ms = ms.min(MAX_DELAY_MS);
        self
    }

    /// Sets the jitter in milliseconds (clamped to [`MAX_JITTER_MS`]).
    pub fn jitter(mut self, ms: u32) -> Self {
        self.jitter_ms = ms.min(MAX_JITTER_MS);
        self
    }

    /// Sets the failure probability in percent (clamped to [`MAX_FAIL_PERCENT`]).
    pub fn fail(mut self, percent: u32) -> Self {
        self.fail_percent = percent.min(MAX_FAIL_PERCENT);
        self
    }

    /// Sets what a failure looks like (a status is clamped to [`MIN_STATUS`]..=[`MAX_STATUS`]).
    pub fn fail_with(mut self, fail_with: FailWith) -> Self {
        self.fail_with = match fail_with {
            FailWith::Status(code) => FailWith::Status(code.clamp(MIN_STATUS, MAX_STATUS)),
            FailWith::Network => FailWith::Network,
        };
        self
    }

    /// Sets the byte length of a successful page (clamped to [`MAX_SIZE`]).
    pub fn size(mut self, bytes: u32) -> Self {
        self.size = bytes.min(MAX_SIZE);
        self
    }

    /// Sets the PRNG seed.
    pub fn seed(mut self, seed: u32) -> Self {
        self.seed = seed;
        self
    }

    /// Sends the request to a server that serves `requests` at once at full speed (clamped to
    /// 1..=[`MAX_CAPACITY`]); see [`PageRequest::plan_at_load`].
    pub fn capacity(mut self, requests: u32) -> Self {
        self.capacity = Some(requests.clamp(1, MAX_CAPACITY));
        self
    }

    /// Sends the body in `chunks` parts (clamped to 1..=[`MAX_CHUNKS`]), one every `every_ms`
    /// milliseconds (clamped to [`MAX_EVERY_MS`]) after the first, which comes with the head.
    ///
    /// ```
    /// use slow_web::PageRequest;
    /// let request = PageRequest::new(1).delay(100).trickle(4, 50);
    /// assert_eq!(request.to_url(), "api/page/1?delay=100&chunks=4&every=50");
    /// let outcome = request.plan();
    /// assert_eq!((outcome.delay_ms, outcome.done_ms()), (100, 250));
    /// ```
    pub fn trickle(mut self, chunks: u32, every_ms: u32) -> Self {
        self.chunks = chunks.clamp(1, MAX_CHUNKS);
        self.every_ms = every_ms.min(MAX_EVERY_MS);
        self
    }

    /// Marks this as try number `attempt` (clamped to [`MAX_ATTEMPT`]; the first is 0), which
    /// gives it its own jitter, failure and busy draws.
    pub fn attempt(mut self, attempt: u32) -> Self {
        self.attempt = attempt.min(MAX_ATTEMPT);
        self
    }

    /// The relative URL (`api/page/3?delay=1000`), omitting parameters equal to their defaults.
    pub fn to_url(&self) -> String {
        let mut url = format!("{PATH_PREFIX}{}", self.page);
        let mut params: Vec<String> = Vec::new();
        if self.delay_ms != DEFAULT_DELAY_MS {
            params.push(format!("delay={}", self.delay_ms));
        }
        if self.jitter_ms != DEFAULT_JITTER_MS {
            params.push(format!("jitter={}", self.jitter_ms));
        }
        if self.fail_percent != DEFAULT_FAIL_PERCENT {
            params.push(format!("fail={}", self.fail_percent));
        }
        if self.fail_with != FailWith::default() {
            params.push(format!("status={}", self.fail_with));
        }
        if self.size != DEFAULT_SIZE {
            params.push(format!("size={}", self.size));
        }
        if self.seed != DEFAULT_SEED {
            params.push(format!("seed={}", self.seed));
        }
        if let Some(cap) = self.capacity {
            params.push(format!("cap={cap}"));
        }
        if self.attempt != 0 {
            params.push(format!("attempt={}", self.attempt));
        }
        if self.chunks != 1 {
            params.push(format!("chunks={}", self.chunks));
        }
        if self.every_ms != 0 {
            params.push(format!("every={}", self.every_ms));
        }
        if !params.is_empty() {
            url.push('?');
            url.push_str(&params.join("&"));
        }
        url
    }

    /// Parses a relative (`api/page/3?delay=100`) or absolute slow-web URL, by the rules in the
    /// module's header comment; the error's text is the service worker's 400 body.
    pub fn parse(url: &str) -> Result<PageRequest, SlowWebError> {
        let url = url.split('#').next().unwrap_or("");
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let at = path.rfind(PATH_PREFIX).ok_or(SlowWebError::NotPageUrl)?;
        let page = parse_integer(&path[at + PATH_PREFIX.len()..], u64::from(MAX_PAGE))
            .ok_or(SlowWebError::Page)?;

        let mut params: Vec<(&str, &str)> = Vec::new();
        for piece in query.split('&').filter(|piece| !piece.is_empty()) {
            let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
            if !params.iter().any(|(seen, _)| *seen == key) {
                params.push((key, value));
            }
        }
        let get = |name: &str| params.iter().find(|(key, _)| *key == name).map(|(_, v)| *v);
        let numeric = |name: &str, max: u32, default: u32, error: SlowWebError| match get(name) {
            None => Ok(default),
            Some(text) => parse_integer(text, u64::from(max))
                .map(|value| value as u32)
                .ok_or(error),
        };

        let delay_ms = numeric("delay", MAX_DELAY_MS, DEFAULT_DELAY_MS, SlowWebError::Delay)?;
        let jitter_ms = numeric(
            "jitter",
            MAX_JITTER_MS,
            DEFAULT_JITTER_MS,
            SlowWebError::Jitter,
        )?;
        let fail_percent = numeric(
            "fail",
            MAX_FAIL_PERCENT,
            DEFAULT_FAIL_PERCENT,
            SlowWebError::Fail,
        )?;
        let fail_with = match get("status") {
            None => FailWith::default(),
            Some("network") => FailWith::Network,
            Some(text) => match parse_integer(text, u64::from(MAX_STATUS)) {
                Some(code) if code >= u64::from(MIN_STATUS) => FailWith::Status(code as u16),
                _ => return Err(SlowWebError::Status),
            },
        };
        let size = numeric("size", MAX_SIZE, DEFAULT_SIZE, SlowWebError::Size)?;
        let seed = numeric("seed", u32::MAX, DEFAULT_SEED, SlowWebError::Seed)?;
        let capacity = match get("cap") {
            None => None,
            Some(text) => Some(
                parse_integer(text, u64::from(MAX_CAPACITY))
                    .filter(|&cap| cap >= 1)
                    .ok_or(SlowWebError::Capacity)? as u32,
            ),
        };
        let attempt = numeric("attempt", MAX_ATTEMPT, 0, SlowWebError::Attempt)?;
        let chunks = numeric("chunks", MAX_CHUNKS, 1, SlowWebError::Chunks)?;
        if chunks == 0 {
            return Err(SlowWebError::Chunks);
        }
        let every_ms = numeric("every", MAX_EVERY_MS, 0, SlowWebError::Every)?;

        Ok(PageRequest {
            page: page as u32,
            delay_ms,
            jitter_ms,
            fail_percent,
            fail_with,
            size,
            seed,
            capacity,
            attempt,
            chunks,
            every_ms,
        })
    }

    /// Checks every field against its allowed range (fields are public, so they may be off).
    pub fn validate(&self) -> Result<(), SlowWebError> {
        let status_ok = match self.fail_with {
            FailWith::Status(code) => (MIN_STATUS..=MAX_STATUS).contains(&code),
            FailWith::Network => true,
        };
        let checks = [
            (self.page <= MAX_PAGE, SlowWebError::Page),
            (self.delay_ms <= MAX_DELAY_MS, SlowWebError::Delay),
            (self.jitter_ms <= MAX_JITTER_MS, SlowWebError::Jitter),
            (self.fail_percent <= MAX_FAIL_PERCENT, SlowWebError::Fail),
            (status_ok, SlowWebError::Status),
            (self.size <= MAX_SIZE, SlowWebError::Size),
            (
                self.capacity
                    .is_none_or(|cap| (1..=MAX_CAPACITY).contains(&cap)),
                SlowWebError::Capacity,
            ),
            (self.attempt <= MAX_ATTEMPT, SlowWebError::Attempt),
            (
                (1..=MAX_CHUNKS).contains(&self.chunks),
                SlowWebError::Chunks,
            ),
            (self.every_ms <= MAX_EVERY_MS, SlowWebError::Every),
        ];
        match checks.iter().find(|(ok, _)| !ok) {
            Some((_, error)) => Err(*error),
            None => Ok(()),
        }
    }

    /// What happens to this request when nothing else is in flight on its server: the actual
    /// delay and the answer, exactly as the service worker would produce them.
    pub fn plan(&self) -> Outcome {
        self.plan_at_load(1)
    }

    /// What happens to this request when it arrives at a server with `load` requests in flight,
    /// itself included. Within the request's capacity (or without one) that is [`plan`]; beyond
    /// it the server answers 503 more often the more it is overloaded, and serves the rest
    /// more slowly.
    ///
    /// ```
    /// use slow_web::{PageRequest, PageResult};
    /// let request = PageRequest::new(1).delay(100).capacity(4);
    /// assert_eq!(request.plan_at_load(4), request.plan()); // within capacity
    /// // Twice the load: a third of the requests are turned away, the rest take twice as long.
    /// let answers: Vec<_> = (1..=300).map(|n| PageRequest::new(n).delay(100).capacity(4).plan_at_load(8)).collect();
    /// let busy = answers.iter().filter(|o| matches!(o.result, PageResult::Busy { .. })).count();
    /// assert!((80..=120).contains(&busy), "{busy} of 300 busy");
    /// assert!(answers.iter().all(|o| o.delay_ms == if o.status() == Some(503) { 100 } else { 200 }));
    /// ```
    ///
    /// [`plan`]: PageRequest::plan
    pub fn plan_at_load(&self, load: u32) -> Outcome {
        let key = self
            .page
            .wrapping_add(ATTEMPT_STRIDE.wrapping_mul(self.attempt));
        let jitter =
            (unit(self.seed, key, STREAM_DELAY) * (f64::from(self.jitter_ms) + 1.0)).floor() as u32;
        let mut delay_ms = self.delay_ms.saturating_add(jitter);
        if let Some(cap) = self.capacity.filter(|&cap| load > cap) {
            let over = f64::from(load - cap) / (f64::from(load) + f64::from(cap));
            if unit(self.seed, key, STREAM_BUSY) < over {
                return Outcome {
                    delay_ms: self.delay_ms,
                    result: PageResult::Busy {
                        load,
                        capacity: cap,
                    },
                    chunks: 1,
                    every_ms: 0,
                };
            }
            let slowed = u64::from(delay_ms) * u64::from(load) / u64::from(cap);
            delay_ms = u32::try_from(slowed).unwrap_or(u32::MAX);
        }
        let failed = unit(self.seed, key, STREAM_FAIL) * 100.0 < f64::from(self.fail_percent);
        let result = if !failed {
            PageResult::Ok {
                body: page_html(self.page, self.size, self.seed),
            }
        } else {
            match self.fail_with {
                FailWith::Status(code) if code >= 200 => PageResult::Status(code),
                FailWith::Status(_) | FailWith::Network => PageResult::NetworkError,
            }
        };
        let (chunks, every_ms) = match result {
            PageResult::NetworkError => (1, 0),
            _ => (self.chunks, self.every_ms),
        };
        Outcome {
            delay_ms,
            result,
            chunks,
            every_ms,
        }
    }

    /// The text/plain body of an answer that is not a page: a failure status's
    /// ([`failure_body`]) or a busy server's ([`busy_body`]); `None` for a page or a network
    /// error.
    pub fn error_body(&self, result: &PageResult) -> Option<String> {
        match *result {
            PageResult::Status(code) => Some(self.failure_body(code)),
            PageResult::Busy { load, capacity } => {
                Some(busy_body(self.page, load, capacity, self.seed))
            }
            PageResult::Ok { .. } | PageResult::NetworkError => None,
        }
    }

    /// The text/plain body the service worker sends with failure status `status` for this request.
    pub fn failure_body(&self, status: u16) -> String {
        failure_body(self.page, status, self.seed)
    }
}

/// What the slow web does with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// How long the answer takes, in milliseconds (delay plus this page's share of jitter).
    pub delay_ms: u32,
    /// The answer given after the delay.
    pub result: PageResult,
    /// How many parts the body comes in (1 for a busy answer or a network error).
    pub chunks: u32,
    /// Milliseconds between two parts.
    pub every_ms: u32,
}

impl Outcome {
    /// When the last part of the body is due, in milliseconds after the request: the delay
    /// plus `(chunks - 1) * every_ms`.
    pub fn done_ms(&self) -> u32 {
        let trickle = u64::from(self.chunks.saturating_sub(1)) * u64::from(self.every_ms);
        u32::try_from(u64::from(self.delay_ms) + trickle).unwrap_or(u32::MAX)
    }

    /// The HTTP status: 200 for a page, the failure status, or `None` for a network error.
    pub fn status(&self) -> Option<u16> {
        match self.result {
            PageResult::Ok { .. } => Some(200),
            PageResult::Status(code) => Some(code),
            PageResult::Busy { .. } => Some(BUSY_STATUS),
            PageResult::NetworkError => None,
        }
    }
}

/// The answer to a slow-web request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageResult {
    /// HTTP 200 with this HTML page (`text/html; charset=utf-8`).
    Ok {
        /// The page's HTML.
        body: String,
    },
    /// An HTTP error status; its text/plain body is [`failure_body`].
    Status(u16),
    /// HTTP 503 from an overloaded server; its text/plain body is [`busy_body`].
    Busy {
        /// Requests in flight on the server when this one arrived, itself included.
        load: u32,
        /// The server's capacity.
        capacity: u32,
    },
    /// A network error: the fetch rejects.
    NetworkError,
}

/// `body` cut into `chunks` parts, as the slow web trickles it: part `i` ends at byte
/// `floor((i + 1) * len / chunks)`.
///
/// ```
/// assert_eq!(slow_web::body_parts(b"abcdefghij", 3), [&b"abc"[..], b"def", b"ghij"]);
/// assert_eq!(slow_web::body_parts(b"ab", 3), [&b""[..], b"a", b"b"]);
/// ```
pub fn body_parts(body: &[u8], chunks: u32) -> Vec<&[u8]> {
    let n = body.len() as u64;
    let chunks = u64::from(chunks.max(1));
    let cut = |i: u64| (i * n / chunks) as usize;
    (0..chunks).map(|i| &body[cut(i)..cut(i + 1)]).collect()
}

/// Whether responses with this status carry no body (204, 205, 304).
pub fn is_null_body_status(status: u16) -> bool {
    matches!(status, 204 | 205 | 304)
}

/// The text/plain body of a failed page: `slow web: page <n> failed with <status> (seed <s>)`,
/// or empty for the null-body statuses 204, 205 and 304.
pub fn failure_body(page: u32, status: u16, seed: u32) -> String {
    if is_null_body_status(status) {
        return String::new();
    }
    format!("slow web: page {page} failed with {status} (seed {seed})")
}

/// The text/plain body of a busy server's 503:
/// `slow web: page <n> is busy: load <load> over capacity <cap> (seed <s>)`.
pub fn busy_body(page: u32, load: u32, capacity: u32, seed: u32) -> String {
    format!("slow web: page {page} is busy: load {load} over capacity {capacity} (seed {seed})")
}

/// The HTML of a successful page: exactly `size` bytes when `size` is at least the skeleton's
/// length, else the bare skeleton.
pub fn page_html(page: u32, size: u32, seed: u32) -> String {
    let head = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Page {page}</title></head><body><h1>Page {page}</h1><p>"
    );
    let tail = "</p></body></html>";
    let size = size as usize;
    let skeleton = head.len() + tail.len();
    let mut html = String::with_capacity(size.max(skeleton));
    html.push_str(&head);
    if size > skeleton {
        let need = size - skeleton;
        let mut filler = String::with_capacity(need + 16);
        let mut stream = STREAM_FILLER;
        while filler.len() < need {
            if !filler.is_empty() {
                filler.push(' ');
            }
            let index = (unit(seed, page, stream) * WORDS.len() as f64).floor() as usize;
            filler.push_str(WORDS[index]);
            stream = stream.wrapping_add(1);
        }
        filler.truncate(need);
        html.push_str(&filler);
    }
    html.push_str(tail);
    html
}

/// The load on each server of the slow web: requests in flight per capacity and seed. A host
/// that serves requests with a `cap` counts them here: [`Servers::arrive`] when one comes in
/// (its load is what [`PageRequest::plan_at_load`] needs), [`Servers::leave`] when its answer
/// is due (also if its client aborted it meanwhile).
///
/// ```
/// use slow_web::{PageRequest, Servers};
/// let mut servers = Servers::default();
/// let a = PageRequest::new(1).capacity(2);
/// let b = PageRequest::new(2).capacity(2);
/// assert_eq!(servers.arrive(&a), 1);
/// assert_eq!(servers.arrive(&b), 2);
/// servers.leave(&a);
/// assert_eq!(servers.arrive(&a), 2);
/// // Without a capacity there is no server to share: the load is always 1.
/// assert_eq!(servers.arrive(&PageRequest::new(3)), 1);
/// ```
#[derive(Debug, Default, Clone)]
pub struct Servers {
    in_flight: std::collections::HashMap<(u32, u32), u32>,
}

impl Servers {
    /// Counts `request` in and returns its load: the requests in flight on its server, itself
    /// included (1 for a request without a capacity, which is not counted).
    pub fn arrive(&mut self, request: &PageRequest) -> u32 {
        let Some(cap) = request.capacity else {
            return 1;
        };
        let count = self.in_flight.entry((cap, request.seed)).or_insert(0);
        *count = count.saturating_add(1);
        *count
    }

    /// Counts `request` out (its answer is due). Pair each call with one [`Servers::arrive`].
    pub fn leave(&mut self, request: &PageRequest) {
        let Some(cap) = request.capacity else {
            return;
        };
        let key = (cap, request.seed);
        if let Some(count) = self.in_flight.get_mut(&key) {
            *count -= 1;
            if *count == 0 {
                self.in_flight.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_known_values() {
        // fmix32(0) == 0, and the finalizer is a bijection, so distinct inputs differ.
        assert_eq!(hash32(0, 0, 0), 0);
        assert_ne!(hash32(0, 1, 0), hash32(0, 0, 1));
        assert!(unit(u32::MAX, u32::MAX, u32::MAX) < 1.0);
    }

    #[test]
    fn parse_errors_name_the_parameter_and_range() {
        let cases = [
            ("index.html", SlowWebError::NotPageUrl),
            ("api/page/", SlowWebError::Page),
            ("api/page/x", SlowWebError::Page),
            ("api/page/-1", SlowWebError::Page),
            ("api/page/1000001", SlowWebError::Page),
            ("api/page/3/", SlowWebError::Page),
            ("api/page/3?delay=", SlowWebError::Delay),
            ("api/page/3?delay=60001", SlowWebError::Delay),
            ("api/page/3?delay=+5", SlowWebError::Delay),
            ("api/page/3?delay=1.5", SlowWebError::Delay),
            ("api/page/3?jitter=abc", SlowWebError::Jitter),
            ("api/page/3?fail=101", SlowWebError::Fail),
            ("api/page/3?status=99", SlowWebError::Status),
            ("api/page/3?status=600", SlowWebError::Status),
            ("api/page/3?status=Network", SlowWebError::Status),
            ("api/page/3?size=1000001", SlowWebError::Size),
            ("api/page/3?seed=4294967296", SlowWebError::Seed),
            (
                "api/page/3?seed=99999999999999999999999",
                SlowWebError::Seed,
            ),
            // The first failing check in the fixed order wins, whatever the URL's order.
            ("api/page/3?seed=x&delay=x", SlowWebError::Delay),
        ];
        for (url, expected) in cases {
            assert_eq!(PageRequest::parse(url), Err(expected), "{url}");
        }
        let message = SlowWebError::Jitter.to_string();
        assert!(message.contains("\"jitter\"") && message.contains("0..=60000"));
        assert_eq!(SlowWebError::Status.param(), "status");
    }

    #[test]
    fn parse_accepts_limits_absolute_urls_and_ignores_the_rest() {
        let r = PageRequest::parse(
            "https://example.org/book/api/page/1000000?delay=60000&jitter=60000&fail=100&status=599&size=1000000&seed=4294967295&_=123#top",
        )
        .unwrap();
        assert_eq!(
            r,
            PageRequest::new(MAX_PAGE)
                .delay(MAX_DELAY_MS)
                .jitter(MAX_JITTER_MS)
                .fail(100)
                .fail_with(FailWith::Status(599))
                .size(MAX_SIZE)
                .seed(u32::MAX)
        );
        assert_eq!(PageRequest::parse("api/page/0"), Ok(PageRequest::default()));
        assert_eq!(
            PageRequest::parse("api/page/007?&&delay=05&delay=9")
                .unwrap()
                .delay_ms,
            5
        );
        assert_eq!(
            PageRequest::parse("/a/api/page/1/api/page/2").unwrap().page,
            2,
            "the last api/page/ wins"
        );
        assert_eq!(
            PageRequest::parse("api/page/2?status=network")
                .unwrap()
                .fail_with,
            FailWith::Network
        );
    }

    #[test]
    fn url_round_trip() {
        let requests = [
            PageRequest::new(0),
            PageRequest::new(3).delay(1000),
            PageRequest::new(42)
                .jitter(17)
                .fail(30)
                .fail_with(FailWith::Network),
            PageRequest::new(9)
                .fail(5)
                .fail_with(FailWith::Status(503))
                .size(0)
                .seed(1),
            PageRequest::new(MAX_PAGE).size(MAX_SIZE).seed(u32::MAX),
        ];
        for request in requests {
            assert_eq!(PageRequest::parse(&request.to_url()), Ok(request));
        }
        assert_eq!(PageRequest::new(3).to_url(), "api/page/3");
        assert_eq!(
            PageRequest::new(3).delay(1000).to_url(),
            "api/page/3?delay=1000"
        );
        assert_eq!(
            PageRequest::new(1).fail_with(FailWith::Network).to_url(),
            "api/page/1?status=network"
        );
    }

    #[test]
    fn setters_clamp() {
        let r = PageRequest::new(u32::MAX)
            .delay(u32::MAX)
            .jitter(u32::MAX)
            .fail(1000)
            .fail_with(FailWith::Status(42))
            .size(u32::MAX);
        assert_eq!(r.validate(), Ok(()));
        assert_eq!(r.fail_with, FailWith::Status(MIN_STATUS));
        let off = PageRequest {
            size: MAX_SIZE + 1,
            ..PageRequest::default()
        };
        assert_eq!(off.validate(), Err(SlowWebError::Size));
    }

    #[test]
    fn plans_are_deterministic() {
        for page in 0..50 {
            let r = PageRequest::new(page)
                .jitter(500)
                .fail(40)
                .size(300)
                .seed(99);
            // The same request built again, and read back from its URL, draws the same plan.
            let again = PageRequest::new(page)
                .jitter(500)
                .fail(40)
                .size(300)
                .seed(99);
            assert_eq!(r.plan(), again.plan());
            assert_eq!(r.plan(), PageRequest::parse(&r.to_url()).unwrap().plan());
        }
        let a = PageRequest::new(5).jitter(1000).seed(1).plan().delay_ms;
        let b = PageRequest::new(5).jitter(1000).seed(2).plan().delay_ms;
        let c = PageRequest::new(6).jitter(1000).seed(1).plan().delay_ms;
        assert!(a != b || a != c, "seed and page both change the draw");
    }

    #[test]
    fn jitter_stays_in_bounds_and_spreads() {
        let (mut min, mut max) = (u32::MAX, 0);
        for page in 0..2000 {
            let d = PageRequest::new(page)
                .delay(100)
                .jitter(50)
                .seed(3)
                .plan()
                .delay_ms;
            assert!((100..=150).contains(&d), "page {page}: {d}");
            min = min.min(d);
            max = max.max(d);
        }
        assert_eq!((min, max), (100, 150), "both ends are reachable");
        for page in 0..100 {
            assert_eq!(PageRequest::new(page).delay(70).plan().delay_ms, 70);
        }
    }

    #[test]
    fn failure_rate_roughly_matches() {
        for (percent, seed) in [(0, 0), (10, 1), (25, 2), (50, 3), (90, 4), (100, 5)] {
            let failures = (0..1000)
                .filter(|&page| {
                    PageRequest::new(page)
                        .fail(percent)
                        .seed(seed)
                        .plan()
                        .result
                        != PageResult::Ok {
                            body: page_html(page, DEFAULT_SIZE, seed),
                        }
                })
                .count() as i64;
            let expected = i64::from(percent) * 10;
            assert!(
                (failures - expected).abs() <= 50,
                "fail={percent}: {failures} of 1000"
            );
            if percent == 0 || percent == 100 {
                assert_eq!(failures, expected);
            }
        }
    }

    #[test]
    fn failures_take_the_requested_form() {
        let r = PageRequest::new(8)
            .fail(100)
            .fail_with(FailWith::Status(503))
            .seed(4);
        assert_eq!(r.plan().result, PageResult::Status(503));
        assert_eq!(r.plan().status(), Some(503));
        assert_eq!(
            r.failure_body(503),
            "slow web: page 8 failed with 503 (seed 4)"
        );
        assert_eq!(failure_body(8, 204, 4), "");
        let info = r.fail_with(FailWith::Status(102));
        assert_eq!(info.plan().result, PageResult::NetworkError);
        let net = r.fail_with(FailWith::Network);
        assert_eq!(net.plan().result, PageResult::NetworkError);
        assert_eq!(net.plan().status(), None);
    }

    #[test]
    fn page_bodies_have_the_exact_size() {
        let skeleton = page_html(12, 0, 0);
        assert_eq!(
            skeleton,
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>Page 12</title></head><body><h1>Page 12</h1><p></p></body></html>"
        );
        for size in [
            0,
            10,
            skeleton.len() as u32,
            skeleton.len() as u32 + 1,
            2048,
            65_537,
        ] {
            let body = page_html(12, size, 7);
            assert!(body.is_ascii());
            assert_eq!(
                body.len(),
                (size as usize).max(skeleton.len()),
                "size {size}"
            );
            assert!(body.starts_with("<!doctype html>") && body.ends_with("</p></body></html>"));
        }
        assert_eq!(page_html(1, MAX_SIZE, 9).len(), MAX_SIZE as usize);
        assert_ne!(page_html(1, 500, 9), page_html(1, 500, 10));
    }
}
