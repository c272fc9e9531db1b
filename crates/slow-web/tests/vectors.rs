//! The Rust slow web against the cross-language vectors generated from `www/slow-web.js`
//! (also asserted by `tests/e2e/slow-web.test.mjs`).

use serde_json::Value;
use slow_web::{PageRequest, PageResult, body_parts, busy_body, failure_body};

const VECTORS: &str = include_str!("../../../tests/slow-web-vectors.json");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).expect("tests/slow-web-vectors.json is valid JSON")
}

/// FNV-1a, 32 bits, over the bytes, as 8 lowercase hex digits (as in the Node test).
fn fnv1a32(bytes: &[u8]) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for &byte in bytes {
        h ^= u32::from(byte);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{h:08x}")
}

fn busy_body_of(request: &PageRequest, result: &PageResult) -> String {
    request
        .error_body(result)
        .expect("a busy answer has a body")
}

fn first_chars(text: &str, n: usize) -> String {
    text.chars().take(n).collect()
}

fn last_chars(text: &str, n: usize) -> String {
    let count = text.chars().count();
    text.chars().skip(count.saturating_sub(n)).collect()
}

#[test]
fn every_case_plans_to_the_recorded_outcome() {
    let vectors = vectors();
    let cases = vectors["cases"].as_array().expect("cases");
    assert!(cases.len() >= 12);
    for case in cases {
        let url = case["url"].as_str().unwrap();
        let expected = &case["expected"];
        let request = PageRequest::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(
            request.to_url(),
            case["canonical"].as_str().unwrap(),
            "{url}"
        );

        let load = case["load"].as_u64().map_or(1, |l| l as u32);
        let outcome = request.plan_at_load(load);
        let (kind, status, body) = match &outcome.result {
            PageResult::Ok { body } => ("ok", 200, body.clone()),
            PageResult::Status(code) => ("status", *code, request.failure_body(*code)),
            PageResult::Busy { .. } => ("busy", 503, busy_body_of(&request, &outcome.result)),
            PageResult::NetworkError => ("network", 0, String::new()),
        };
        assert_eq!(
            u64::from(outcome.delay_ms),
            expected["delayMs"].as_u64().unwrap(),
            "{url}: delay"
        );
        assert_eq!(kind, expected["kind"].as_str().unwrap(), "{url}: kind");
        assert_eq!(
            u64::from(status),
            expected["status"].as_u64().unwrap(),
            "{url}: status"
        );
        assert_eq!(
            body.len() as u64,
            expected["bodyLength"].as_u64().unwrap(),
            "{url}: length"
        );
        assert_eq!(
            fnv1a32(body.as_bytes()),
            expected["bodyFnv1a32"].as_str().unwrap(),
            "{url}: body hash"
        );
        assert_eq!(
            first_chars(&body, 40),
            expected["bodyStart"].as_str().unwrap(),
            "{url}"
        );
        assert_eq!(
            last_chars(&body, 40),
            expected["bodyEnd"].as_str().unwrap(),
            "{url}"
        );
        assert_eq!(outcome.status(), (kind != "network").then_some(status));
        assert_eq!(
            u64::from(outcome.done_ms()),
            expected["doneMs"].as_u64().unwrap(),
            "{url}: done"
        );
        let parts: Vec<u64> = body_parts(body.as_bytes(), outcome.chunks)
            .iter()
            .map(|p| p.len() as u64)
            .collect();
        let expected_parts: Vec<u64> = expected["partLengths"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert_eq!(parts, expected_parts, "{url}: parts");
    }
}

#[test]
fn every_error_case_gives_the_recorded_message() {
    let vectors = vectors();
    for case in vectors["errors"].as_array().expect("errors") {
        let url = case["url"].as_str().unwrap();
        let error = PageRequest::parse(url).expect_err(url);
        assert_eq!(error.param(), case["param"].as_str().unwrap(), "{url}");
        assert_eq!(
            error.to_string(),
            case["message"].as_str().unwrap(),
            "{url}"
        );
    }
}

#[test]
fn failure_bodies_match_the_service_worker_text() {
    assert_eq!(
        failure_body(5, 503, 9),
        "slow web: page 5 failed with 503 (seed 9)"
    );
    assert_eq!(
        busy_body(5, 12, 4, 9),
        "slow web: page 5 is busy: load 12 over capacity 4 (seed 9)"
    );
}

#[test]
fn the_vectors_cover_a_busy_server_and_a_slowed_one() {
    let vectors = vectors();
    let loaded: Vec<_> = vectors["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["load"].is_u64())
        .map(|c| c["expected"]["kind"].as_str().unwrap())
        .collect();
    assert!(
        loaded.contains(&"busy") && loaded.contains(&"ok"),
        "{loaded:?}"
    );
}
