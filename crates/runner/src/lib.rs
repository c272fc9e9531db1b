//! The runner: every lesson snippet compiled against the [`tutor`] API, and the code that runs
//! them.
//!
//! The build script compiles each snippet file of `lessons/` into [`registry`];
//! [`run::run_virtual`] runs one on the virtual host, and (on wasm32) [`worker`] runs them on
//! the browser host in the runner worker, with [`web_pool`] as the worker threads of
//! [`tutor::threads`].

#![deny(missing_docs)]

/// This program's wasm-bindgen script, as the site serves it: the full runner's, or the first
/// part's (`first-part`). A worker it starts (`web_pool`) boots from the same one.
pub const GLUE: &str = if cfg!(feature = "first-part") {
    "runner-first.js"
} else {
    "runner.js"
};

pub mod registry;
pub mod run;
#[cfg(target_arch = "wasm32")]
pub mod web_pool;
#[cfg(target_arch = "wasm32")]
pub mod worker;
