//! What a card asks of the browser beyond its own elements: the clipboard.

use wasm_bindgen::JsCast;

/// Puts `text` on the clipboard, if the browser lets the page do so.
pub fn copy_to_clipboard(text: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let clipboard = js_sys::Reflect::get(&window.navigator(), &"clipboard".into()).ok();
    let write = clipboard.as_ref().and_then(|c| {
        js_sys::Reflect::get(c, &"writeText".into())
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()
    });
    if let (Some(c), Some(write)) = (clipboard, write) {
        // Refused (a frame without clipboard access, no focus): nothing to copy to, no error.
        if let Ok(promise) = write.call1(&c, &text.into())
            && let Ok(promise) = promise.dyn_into::<js_sys::Promise>()
        {
            wasm_bindgen_futures::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
            });
        }
    }
}
