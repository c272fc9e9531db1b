//! A panic in the page's own code: said in the console and on the page before the wasm stops.
//!
//! The release build aborts on a panic (`panic = "abort"`), so the page's program is gone
//! afterwards. Yew's own hook (`console_error_panic_hook`) only writes to the console: the
//! reader would see a page that no longer answers. This one keeps that console message (with
//! its stack) and says it on the page too. (Snippets run in the runner worker, which has its
//! own hook; this one is for the page.)

use crate::i18n::Lang;

/// Installs the hook, in place of the one yew would install when the app renders.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let message = info
            .payload_as_str()
            .unwrap_or("(a panic without a message)");
        show(&Lang::current().page_stopped(message));
    }));
}

/// Puts `text` at the top of the page, as an alert.
fn show(text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let (Some(body), Ok(note)) = (document.body(), document.create_element("div")) else {
        return;
    };
    note.set_class_name("page-stopped");
    let _ = note.set_attribute("role", "alert");
    note.set_text_content(Some(text));
    let _ = body.prepend_with_node_1(&note);
}

#[cfg(test)]
mod tests {
    use crate::i18n::Lang;

    #[test]
    fn the_stopped_page_says_what_happened_and_what_to_do_in_each_language() {
        let en = Lang::En.page_stopped("index out of bounds");
        assert_eq!(
            en,
            "This page hit a bug and stopped: index out of bounds. Reload it to go on; your progress is kept."
        );
        let zh = Lang::Zh.page_stopped("index out of bounds");
        assert!(
            zh.contains("index out of bounds") && zh.contains("重新加载"),
            "{zh}"
        );
    }
}
