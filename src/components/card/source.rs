//! A card's source box: the highlighted code (the shown regions, or all of it), Copy, Edit,
//! and while stepping or replaying the line of the latest `tutor::state!` mark.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::dom::copy_to_clipboard;
use crate::content;
use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct SourceProps {
    pub lesson: &'static str,
    pub snippet: &'static str,
    /// The latest mark shown (its label and source line), while stepping or replaying.
    pub mark: Option<(String, u32)>,
    pub lang: Lang,
    /// Opens the card's code editor.
    pub on_edit: Callback<()>,
}

/// The source, in a box that can be opened and closed.
#[component]
pub fn SourceBox(props: &SourceProps) -> Html {
    let t = props.lang.t();
    // Cards are placed once their page's content is here, so the source is too.
    let snippet = content::shown(props.lesson, props.snippet);
    let show_all = use_state(|| false);
    let code_ref = use_node_ref();
    {
        // Keep the current line in view inside the source box (not by scrolling the page).
        let code = code_ref.clone();
        use_effect_with(props.mark.as_ref().map(|m| m.1), move |_| {
            scroll_current_line_into_view(&code);
        });
    }
    let on_show_all = {
        let show_all = show_all.clone();
        Callback::from(move |_: MouseEvent| show_all.set(!*show_all))
    };
    let Some(snippet) = snippet else {
        return Html::default();
    };
    let on_copy = Callback::from(move |_: MouseEvent| copy_to_clipboard(&snippet.source));
    let on_edit = props.on_edit.reform(|_: MouseEvent| ());
    let shown_html = match &snippet.focus_html {
        Some(focus) if !*show_all => focus.as_str(),
        _ => snippet.html.as_str(),
    };
    let source_html = match &props.mark {
        Some((_, line)) => Rc::<str>::from(shown_html.replacen(
            &format!("<span class=\"ln\" data-line=\"{line}\">"),
            &format!("<span class=\"ln current\" data-line=\"{line}\" aria-current=\"step\">"),
            1,
        )),
        None => Rc::<str>::from(shown_html),
    };
    html! {
        <details class="source" open=true>
            <summary>{ t.source }</summary>
            <div class="source-tools">
                if snippet.focus_html.is_some() {
                    <button type="button" class="show-all" aria-pressed={show_all.to_string()}
                            onclick={on_show_all}>{ t.show_all }</button>
                }
                <button type="button" class="copy-source" onclick={on_copy}>{ t.copy }</button>
                <button type="button" class="edit-source" onclick={on_edit}>{ props.lang.edit().edit }</button>
            </div>
            // Focusable, so the code can be scrolled sideways with the keyboard.
            <pre class="code" data-lang="rust" tabindex="0" aria-label={t.source} ref={code_ref}
                 data-view={if shown_html == snippet.html { "all" } else { "focus" }}>
                <code>{ Html::from_html_unchecked(AttrValue::Rc(source_html)) }</code>
            </pre>
            if let Some((label, line)) = &props.mark {
                <p class="mark-note">{ props.lang.at_mark(label, *line) }</p>
            }
        </details>
    }
}

/// Scrolls the source box so its `.ln.current` line is in view, if it is not already.
fn scroll_current_line_into_view(code: &NodeRef) {
    let Some(pre) = code.cast::<web_sys::HtmlElement>() else {
        return;
    };
    let Some(line) = pre
        .query_selector(".ln.current")
        .ok()
        .flatten()
        .and_then(|l| l.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    let (top, height) = (line.offset_top(), line.offset_height());
    let (view_top, view_h) = (pre.scroll_top(), pre.client_height());
    if top < view_top || top + height > view_top + view_h {
        pre.set_scroll_top(top - view_h / 3);
    }
}
