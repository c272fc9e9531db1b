//! The shell: header, lesson list, language switch, and the lesson the URL names.

use yew::prelude::*;

use super::lesson::LessonPage;
use crate::content::{self, LESSONS};
use crate::i18n::{Lang, lesson_label};
use crate::progress::{self, use_progress};
use crate::route::{self, use_route};
use crate::runner::{NetStatus, use_net_status};
use crate::store;
use wasm_bindgen::JsCast;

/// Where the reader's theme choice is kept; www/theme.js reads the same key.
const THEME_KEY: &str = "theme";

/// Applies the reader's theme `choice` (www/theme.js owns the logic, so the first paint and
/// later switches agree; it keeps the choice itself when storage refuses it).
fn apply_theme(choice: &str) {
    let apply = js_sys::Reflect::get(&js_sys::global(), &"asyncTutorApplyTheme".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(f) = apply {
        let _ = f.call1(&wasm_bindgen::JsValue::NULL, &choice.into());
    }
}

/// The theme choice a stored value means: "light" or "dark", anything else "auto" (as
/// www/theme.js reads it).
fn theme_choice(stored: Option<&str>) -> String {
    match stored {
        Some(t @ ("light" | "dark")) => t.to_owned(),
        _ => "auto".to_owned(),
    }
}

#[component]
pub fn App() -> Html {
    let route = use_route();
    let lang = use_state(Lang::detect);
    let theme = use_state(|| theme_choice(store::get(THEME_KEY).as_deref()));
    let net = use_net_status();
    {
        let lang = *lang;
        use_effect_with(lang, move |lang| {
            lang.set_current();
            if let Some(html) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = html.set_attribute("lang", lang.code());
            }
        });
    }
    let t = lang.t();
    let progress = use_progress();
    // No lesson in the URL: the one read last (as of opening the site), else the first.
    let opening = use_state(|| {
        progress::last_lesson()
            .and_then(|id| content::lesson(&id))
            .map_or(LESSONS[0].id, |l| l.id)
    });
    let current = match route.lesson.as_deref() {
        Some(id) => content::lesson(id).map(|l| l.id),
        None => Some(*opening),
    };
    // On a phone the lesson list folds into one button; choosing a lesson folds it again.
    let menu_open = use_state(|| false);
    {
        let menu_open = menu_open.clone();
        use_effect_with(current, move |_| menu_open.set(false));
    }
    let toggle_menu = {
        let menu_open = menu_open.clone();
        Callback::from(move |_: MouseEvent| menu_open.set(!*menu_open))
    };
    let current_title = current
        .and_then(content::lesson)
        .map(|l| format!("{} · {}", l.number, l.text(*lang).title));
    // "Reset progress" can be undone until another lesson is opened.
    let cleared = use_state(|| None::<progress::Saved>);
    let undo_ref = use_node_ref();
    {
        let cleared = cleared.clone();
        use_effect_with(current, move |_| cleared.set(None));
    }
    {
        // The reset button disables itself: focus moves to Undo rather than to <body>.
        let undo_ref = undo_ref.clone();
        use_effect_with(cleared.is_some(), move |shown| {
            if let (true, Some(undo)) = (*shown, undo_ref.cast::<web_sys::HtmlElement>()) {
                let _ = undo.focus();
            }
        });
    }
    let on_reset = {
        let cleared = cleared.clone();
        Callback::from(move |_: MouseEvent| {
            let saved = progress::save();
            progress::reset();
            cleared.set(Some(saved));
        })
    };
    let on_undo = {
        let cleared = cleared.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(saved) = (*cleared).clone() {
                progress::restore(saved);
            }
            cleared.set(None);
        })
    };
    let switch = |to: Lang| {
        let lang = lang.clone();
        Callback::from(move |_: MouseEvent| {
            to.remember();
            lang.set(to);
        })
    };
    let set_theme = |to: &'static str| {
        let theme = theme.clone();
        Callback::from(move |_: MouseEvent| {
            if to == "auto" {
                store::remove(THEME_KEY);
            } else {
                store::set(THEME_KEY, to);
            }
            apply_theme(to);
            theme.set(to.to_owned());
        })
    };
    let net_class = net.attr();
    let net_text = match &net {
        NetStatus::Pending => t.net_pending,
        NetStatus::SlowWeb => t.net_slow_web,
        NetStatus::Virtual(_) => t.net_virtual,
    };
    html! {
        <>
        <a class="skip" href="#main" onclick={Callback::from(|e: MouseEvent| {
            e.prevent_default();
            if let Some(main) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("main")) {
                main.scroll_into_view();
            }
        })}>{ t.skip }</a>
        <header class="top">
            <a class="brand" href={route::href(LESSONS[0].id, None)}>{ t.site }</a>
            <p class={classes!("net-status", net_class)} role="status" data-network={net_class}>{ net_text }</p>
            <div class="theme-switch" role="group" aria-label={t.theme}>
                { for [("auto", t.theme_auto), ("light", t.theme_light), ("dark", t.theme_dark)].into_iter().map(|(k, label)| html! {
                    <button type="button" data-theme-choice={k} aria-pressed={(*theme == k).to_string()}
                            onclick={set_theme(k)}>{ label }</button>
                }) }
            </div>
            <div class="lang-switch" role="group" aria-label={t.language}>
                <button type="button" lang="en" aria-pressed={(*lang == Lang::En).to_string()} onclick={switch(Lang::En)}>{ "EN" }</button>
                <button type="button" lang="zh" aria-pressed={(*lang == Lang::Zh).to_string()} onclick={switch(Lang::Zh)}>{ "中文" }</button>
            </div>
        </header>
        <super::UpdateBanner lang={*lang} />
        <div class="layout">
            <nav class={classes!("lessons", (*menu_open).then_some("open"))} aria-label={t.lessons}>
                <h2>{ t.lessons }</h2>
                // Shown on narrow screens only (www/style.css): the list folded behind it.
                <button type="button" class="lessons-toggle" aria-expanded={menu_open.to_string()}
                        aria-controls="lesson-list" onclick={toggle_menu}>
                    <span class="lessons-word">{ t.lessons }</span>
                    if let Some(title) = current_title {
                        <span class="lessons-current">{ title }</span>
                    }
                </button>
                <ol id="lesson-list">
                    { for LESSONS.iter().map(|l| {
                        let visited = progress.visited.contains(l.id);
                        let ran = progress.ran_in(l.id, l.snippets.iter().map(|s| s.id));
                        let total = l.snippet_count();
                        html! {
                            <li class={classes!(visited.then_some("visited"))} data-lesson={l.id}>
                                <a href={route::href(l.id, None)} title={l.text(*lang).summary}
                                   aria-current={(current == Some(l.id)).then_some("page")}>
                                    <span class="n">{ l.number }</span>
                                    <span class="name">{ l.text(*lang).title }</span>
                                    <span class="progress" title={lang.progress_title(visited, ran, total)}
                                          aria-label={lang.progress_title(visited, ran, total)}>
                                        { progress::Progress::badge(visited, ran, total) }
                                    </span>
                                </a>
                            </li>
                        }
                    }) }
                </ol>
                <button type="button" class="reset-progress" onclick={on_reset}
                        disabled={progress.visited.is_empty() && progress.ran.is_empty()}>{ t.reset_progress }</button>
                <p class="progress-cleared" role="status">
                    if cleared.is_some() {
                        { t.progress_cleared }{ " " }
                        <button type="button" class="undo-reset" ref={undo_ref} onclick={on_undo}>{ t.undo }</button>
                    }
                </p>
            </nav>
            <main id="main" tabindex="-1">
                if let Some(id) = current {
                    <LessonPage key={id} {id} snippet={route.snippet.clone()} moment={route.replay.clone()} code={route.code.clone()} lang={*lang} />
                } else {
                    <p class="not-found">{ t.not_found }{ " " }
                        <a href={route::href(LESSONS[0].id, None)}>{ lesson_label(*lang, LESSONS[0].number) }</a></p>
                }
            </main>
        </div>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::theme_choice;

    #[test]
    fn a_stored_theme_other_than_light_or_dark_means_auto() {
        assert_eq!(theme_choice(Some("dark")), "dark");
        assert_eq!(theme_choice(Some("light")), "light");
        assert_eq!(theme_choice(Some("garbage")), "auto");
        assert_eq!(theme_choice(Some("")), "auto");
        assert_eq!(theme_choice(None), "auto");
    }
}
