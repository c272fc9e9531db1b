//! Benchmarks of the executor against `wasm-bindgen-futures` and `gloo-timers`, run in a page.
//!
//! The browser entry point is `run_benchmarks(config)` (wasm32 only), called by
//! `tests/bench/bench.js`; `cargo xtask bench` builds, serves and runs it. The executor-neutral
//! pieces (a countdown latch, a one-slot handoff channel, statistics) are plain std and are
//! tested natively.

pub mod kit;

#[cfg(target_arch = "wasm32")]
mod browser;
