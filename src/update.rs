//! New builds, under the path the components use: the code is in `src/runner/sw/update.rs`.

pub use crate::runner::sw::update::{apply, use_update_ready};
