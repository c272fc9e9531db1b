//! What the integration tests share: an executor on a fresh virtual host.

use executor::{Executor, VirtualHost};

/// A new executor on a fresh [`VirtualHost`] (its clock at zero, jumping to each deadline),
/// made the thread's current executor: the set-up nearly every test starts with.
pub fn virtual_executor() -> Executor {
    Executor::new(VirtualHost::new())
}
