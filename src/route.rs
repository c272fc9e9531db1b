//! Hash routes, so deep links work on any static host: `#/08-async-await/crawl`, and a moment
//! of a run: `#/08-async-await/crawl?replay=40&pages=3&latency_ms=200&virtual=1`.

use wasm_bindgen::prelude::*;

use crate::knobs;
use yew::prelude::*;

/// Where the page is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Route {
    /// A lesson id, or none for the start page.
    pub lesson: Option<String>,
    /// A snippet on that lesson to scroll to.
    pub snippet: Option<String>,
    /// A moment of a run of that snippet to open.
    pub replay: Option<Moment>,
    /// An edit of that snippet to open in its editor: the editor's share code (deflated, in
    /// base64url, see editor/src/editor.js).
    pub code: Option<String>,
}

/// A moment of a run to show again: run the snippet with these knobs and open the replay at
/// event `at`. Runs on the virtual clock repeat exactly; runs on the slow web only roughly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moment {
    /// Events shown.
    pub at: usize,
    /// Knob names and their values as text.
    pub knobs: Vec<(String, String)>,
    /// Run on the virtual clock.
    pub virtual_time: bool,
    /// What was wrong with the link's `replay` value, which `at` makes the best of.
    pub problem: Option<ReplayProblem>,
}

/// A `replay` value that names no event: the moment shown instead is `at`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayProblem {
    /// Before the first event (`replay=-5`): the start is shown.
    Negative(String),
    /// Larger than any run (`replay=99999999999999999999`): the end is shown.
    TooLarge(String),
    /// Not a number (`replay=NaN`): the end is shown.
    NotANumber(String),
}

impl Moment {
    /// The link to this moment of `lesson/snippet`.
    pub fn href(&self, lesson: &str, snippet: &str) -> String {
        let mut link = format!("{}?replay={}", href(lesson, Some(snippet)), self.at);
        if !self.knobs.is_empty() {
            link.push('&');
            link.push_str(&knobs::encode(
                self.knobs.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            ));
        }
        if self.virtual_time {
            link.push_str("&virtual=1");
        }
        link
    }

    fn parse(query: &str) -> Option<Moment> {
        let mut moment = Moment {
            at: 0,
            knobs: Vec::new(),
            virtual_time: false,
            problem: None,
        };
        let mut at = None;
        // Links may escape anything (`pages=%33`); `+` stays a plus sign (`pages=+3`).
        for (name, value) in knobs::parse(query) {
            match name.as_str() {
                "replay" => at = Some(replay_at(&value)),
                "virtual" => moment.virtual_time = value == "1",
                "code" => {}
                _ => moment.knobs.push((name, value)),
            }
        }
        (moment.at, moment.problem) = at?;
        Some(moment)
    }
}

/// The event a `replay` value names, and what was wrong with it.
fn replay_at(value: &str) -> (usize, Option<ReplayProblem>) {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let unsigned = value.strip_prefix('+').unwrap_or(value);
    match unsigned.parse::<usize>() {
        Ok(at) => (at, None),
        Err(_) if digits(unsigned) => (usize::MAX, Some(ReplayProblem::TooLarge(value.into()))),
        Err(_) if value.strip_prefix('-').is_some_and(digits) => {
            (0, Some(ReplayProblem::Negative(value.into())))
        }
        Err(_) => (usize::MAX, Some(ReplayProblem::NotANumber(value.into()))),
    }
}

impl Route {
    /// Parses `#/lesson/snippet?query`.
    pub fn parse(hash: &str) -> Route {
        let (path, query) = hash.split_once('?').unwrap_or((hash, ""));
        let mut parts = path
            .trim_start_matches('#')
            .trim_start_matches('/')
            .split('/')
            .filter(|p| !p.is_empty())
            // Browsers escape a heading id written in Chinese (`#/00-concepts/怎样读…`) in links
            // and in `location.hash`.
            .map(knobs::percent_decoded);
        let code = knobs::parse(query)
            .into_iter()
            .find(|(name, _)| name == "code")
            .map(|(_, code)| code);
        Route {
            lesson: parts.next(),
            snippet: parts.next(),
            replay: Moment::parse(query),
            code,
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

/// `link` (a hash route) as a full address of the course's own page, from wherever this page
/// is: the course page itself, or the embed page beside it.
pub fn course_url(link: &str) -> String {
    let here = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    web_sys::Url::new_with_base(&format!("./{link}"), &here)
        .map(|url| url.href())
        .unwrap_or_else(|_| link.to_owned())
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
        // A heading id in Chinese arrives escaped.
        let r = Route::parse("#/00-concepts/%E6%80%8E%E6%A0%B7?x=1");
        assert_eq!(r.snippet.as_deref(), Some("怎样"));
        assert_eq!(knobs::percent_decoded("100%-sure%2"), "100%-sure%2");
    }

    #[test]
    fn a_moment_link_round_trips() {
        let moment = Moment {
            at: 40,
            knobs: vec![
                ("pages".into(), "3".into()),
                ("latency_ms".into(), "200".into()),
            ],
            virtual_time: true,
            problem: None,
        };
        let link = moment.href("08-async-await", "crawl");
        assert_eq!(
            link,
            "#/08-async-await/crawl?replay=40&pages=3&latency_ms=200&virtual=1"
        );
        let r = Route::parse(&link);
        assert_eq!(r.snippet.as_deref(), Some("crawl"));
        assert_eq!(r.replay, Some(moment));
        assert_eq!(Route::parse("#/08-async-await/crawl?pages=3").replay, None);
    }

    #[test]
    fn a_share_link_carries_its_code_and_no_moment() {
        let r = Route::parse("#/08-async-await/crawl?code=ZnJvbS1fYmFzZTY0");
        assert_eq!(r.snippet.as_deref(), Some("crawl"));
        assert_eq!(r.code.as_deref(), Some("ZnJvbS1fYmFzZTY0"));
        assert_eq!(r.replay, None);
        let r = Route::parse("#/08-async-await/crawl?replay=4&code=abc");
        assert_eq!(r.code.as_deref(), Some("abc"));
        assert!(r.replay.unwrap().knobs.is_empty(), "code is not a knob");
    }

    #[test]
    fn a_moment_link_is_decoded_and_its_replay_clamped() {
        let moment = |q: &str| Route::parse(&format!("#/08-async-await/crawl?{q}")).replay;
        let m = moment("replay=%34%30&pages=%33&latency%5Fms=+200&virtual=%31").unwrap();
        assert_eq!(m.at, 40);
        assert_eq!(m.problem, None);
        assert!(m.virtual_time);
        assert_eq!(
            m.knobs,
            [
                ("pages".to_owned(), "3".to_owned()),
                ("latency_ms".to_owned(), "+200".to_owned())
            ]
        );
        let m = moment("replay=-5").unwrap();
        assert_eq!(
            (m.at, m.problem),
            (0, Some(ReplayProblem::Negative("-5".into())))
        );
        let m = moment("replay=NaN").unwrap();
        let problem = Some(ReplayProblem::NotANumber("NaN".into()));
        assert_eq!((m.at, m.problem), (usize::MAX, problem));
        let huge = "99999999999999999999999999";
        let m = moment(&format!("replay={huge}")).unwrap();
        let problem = Some(ReplayProblem::TooLarge(huge.into()));
        assert_eq!((m.at, m.problem), (usize::MAX, problem));
        assert_eq!(moment("replay=+7").unwrap().at, 7);
        assert_eq!(
            moment("replay=").unwrap().problem,
            Some(ReplayProblem::NotANumber(String::new()))
        );
    }
}
