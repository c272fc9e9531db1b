//! The Async Tutor page: lessons, snippet cards, the bridge to the runner worker, and the
//! chrome-less embed page (`embed.html`) that shows one card to another site.

mod api;
mod components;
mod content;
mod edit;
mod embed;
mod i18n;
mod js_read;
mod knobs;
mod panic;
mod progress;
mod route;
mod runner;
mod store;

fn main() {
    #[cfg(target_arch = "wasm32")]
    if ::runner::worker::in_worker() {
        // A runner worker of the first part's lessons, booted from this module.
        ::runner::worker::boot();
        return;
    }
    panic::install();
    runner::bridge().start();
    api::install();
    if embed::is_embed_page() {
        yew::Renderer::<components::embed::EmbedPage>::new().render();
    } else {
        yew::Renderer::<components::app::App>::new().render();
    }
}
