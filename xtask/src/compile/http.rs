//! The compile service over HTTP, on 127.0.0.1 only, for the page that `cargo xtask serve` serves
//! (trunk proxies `/compile/` to it, so the page talks to its own origin).
//!
//! - `POST /compile/build` with `{"lesson", "snippet", "source"}`: builds, then answers
//!   `{"ok": true, "id", "glue", "wasm", "warnings", "elapsedMs"}` or `{"ok": false, "kind":
//!   "errors" | "superseded" | "timedOut" | "refused" | "failed", "message", "diagnostics"}`.
//! - `GET /compile/hello`: `{"ok": true}`, so the page knows the service is there.
//! - `GET /compile/out/<id>/runner.js` and `runner_bg.wasm`: a build's module.
//!
//! `POST` and `hello` need the token made when the service started (the page has it from a
//! `<meta name="async-tutor-compile">` tag written into the served HTML) in `X-Compile-Token`,
//! and an `Origin`, when there is one, of the served site itself; bodies over
//! [`MAX_BODY`] are refused. Module files are not secret (they are the reader's own build).

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::diagnostics::Diagnostic;
use super::{Failure, Service};

/// The largest request body taken (a snippet is a few KB).
pub const MAX_BODY: usize = 256 * 1024;
const HEAD_LIMIT: usize = 16 * 1024;
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Who may ask for builds.
#[derive(Clone, Debug)]
pub struct Access {
    /// Must come in `X-Compile-Token`.
    pub token: String,
    /// The served site's origins (`http://127.0.0.1:8080`, `http://localhost:8080`).
    pub origins: Vec<String>,
}

impl Access {
    /// A fresh random token for a site served on `port` of this machine.
    pub fn for_site_port(port: u16) -> Access {
        Access {
            token: random_token(),
            origins: vec![
                format!("http://127.0.0.1:{port}"),
                format!("http://localhost:{port}"),
            ],
        }
    }
}

/// 128 random bits as hex, from std's randomly keyed hashers (no RNG crate needed).
fn random_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    (0..2)
        .map(|i| {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(i);
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
            );
            format!("{:016x}", h.finish())
        })
        .collect()
}

/// Listens on 127.0.0.1:`port` (0: any free port); returns the port and serves on a thread.
pub fn start(service: Arc<Service>, access: Access, port: u16) -> io::Result<u16> {
    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))?;
    let port = listener.local_addr()?.port();
    let access = Arc::new(access);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (service, access) = (service.clone(), access.clone());
            std::thread::spawn(move || serve(stream, &service, &access));
        }
    });
    Ok(port)
}

struct Request {
    method: String,
    path: String,
    origin: Option<String>,
    token: Option<String>,
    body: Vec<u8>,
}

fn serve(mut stream: TcpStream, service: &Service, access: &Access) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let (status, kind, body) = match read_request(&mut stream) {
        Ok(request) => answer(&request, service, access),
        Err((status, message)) => refused(status, message),
    };
    let head = format!(
        "HTTP/1.1 {status} {}\r\ncontent-type: {kind}\r\ncontent-length: {}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n",
        reason(status),
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
}

type Answer = (u16, &'static str, Vec<u8>);

fn answer(request: &Request, service: &Service, access: &Access) -> Answer {
    let path = request.path.split('?').next().unwrap_or("");
    if request.method == "GET"
        && let Some(rest) = path.strip_prefix("/compile/out/")
    {
        return module_file(service, rest);
    }
    if request
        .origin
        .as_ref()
        .is_some_and(|o| !access.origins.contains(o))
    {
        return refused(403, "this service answers only the page it serves".into());
    }
    if request.token.as_deref() != Some(access.token.as_str()) {
        return refused(
            403,
            "a compile request needs the token the served page has".into(),
        );
    }
    match (request.method.as_str(), path) {
        ("GET", "/compile/hello") => json_answer(200, &json!({ "ok": true })),
        ("POST", "/compile/build") => build(service, &request.body),
        _ => refused(404, format!("no {} {path} here", request.method)),
    }
}

fn build(service: &Service, body: &[u8]) -> Answer {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return refused(400, "the body is not JSON".into());
    };
    let field = |k: &str| v[k].as_str();
    let (Some(lesson), Some(snippet), Some(source)) =
        (field("lesson"), field("snippet"), field("source"))
    else {
        return refused(400, "give lesson, snippet and source, as strings".into());
    };
    let failed = |kind: &str, message: String, found: &[Diagnostic]| {
        json_answer(
            200,
            &json!({ "ok": false, "kind": kind, "message": message, "diagnostics": diagnostics(found) }),
        )
    };
    match service.compile(lesson, snippet, source) {
        Ok(built) => json_answer(
            200,
            &json!({
                "ok": true,
                "id": built.id,
                "glue": format!("compile/out/{}/runner.js", built.id),
                "wasm": format!("compile/out/{}/runner_bg.wasm", built.id),
                "warnings": diagnostics(&built.warnings),
                "elapsedMs": built.elapsed.as_millis() as u64,
            }),
        ),
        Err(Failure::Errors(found)) => {
            let errors = found.iter().filter(|d| d.level == "error").count();
            failed("errors", format!("{errors} error(s)"), &found)
        }
        Err(Failure::Superseded) => {
            failed("superseded", "a newer edit is being compiled".into(), &[])
        }
        Err(Failure::TimedOut) => failed(
            "timedOut",
            format!("the build took over {} s", super::TIME_LIMIT.as_secs()),
            &[],
        ),
        Err(Failure::Refused(message)) => failed("refused", message, &[]),
        Err(Failure::Other(message)) => failed("failed", message, &[]),
    }
}

fn diagnostics(found: &[Diagnostic]) -> Value {
    found
        .iter()
        .map(|d| {
            json!({
                "level": d.level,
                "code": d.code,
                "message": d.message,
                "rendered": d.rendered,
                "span": d.span.map(|s| json!({
                    "line": s.line, "column": s.column,
                    "endLine": s.end_line, "endColumn": s.end_column,
                })),
            })
        })
        .collect()
}

fn module_file(service: &Service, rest: &str) -> Answer {
    let mut parts = rest.split('/');
    let (Some(id), Some(name), None) = (parts.next(), parts.next(), parts.next()) else {
        return refused(404, "no such file".into());
    };
    let kind = match name {
        "runner.js" => "text/javascript",
        "runner_bg.wasm" => "application/wasm",
        _ => return refused(404, "no such file".into()),
    };
    let Ok(id) = id.parse::<u64>() else {
        return refused(404, "no such file".into());
    };
    match std::fs::read(service.module_dir(id).join(name)) {
        Ok(bytes) => (200, kind, bytes),
        Err(_) => refused(
            404,
            format!("build {id} has no {name} (a newer build replaced it)"),
        ),
    }
}

fn refused(status: u16, message: String) -> Answer {
    let kind = match status {
        403 => "refused",
        _ => "failed",
    };
    json_answer(
        status,
        &json!({ "ok": false, "kind": kind, "message": message }),
    )
}

fn json_answer(status: u16, v: &Value) -> Answer {
    (status, "application/json", v.to_string().into_bytes())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        413 => "Payload Too Large",
        _ => "Error",
    }
}

fn read_request(stream: &mut TcpStream) -> Result<Request, (u16, String)> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let (mut request, body_at, length) = loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Request::new(&mut headers);
        match parsed.parse(&buf) {
            Ok(httparse::Status::Complete(at)) => {
                let header = |name: &str| {
                    parsed
                        .headers
                        .iter()
                        .find(|h| h.name.eq_ignore_ascii_case(name))
                        .and_then(|h| std::str::from_utf8(h.value).ok())
                        .map(|v| v.trim().to_owned())
                };
                let length = match header("content-length") {
                    None => 0,
                    Some(v) => v
                        .parse::<usize>()
                        .map_err(|_| (400, "bad content-length".to_owned()))?,
                };
                if length > MAX_BODY {
                    return Err((413, format!("a body over {MAX_BODY} bytes")));
                }
                let request = Request {
                    method: parsed.method.unwrap_or("GET").to_owned(),
                    path: parsed.path.unwrap_or("/").to_owned(),
                    origin: header("origin"),
                    token: header("x-compile-token"),
                    body: Vec::new(),
                };
                break (request, at, length);
            }
            Ok(httparse::Status::Partial) if buf.len() <= HEAD_LIMIT => {}
            _ => return Err((400, "a bad request head".into())),
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Err((400, "the request ended early".into())),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let mut body = buf.split_off(body_at);
    while body.len() < length {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Err((400, "the body ended early".into())),
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    body.truncate(length);
    request.body = body;
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::path::PathBuf;

    /// A service over a one-snippet repository whose "cargo" prints `message` and fails.
    fn running(name: &str) -> (u16, Access, PathBuf) {
        let dir = std::env::temp_dir().join(format!("xtask-http-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let repo = dir.join("repo");
        fs::create_dir_all(repo.join("lessons/08-async-await")).unwrap();
        fs::write(
            repo.join("lessons/08-async-await/crawl.rs"),
            "fn main() {}\n",
        )
        .unwrap();
        let message = json!({
            "reason": "compiler-message",
            "message": { "level": "error", "code": { "code": "E0308" },
                "message": "mismatched types", "rendered": "error[E0308]: mismatched types",
                "spans": [{ "file_name": "lessons/08-async-await/crawl.rs", "is_primary": true,
                    "line_start": 2, "column_start": 3, "line_end": 2, "column_end": 9 }] }
        });
        let fake = dir.join("fake-cargo");
        fs::write(&fake, format!("#!/bin/sh\necho '{message}'\nexit 101\n")).unwrap();
        std::process::Command::new("chmod")
            .arg("+x")
            .arg(&fake)
            .status()
            .unwrap();
        let service = Service::new(&repo, &dir.join("state")).with_cargo(&fake);
        let access = Access::for_site_port(8080);
        let port = start(Arc::new(service), access.clone(), 0).unwrap();
        (port, access, dir)
    }

    fn ask(port: u16, request: &str) -> (u16, Value) {
        let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let status = answer[9..12].parse().unwrap();
        let body = answer.split_once("\r\n\r\n").unwrap().1;
        (status, serde_json::from_str(body).unwrap())
    }

    fn post(token: &str, origin: &str, body: &str) -> String {
        format!(
            "POST /compile/build HTTP/1.1\r\nhost: x\r\nx-compile-token: {token}\r\norigin: {origin}\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
    }

    #[test]
    fn a_request_with_the_token_from_the_site_gets_rustcs_errors_on_the_snippets_lines() {
        let (port, access, dir) = running("good");
        let body = r#"{"lesson":"08-async-await","snippet":"crawl","source":"fn main() { 1 }"}"#;
        let (status, v) = ask(port, &post(&access.token, "http://127.0.0.1:8080", body));
        assert_eq!(status, 200);
        assert_eq!(v["ok"], false);
        assert_eq!(v["kind"], "errors");
        assert_eq!(v["diagnostics"][0]["code"], "E0308");
        assert_eq!(v["diagnostics"][0]["span"]["line"], 2);
        let hello = format!(
            "GET /compile/hello HTTP/1.1\r\nx-compile-token: {}\r\n\r\n",
            access.token
        );
        assert_eq!(ask(port, &hello), (200, json!({ "ok": true })));
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn no_token_another_origin_or_a_huge_body_is_refused() {
        let (port, access, dir) = running("refused");
        let body = r#"{"lesson":"08-async-await","snippet":"crawl","source":""}"#;
        let (status, v) = ask(port, &post("wrong", "http://127.0.0.1:8080", body));
        assert_eq!((status, v["kind"].as_str()), (403, Some("refused")));
        let (status, _) = ask(port, &post(&access.token, "http://evil.example", body));
        assert_eq!(status, 403);
        let (status, _) = ask(port, &post(&access.token, "http://127.0.0.1:9999", body));
        assert_eq!(status, 403, "another port of this machine is another site");
        let huge = format!(
            "POST /compile/build HTTP/1.1\r\nx-compile-token: {}\r\ncontent-length: {}\r\n\r\n",
            access.token,
            MAX_BODY + 1
        );
        let (status, v) = ask(port, &huge);
        assert_eq!(status, 413, "{v}");
        let (status, v) = ask(port, &post(&access.token, "http://localhost:8080", "{}"));
        assert_eq!(
            (status, v["message"].as_str()),
            (400, Some("give lesson, snippet and source, as strings"))
        );
        let (status, _) = ask(port, "GET /compile/out/1/../../x HTTP/1.1\r\n\r\n");
        assert_eq!(status, 404);
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn tokens_differ_from_start_to_start() {
        assert_ne!(random_token(), random_token());
        assert_eq!(random_token().len(), 32);
    }
}
