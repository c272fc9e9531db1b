//! The shell: header, lesson list, language switch, and the lesson the URL names.

use yew::prelude::*;

use super::lesson::LessonPage;
use crate::content::{self, LESSONS};
use crate::i18n::{lesson_label, Lang};
use crate::route::{self, use_route};
use crate::runner::{use_net_status, NetStatus};

#[component]
pub fn App() -> Html {
    let route = use_route();
    let lang = use_state(Lang::detect);
    let net = use_net_status();
    {
        let lang = *lang;
        use_effect_with(lang, move |lang| {
            if let Some(html) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = html.set_attribute("lang", lang.code());
            }
        });
    }
    let t = lang.t();
    let current = route
        .lesson
        .as_deref()
        .map(|id| content::lesson(id).map(|l| l.id))
        .unwrap_or(Some(LESSONS[0].id));
    let switch = |to: Lang| {
        let lang = lang.clone();
        Callback::from(move |_: MouseEvent| {
            to.remember();
            lang.set(to);
        })
    };
    let (net_class, net_text) = match &net {
        NetStatus::Pending => ("pending", t.net_pending),
        NetStatus::SlowWeb => ("slow-web", t.net_slow_web),
        NetStatus::Virtual(_) => ("virtual", t.net_virtual),
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
            <div class="lang-switch" role="group" aria-label={t.language}>
                <button type="button" lang="en" aria-pressed={(*lang == Lang::En).to_string()} onclick={switch(Lang::En)}>{ "EN" }</button>
                <button type="button" lang="zh" aria-pressed={(*lang == Lang::Zh).to_string()} onclick={switch(Lang::Zh)}>{ "中文" }</button>
            </div>
        </header>
        <div class="layout">
            <nav class="lessons" aria-label={t.lessons}>
                <h2>{ t.lessons }</h2>
                <ol>
                    { for LESSONS.iter().map(|l| html! {
                        <li>
                            <a href={route::href(l.id, None)} title={l.text(*lang).summary}
                               aria-current={(current == Some(l.id)).then_some("page")}>
                                <span class="n">{ l.number }</span>
                                <span class="name">{ l.text(*lang).title }</span>
                            </a>
                        </li>
                    }) }
                </ol>
            </nav>
            <main id="main" tabindex="-1">
                if let Some(id) = current {
                    <LessonPage key={id} {id} snippet={route.snippet.clone()} lang={*lang} />
                } else {
                    <p class="not-found">{ t.not_found }{ " " }
                        <a href={route::href(LESSONS[0].id, None)}>{ lesson_label(*lang, LESSONS[0].number) }</a></p>
                }
            </main>
        </div>
        </>
    }
}
