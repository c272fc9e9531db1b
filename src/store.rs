//! What the site remembers between visits, in `localStorage` under `async-tutor.*` keys.
//!
//! Storage can be missing or refuse writes (private windows, quotas); then nothing is
//! remembered and nothing fails.

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The `localStorage` key of `key` (for JavaScript that reads and writes it itself).
pub fn full(key: &str) -> String {
    format!("async-tutor.{key}")
}

/// The value stored under `key`.
pub fn get(key: &str) -> Option<String> {
    storage()?.get_item(&full(key)).ok().flatten()
}

/// Stores `value` under `key`.
pub fn set(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(&full(key), value);
    }
}

/// Forgets `key`.
pub fn remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&full(key));
    }
}
