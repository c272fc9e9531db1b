//! Hash routes, so deep links work on any static host: `#/08-async-await/crawl`.

use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// Where the page is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Route {
    /// A lesson id, or none for the start page.
    pub lesson: Option<String>,
    /// A snippet on that lesson to scroll to.
    pub snippet: Option<String>,
}

impl Route {
    /// Parses `#/lesson/snippet`.
    pub fn parse(hash: &str) -> Route {
        let mut parts = hash
            .trim_start_matches('#')
            .trim_start_matches('/')
            .split('/')
            .filter(|p| !p.is_empty())
            .map(str::to_owned);
        Route {
            lesson: parts.next(),
            snippet: parts.next(),
        }
    }

    /// The route of the current URL.
    pub fn current() -> Route {
        let hash = web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default();
        Route::parse(&hash)
    }
}

/// The link to a lesson, or to one of its snippets.
pub fn href(lesson: &str, snippet: Option<&str>) -> String {
    match snippet {
        Some(s) => format!("#/{lesson}/{s}"),
        None => format!("#/{lesson}"),
    }
}

/// The current route, updated on every `hashchange`.
#[hook]
pub fn use_route() -> Route {
    let route = use_state(Route::current);
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let window = web_sys::window().expect("a window");
            let listener = Closure::<dyn Fn()>::new(move || route.set(Route::current()));
            let _ = window
                .add_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
            move || {
                let _ = window.remove_event_listener_with_callback(
                    "hashchange",
                    listener.as_ref().unchecked_ref(),
                );
            }
        });
    }
    (*route).clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_parse_with_or_without_a_snippet() {
        assert_eq!(Route::parse(""), Route::default());
        assert_eq!(Route::parse("#/"), Route::default());
        let r = Route::parse("#/08-async-await/crawl");
        assert_eq!(r.lesson.as_deref(), Some("08-async-await"));
        assert_eq!(r.snippet.as_deref(), Some("crawl"));
        assert_eq!(Route::parse("#08-async-await").snippet, None);
    }
}
