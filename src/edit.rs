//! The card's code editor (editor/src/editor.js), loaded on the first Edit: it also asks the
//! compile service of `cargo xtask serve` for a runner built from the edit.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::runner::js_error_text;

#[wasm_bindgen(module = "/www/page-imports.js")]
extern "C" {
    #[wasm_bindgen(js_name = loadEditor)]
    fn load_editor() -> js_sys::Promise;
}

#[wasm_bindgen]
extern "C" {
    /// The editor's module.
    #[derive(Clone)]
    pub type EditorModule;

    /// Mounts an editor in `host` (see `mount` in editor/src/editor.js for the options).
    #[wasm_bindgen(method)]
    pub fn mount(this: &EditorModule, host: &web_sys::HtmlElement, options: &JsValue) -> Editor;

    /// One mounted editor.
    #[derive(Clone)]
    pub type Editor;

    /// The text differs from the original.
    #[wasm_bindgen(method)]
    pub fn edited(this: &Editor) -> bool;
    /// The file to compile.
    #[wasm_bindgen(method)]
    pub fn file(this: &Editor) -> String;
    /// A promise of the runner built from the text (`{glue, wasm}`), or of null when there is
    /// none (the editor says why).
    #[wasm_bindgen(method)]
    fn prepare(this: &Editor, lesson: &str, snippet: &str) -> js_sys::Promise;
    /// Highlights a file line (a `tutor::state!` mark), or none.
    #[wasm_bindgen(method)]
    pub fn step(this: &Editor, line: Option<u32>);
    /// Opens the edit in a share link's code (undoable), or says the code is damaged.
    #[wasm_bindgen(method, js_name = openShared)]
    pub fn open_shared(this: &Editor, code: &str);
    /// New labels (the page's language changed).
    #[wasm_bindgen(method)]
    pub fn relabel(this: &Editor, labels: &JsValue);
    #[wasm_bindgen(method)]
    pub fn destroy(this: &Editor);
}

/// Loads the editor's module (once; a failed load is tried again on the next call).
pub async fn load() -> Result<EditorModule, String> {
    JsFuture::from(load_editor())
        .await
        .map(JsCast::unchecked_into)
        .map_err(|e| js_error_text(&e))
}

impl Editor {
    /// The runner built from the text: its wasm-bindgen script and wasm, relative to the site.
    /// None when there is none: a compile error, no compile service, a failure, or a newer
    /// build (the editor shows which).
    pub async fn build(&self, lesson: &str, snippet: &str) -> Option<(String, String)> {
        let built = JsFuture::from(self.prepare(lesson, snippet)).await.ok()?;
        let get = |name: &str| js_sys::Reflect::get(&built, &name.into()).ok()?.as_string();
        Some((get("glue")?, get("wasm")?))
    }
}
