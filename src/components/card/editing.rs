//! A card's code editor, loaded on the first Edit (editor/src/editor.js draws it and its
//! toolbar, and builds the edit with the compile service), and the card's start with an edit.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::content;
use crate::edit::{self, Editor};
use crate::i18n::Lang;
use crate::route;
use crate::runner::Program;

/// Where a snippet's edit is kept (the editor reads and writes it; see editor/src/editor.js).
fn storage_key(lesson: &str, snippet: &str) -> String {
    crate::store::full(&edit_key(lesson, snippet))
}

fn edit_key(lesson: &str, snippet: &str) -> String {
    format!("edit.{lesson}.{snippet}")
}

/// True when an edit of the snippet is kept: its card opens with the editor.
pub fn has_kept_edit(lesson: &str, snippet: &str) -> bool {
    crate::store::get(&edit_key(lesson, snippet)).is_some()
}

/// What a card gives its editor.
pub struct EditorSetup {
    pub lesson: &'static str,
    pub snippet: &'static str,
    pub lang: Lang,
    /// On the embed page: edits are not kept.
    pub embedded: bool,
    /// A share link's code to open once the editor is here.
    pub shared_code: Option<String>,
}

/// A card's editor: open from the start when an edit is kept or a share link brings one.
pub struct CardEditor {
    /// The editor is (to be) shown instead of the source box.
    pub open: UseStateHandle<bool>,
    /// The element it is drawn in (with its toolbar, by editor/src/editor.js).
    pub host: NodeRef,
    /// Once mounted.
    pub editor: Rc<RefCell<Option<Editor>>>,
    /// Loading, or why it could not be loaded; None once mounted.
    pub waiting: Option<String>,
    mounted: bool,
    /// The reader pressed Edit: the editor takes the focus once mounted.
    asked: Rc<RefCell<bool>>,
}

impl CardEditor {
    /// The Edit button's action: opens the editor, focused once it is here.
    pub fn opener(&self) -> Callback<()> {
        let (open, asked) = (self.open.clone(), self.asked.clone());
        Callback::from(move |()| {
            *asked.borrow_mut() = true;
            open.set(true);
        })
    }
}

/// Mounts the editor while the card has it open (loading its module on the first Edit).
#[hook]
pub fn use_card_editor(setup: EditorSetup) -> CardEditor {
    let EditorSetup {
        lesson,
        snippet,
        lang,
        embedded,
        shared_code,
    } = setup;
    let open = use_state(|| shared_code.is_some() || (!embedded && has_kept_edit(lesson, snippet)));
    let host = use_node_ref();
    let editor = use_mut_ref(|| None::<Editor>);
    let failed = use_state(|| None::<String>);
    let mounted = use_state(|| false);
    let asked = use_mut_ref(|| false);
    let pending = use_mut_ref(|| None::<String>);
    {
        let (host, editor, failed, mounted) = (
            host.clone(),
            editor.clone(),
            failed.clone(),
            mounted.clone(),
        );
        let asked = asked.clone();
        let close = open.clone();
        let pending = pending.clone();
        use_effect_with(*open, move |open| {
            let gone = Rc::new(Cell::new(false));
            // The editor calls it until it is destroyed, here or when the card goes.
            let on_close = Rc::new(RefCell::new(None::<Closure<dyn FnMut()>>));
            if *open {
                let (gone, editor, mounted) = (gone.clone(), editor.clone(), mounted.clone());
                let on_close = on_close.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let module = match edit::load().await {
                        Ok(module) => module,
                        Err(why) => return failed.set(Some(why)),
                    };
                    let (Some(text), Some(element), false) = (
                        content::shown(lesson, snippet),
                        host.cast::<web_sys::HtmlElement>(),
                        gone.get(),
                    ) else {
                        return;
                    };
                    let close = Closure::<dyn FnMut()>::new(move || close.set(false));
                    let options = MountOptions {
                        text,
                        at: (lesson, snippet),
                        embedded,
                        focus: asked.replace(false),
                        lang,
                    };
                    let mounted_now = module.mount(&element, &options.to_js(&close));
                    *on_close.borrow_mut() = Some(close);
                    if let Some(code) = pending.borrow_mut().take() {
                        mounted_now.open_shared(&code);
                    }
                    *editor.borrow_mut() = Some(mounted_now);
                    mounted.set(true);
                });
            }
            move || {
                gone.set(true);
                if let Some(e) = editor.borrow_mut().take() {
                    e.destroy();
                    mounted.set(false);
                }
                on_close.borrow_mut().take();
            }
        });
    }
    {
        // A share link's code (also one followed while the page is open): the editor opens
        // with it, or takes it if it is open.
        let (pending, open, editor) = (pending.clone(), open.clone(), editor.clone());
        use_effect_with(shared_code, move |code| {
            if let Some(code) = code.clone() {
                match &*editor.borrow() {
                    Some(e) => e.open_shared(&code),
                    None => {
                        *pending.borrow_mut() = Some(code);
                        open.set(true);
                    }
                }
            }
        });
    }
    let waiting = (*open && !*mounted).then(|| {
        failed.as_ref().map_or_else(
            || lang.edit().loading.to_owned(),
            |why| lang.editor_failed(why),
        )
    });
    CardEditor {
        open,
        host,
        editor,
        waiting,
        mounted: *mounted,
        asked,
    }
}

/// Gives the editor the page's language when it changes.
#[hook]
pub fn use_editor_lang(editor: &CardEditor, lang: Lang) {
    let e = editor.editor.clone();
    use_effect_with((lang, editor.mounted), move |(lang, _)| {
        if let Some(e) = &*e.borrow() {
            e.relabel(&labels(*lang));
        }
    });
}

/// Highlights the line of the card's latest mark (a file line) in its editor, while stepping or
/// replaying.
#[hook]
pub fn use_editor_mark(editor: &CardEditor, line: Option<u32>) {
    let e = editor.editor.clone();
    use_effect_with((line, editor.mounted), move |(line, _)| {
        if let Some(e) = &*e.borrow() {
            e.step(*line);
        }
    });
}

/// What `mount` takes (see editor/src/editor.js).
struct MountOptions {
    text: &'static content::SnippetText,
    at: (&'static str, &'static str),
    embedded: bool,
    /// Focus the text once mounted.
    focus: bool,
    lang: Lang,
}

impl MountOptions {
    fn to_js(&self, on_close: &Closure<dyn FnMut()>) -> JsValue {
        let set = |o: &js_sys::Object, key: &str, value: &JsValue| {
            let _ = js_sys::Reflect::set(o, &key.into(), value);
        };
        let labels = labels(self.lang);
        let (lesson, snippet) = self.at;
        let home = route::href(lesson, Some(snippet));
        let o = js_sys::Object::new();
        set(&o, "source", &self.text.source.as_str().into());
        set(&o, "html", &self.text.html.as_str().into());
        let focus = self
            .text
            .focus_html
            .as_deref()
            .map_or(JsValue::NULL, JsValue::from);
        set(&o, "focusHtml", &focus);
        let key = (!self.embedded).then(|| storage_key(lesson, snippet));
        set(&o, "key", &key.map_or(JsValue::NULL, JsValue::from));
        // Share links open the course's own page, also from an embed.
        set(&o, "link", &route::course_url(&home).into());
        set(&o, "home", &home.into());
        set(&o, "labels", &labels);
        set(&o, "onClose", on_close.as_ref());
        set(&o, "focus", &self.focus.into());
        o.into()
    }
}

/// What a card's Run needs to run its edit.
pub struct EditedStart {
    /// Starts a run (stepping or not) with a program (None: the site's own).
    pub start_with: Rc<dyn Fn(bool, Option<Program>)>,
    pub editor: Rc<RefCell<Option<Editor>>>,
    pub lesson: &'static str,
    pub snippet: &'static str,
}

/// The card's start: an unedited snippet runs at once; an edited one is built first (the
/// editor shows the build's progress and what came of it), then runs with its build. Only the
/// latest press runs.
#[hook]
pub fn use_edited_start(e: EditedStart) -> Rc<dyn Fn(bool)> {
    let latest = use_mut_ref(|| 0u32);
    Rc::new(move |stepping: bool| {
        let editor = e.editor.borrow().clone();
        let Some(editor) = editor.filter(Editor::edited) else {
            return (e.start_with)(stepping, None);
        };
        let this = {
            let mut latest = latest.borrow_mut();
            *latest += 1;
            *latest
        };
        let (latest, start_with) = (latest.clone(), e.start_with.clone());
        let (lesson, snippet) = (e.lesson, e.snippet);
        wasm_bindgen_futures::spawn_local(async move {
            let built = editor.build(lesson, snippet).await;
            if let (Some((glue, wasm)), true) = (built, *latest.borrow() == this) {
                start_with(
                    stepping,
                    Some(crate::runner::bridge().load_edited(glue, wasm)),
                );
            }
        });
    })
}

/// The editor's words in `lang`, as `mount` and `relabel` take them.
fn labels(lang: Lang) -> JsValue {
    let t = lang.edit();
    let labels = js_sys::Object::new();
    for (key, text) in [
        ("editor", t.editor),
        ("compiling", t.compiling),
        ("built", t.built),
        ("builtWarning", t.built_warning),
        ("builtWarnings", t.built_warnings),
        ("error", t.error),
        ("errors", t.errors),
        ("failed", t.failed),
        ("needsServer", t.needs_server),
        ("superseded", t.superseded),
        ("diagnostics", t.diagnostics),
        ("folded", t.folded),
        ("edited", t.edited),
        ("showChanges", t.show_changes),
        ("reset", t.reset),
        ("undoReset", t.undo_reset),
        ("share", t.share),
        ("shareCopied", t.share_copied),
        ("shareDamaged", t.share_damaged),
        ("fromLink", t.from_link),
        ("stale", t.stale),
        ("close", t.close),
    ] {
        let _ = js_sys::Reflect::set(&labels, &key.into(), &text.into());
    }
    labels.into()
}
