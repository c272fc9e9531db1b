//! The Async Tutor page: lessons, snippet cards, and the bridge to the runner worker.

mod api;
mod components;
mod content;
mod i18n;
mod progress;
mod route;
mod runner;
mod store;

fn main() {
    runner::bridge().start();
    api::install();
    yew::Renderer::<components::app::App>::new().render();
}
