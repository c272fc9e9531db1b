//! The runner: every lesson snippet compiled against the [`tutor`] API, and the code that runs
//! them.
//!
//! The build script compiles each snippet file of `lessons/` into [`registry`];
//! [`run::run_virtual`] runs one on the virtual host, and (on wasm32) [`worker`] runs them on
//! the browser host in the runner worker, with [`web_pool`] as the worker threads of
//! [`tutor::threads`].

#![deny(missing_docs)]

pub mod registry;
pub mod run;
#[cfg(target_arch = "wasm32")]
pub mod web_pool;
#[cfg(target_arch = "wasm32")]
pub mod worker;
