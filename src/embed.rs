//! The embed page's contract with the page that frames it: query parameters in, postMessage
//! both ways (README, "Embedding").
//!
//! `embed.html?lesson=08-async-await&snippet=crawl&lang=zh&theme=dark&knobs=pages%3D3&host=…`
//! shows one card. `host` is the framing page's origin: only messages from that origin and from
//! the parent window are obeyed, and this page's own messages are posted to that origin only.
//! With no `host`, the card works but talks to nobody.

use std::collections::BTreeMap;

use serde::Serialize;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::MessageEvent;

use crate::js_read;

/// What the embed page's URL asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params {
    pub lesson: String,
    pub snippet: String,
    /// Initial knob texts, by name, in the order given.
    pub knobs: Vec<(String, String)>,
    /// The framing page's origin, as given.
    pub host: Option<String>,
}

impl Params {
    /// From decoded query pairs; unknown names are ignored (`lang` and `theme` are read by
    /// `Lang::detect` and www/theme.js).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Params {
        let mut params = Params::default();
        for (name, value) in pairs {
            match name.as_str() {
                "lesson" => params.lesson = value,
                "snippet" => params.snippet = value,
                "knobs" => params.knobs = crate::knobs::parse(&value),
                "host" if !value.is_empty() => params.host = Some(value),
                _ => {}
            }
        }
        params
    }

    /// The current page's.
    pub fn current() -> Params {
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        let Ok(query) = web_sys::UrlSearchParams::new_with_str(&search) else {
            return Params::default();
        };
        let mut pairs = Vec::new();
        for name in ["lesson", "snippet", "knobs", "host"] {
            if let Some(value) = query.get(name) {
                pairs.push((name.to_owned(), value));
            }
        }
        Params::from_pairs(pairs)
    }
}

/// A knob value a host sends: a number, or its text.
#[derive(Clone, Debug, PartialEq)]
pub enum KnobText {
    Number(f64),
    Text(String),
}

impl KnobText {
    fn text(&self) -> String {
        match self {
            // Plain digits for the numbers a knob can hold; a huge or tiny one in exponent form
            // (`1e308`, not 309 digits), which the knob then refuses as out of range.
            KnobText::Number(n)
                if n.is_finite() && (n == &0.0 || (1e-6..1e15).contains(&n.abs())) =>
            {
                n.to_string()
            }
            KnobText::Number(n) => format!("{n:e}"),
            KnobText::Text(t) => t.trim().to_owned(),
        }
    }
}

/// What the host may ask: `{type: "async-tutor:run"}`, `{type: "async-tutor:stop"}`, or
/// `{type: "async-tutor:set-knobs", knobs: {name: number or text, …}}`.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Run the snippet with the knobs as they are (or, while stepping, run to the end).
    Run,
    /// Stop the run.
    Stop,
    /// Set some knobs (by name); the others keep their values.
    SetKnobs { knobs: BTreeMap<String, KnobText> },
}

impl Command {
    /// Reads a host's message; the error says what is wrong with it.
    pub fn read(message: &JsValue) -> Result<Command, String> {
        #[derive(Clone, Copy)]
        enum Kind {
            Run,
            Stop,
            SetKnobs,
        }
        let kinds = [
            ("async-tutor:run", Kind::Run),
            ("async-tutor:stop", Kind::Stop),
            ("async-tutor:set-knobs", Kind::SetKnobs),
        ];
        match js_read::variant(&js_read::field(message, "type"), &kinds)? {
            Kind::Run => Ok(Command::Run),
            Kind::Stop => Ok(Command::Stop),
            Kind::SetKnobs => {
                let given = js_read::field(message, "knobs");
                let Some(object) = given.dyn_ref::<js_sys::Object>() else {
                    return Err(if js_read::absent(&given) {
                        "missing field `knobs`".into()
                    } else {
                        format!("invalid type: {}, expected a map", js_read::kind(&given))
                    });
                };
                let mut knobs = BTreeMap::new();
                for entry in js_sys::Object::entries(object).iter() {
                    let entry: js_sys::Array = entry.unchecked_into();
                    let (name, value) =
                        (entry.get(0).as_string().unwrap_or_default(), entry.get(1));
                    let text = match (value.as_f64(), value.as_string()) {
                        (Some(n), _) => KnobText::Number(n),
                        (_, Some(t)) => KnobText::Text(t),
                        _ => {
                            return Err(format!(
                                "knob `{name}`: invalid type: {}, expected a number or a string",
                                js_read::kind(&value)
                            ));
                        }
                    };
                    knobs.insert(name, text);
                }
                Ok(Command::SetKnobs { knobs })
            }
        }
    }

    /// The knob texts of a `SetKnobs`.
    pub fn knob_texts(knobs: &BTreeMap<String, KnobText>) -> Vec<(String, String)> {
        knobs.iter().map(|(n, v)| (n.clone(), v.text())).collect()
    }
}

/// One knob, as the `ready` message describes it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct KnobInfo {
    pub name: &'static str,
    pub min: i64,
    pub max: i64,
    pub value: String,
}

/// What the embed page tells its host.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "type")]
pub enum Notice {
    /// The card can run; its knobs.
    #[serde(rename = "async-tutor:ready")]
    Ready {
        lesson: String,
        snippet: String,
        knobs: Vec<KnobInfo>,
    },
    /// The page's content height in CSS pixels.
    #[serde(rename = "async-tutor:size")]
    Size { height: f64 },
    /// A run started (from the host or the reader).
    #[serde(rename = "async-tutor:started")]
    Started,
    /// A run ended: `finished` (the snippet returned), `failed` (an error or a panic, in
    /// `error`) or `stopped`. `elapsed_ms` is the run's own time, none when stopped.
    #[serde(rename = "async-tutor:finished")]
    Finished {
        outcome: &'static str,
        elapsed_ms: Option<f64>,
        error: Option<String>,
    },
    /// A command could not be done, and why.
    #[serde(rename = "async-tutor:error")]
    Error { message: String },
}

/// The framing page, when the URL names it and this page is framed.
#[derive(Clone)]
pub struct Host {
    origin: String,
    parent: web_sys::Window,
}

impl PartialEq for Host {
    fn eq(&self, other: &Self) -> bool {
        self.origin == other.origin
    }
}

impl Host {
    /// The host `params` name, if it is a real origin and a parent window frames this page.
    pub fn new(params: &Params) -> Option<Host> {
        let given = params.host.as_deref()?;
        let origin = web_sys::Url::new(given).ok()?.origin();
        if origin == "null" {
            web_sys::console::warn_1(&format!("async-tutor embed: `{given}` is no origin").into());
            return None;
        }
        let window = web_sys::window()?;
        let parent = window.parent().ok()??;
        // Not framed: the parent is the page itself.
        if js_sys::Object::is(&parent, &window) {
            return None;
        }
        Some(Host { origin, parent })
    }

    /// Posts `notice` to the host's origin (the browser drops it if the parent is elsewhere).
    pub fn post(&self, notice: &Notice) {
        let serializer = serde_wasm_bindgen::Serializer::json_compatible();
        if let Ok(value) = notice.serialize(&serializer) {
            let _ = self.parent.post_message(&value, &self.origin);
        }
    }

    /// Calls `on_command` with each command from the host (or, for one that made no sense, the
    /// parser's words); messages from other origins or windows are ignored. Stops when the
    /// returned listener is dropped.
    pub fn listen(&self, on_command: impl Fn(Result<Command, String>) + 'static) -> Listener {
        let (origin, parent) = (self.origin.clone(), self.parent.clone());
        let closure = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            let from_parent = event
                .source()
                .is_some_and(|source| js_sys::Object::is(&source, &parent));
            if event.origin() != origin || !from_parent {
                return;
            }
            let data = event.data();
            let kind = js_sys::Reflect::get(&data, &"type".into())
                .ok()
                .and_then(|t| t.as_string());
            // Only our own messages: a host may use postMessage for other things too.
            if !kind.is_some_and(|k| k.starts_with("async-tutor:")) {
                return;
            }
            on_command(Command::read(&data));
        });
        let window = web_sys::window().expect("a window");
        let _ =
            window.add_event_listener_with_callback("message", closure.as_ref().unchecked_ref());
        Listener { closure }
    }
}

/// A message listener on the window, removed on drop.
pub struct Listener {
    closure: Closure<dyn Fn(MessageEvent)>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback(
                "message",
                self.closure.as_ref().unchecked_ref(),
            );
        }
    }
}

/// True when this document is the embed page (`<html data-page="embed">`, written by
/// `cargo xtask finish-site`).
pub fn is_embed_page() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|html| html.get_attribute("data-page"))
        .is_some_and(|page| page == "embed")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn params_read_lesson_snippet_knobs_and_host() {
        let p = Params::from_pairs(pairs(&[
            ("lesson", "08-async-await"),
            ("snippet", "crawl"),
            ("lang", "zh"),
            ("knobs", "pages=3, latency_ms = 200;bad;=4&x=y"),
            ("host", "https://docs.example"),
        ]));
        assert_eq!(p.lesson, "08-async-await");
        assert_eq!(p.snippet, "crawl");
        assert_eq!(
            p.knobs,
            pairs(&[("pages", "3"), ("latency_ms", "200"), ("x", "y")])
        );
        assert_eq!(p.host.as_deref(), Some("https://docs.example"));
        assert_eq!(Params::from_pairs(pairs(&[("host", "")])).host, None);
    }

    #[test]
    fn knob_texts_keep_numbers_and_trim_text() {
        let mut knobs = BTreeMap::new();
        knobs.insert("pages".to_string(), KnobText::Number(3.0));
        knobs.insert("latency_ms".to_string(), KnobText::Text(" 250 ".into()));
        assert_eq!(
            Command::knob_texts(&knobs),
            pairs(&[("latency_ms", "250"), ("pages", "3")])
        );
    }

    #[test]
    fn a_huge_number_stays_short() {
        assert_eq!(KnobText::Number(1e308).text(), "1e308");
        assert_eq!(KnobText::Number(-1e300).text(), "-1e300");
        assert_eq!(KnobText::Number(2.5).text(), "2.5");
        assert_eq!(KnobText::Number(0.0).text(), "0");
        assert_eq!(KnobText::Number(123456789.0).text(), "123456789");
        assert!("1e308".parse::<f64>().is_ok());
    }
}
