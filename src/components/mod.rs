//! The page's components: shell, lesson page, snippet card, comparison, timeline, embed page.

pub mod app;
pub mod card;
pub mod compare;
pub mod embed;
pub mod focus;
pub mod frames;
pub mod inspector;
pub mod lesson;
pub mod run_state;
pub mod schedulers;
pub mod sweep;
pub mod timeline;

use yew::prelude::*;

use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct UpdateBannerProps {
    pub lang: Lang,
}

/// "A new version is available — Reload", while a new build waits (src/runner/sw/update.rs).
#[component]
pub fn UpdateBanner(props: &UpdateBannerProps) -> Html {
    let t = props.lang.t();
    if !crate::runner::sw::update::use_update_ready() {
        return html! {};
    }
    html! {
        <div class="update-banner" role="status">
            <span>{ t.update_ready }</span>
            <button type="button" class="update-reload"
                    onclick={Callback::from(|_: MouseEvent| crate::runner::sw::update::apply())}>{ t.update_reload }</button>
        </div>
    }
}
