//! The site's two languages: `Lang`, choosing it, and its short phrases; the UI strings, the run's phrases and run errors are in the submodules.

use std::cell::Cell;

use protocol::KnobError;

mod editing;
mod errors;
mod phrases;
mod results;
mod strings;

/// A language the site is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
}

const STORAGE_KEY: &str = "lang";

thread_local! {
    /// The language the page shows now (see [`Lang::current`]).
    static CURRENT: Cell<Option<Lang>> = const { Cell::new(None) };
}

impl Lang {
    /// The BCP 47 code: `en`, `zh`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// Parses a code (`zh-CN` counts as `zh`).
    pub fn from_code(code: &str) -> Option<Lang> {
        let code = code.to_ascii_lowercase();
        if code.starts_with("zh") {
            Some(Lang::Zh)
        } else if code.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// `?lang=` in the URL, else the last choice, else the browser's language, else English.
    pub fn detect() -> Lang {
        let window = web_sys::window().expect("a window");
        let from_query = window.location().search().ok().and_then(|q| {
            q.trim_start_matches('?')
                .split('&')
                .find_map(|kv| kv.strip_prefix("lang="))
                .and_then(Lang::from_code)
        });
        let stored = || crate::store::get(STORAGE_KEY).and_then(|c| Lang::from_code(&c));
        let browser = || {
            window
                .navigator()
                .language()
                .and_then(|c| Lang::from_code(&c))
        };
        from_query
            .or_else(stored)
            .or_else(browser)
            .unwrap_or(Lang::En)
    }

    /// Remembers the choice for the next visit.
    pub fn remember(self) {
        crate::store::set(STORAGE_KEY, self.code());
    }

    /// Records that the page now shows this language (the shell and the embed page call it
    /// whenever theirs changes).
    pub fn set_current(self) {
        CURRENT.with(|c| c.set(Some(self)));
    }

    /// The language the page shows now: the last [`Lang::set_current`], else [`Lang::detect`].
    /// What `asyncTutor.run` reports errors in.
    pub fn current() -> Lang {
        CURRENT.with(Cell::get).unwrap_or_else(Lang::detect)
    }
    /// A knob problem in words, with the knob's label.
    pub fn knob_error(self, label: &str, error: &KnobError) -> String {
        match (self, error) {
            (Lang::En, KnobError::OutOfRange { min, max, .. }) => {
                format!("{label} must be a whole number from {min} to {max}.")
            }
            (Lang::Zh, KnobError::OutOfRange { min, max, .. }) => {
                format!("{label}必须是 {min} 到 {max} 之间的整数。")
            }
            (_, other) => other.to_string(),
        }
    }
    /// "Title: text", with this language's colon.
    pub fn labelled(self, label: &str, text: &str) -> String {
        match self {
            Lang::En => format!("{label}: {text}"),
            Lang::Zh => format!("{label}：{text}"),
        }
    }

    /// The embed page's reason for never being ready: no such snippet.
    pub fn embed_no_snippet(self, lesson: &str, snippet: &str) -> String {
        match self {
            Lang::En => format!("no snippet `{snippet}` in lesson `{lesson}`"),
            Lang::Zh => format!("课程“{lesson}”中没有代码片段“{snippet}”"),
        }
    }

    /// A message from the embed's host that is no command; `detail` is the parser's words.
    pub fn embed_bad_command(self, detail: &str) -> String {
        match self {
            Lang::En => format!("not a command this embed knows: {detail}"),
            Lang::Zh => format!("这不是此嵌入认识的命令：{detail}"),
        }
    }

    /// Knob names an embed or its host asked for that the snippet does not have.
    /// At most [`UNKNOWN_SHOWN`] names are listed, each cut to [`NAME_SHOWN`] characters.
    pub fn unknown_knobs(self, unknown: &[String], known: &[&str]) -> String {
        let mut listed: Vec<String> = unknown
            .iter()
            .take(UNKNOWN_SHOWN)
            .map(|name| match name.char_indices().nth(NAME_SHOWN) {
                Some((cut, _)) => format!("{}…", &name[..cut]),
                None => name.clone(),
            })
            .collect();
        let more = unknown.len().saturating_sub(UNKNOWN_SHOWN);
        if more > 0 {
            listed.push(match self {
                Lang::En => format!("and {more} more"),
                Lang::Zh => format!("另有 {more} 个"),
            });
        }
        let (unknown, known) = (listed.join(", "), known.join(", "));
        match self {
            Lang::En => format!("No such knob: {unknown}. This snippet's knobs: {known}."),
            Lang::Zh => format!("没有这个参数：{unknown}。这个代码片段的参数：{known}。"),
        }
    }
}

/// How many unknown knob names a message lists, and how much of each.
const UNKNOWN_SHOWN: usize = 5;
const NAME_SHOWN: usize = 32;

/// "Lesson 8" / "第 8 课".
pub fn lesson_label(lang: Lang, number: u32) -> String {
    match lang {
        Lang::En => format!("Lesson {number}"),
        Lang::Zh => format!("第 {number} 课"),
    }
}

#[cfg(test)]
mod unknown_knob_tests {
    use super::Lang;

    #[test]
    fn a_flood_of_unknown_knob_names_is_listed_short() {
        let names: Vec<String> = (0..20_000).map(|i| format!("bogus{i}")).collect();
        let msg = Lang::En.unknown_knobs(&names, &["pages", "latency_ms"]);
        assert!(msg.len() < 200, "{msg}");
        assert!(
            msg.contains("bogus0, bogus1, bogus2, bogus3, bogus4, and 19995 more"),
            "{msg}"
        );
        assert!(
            msg.ends_with("This snippet's knobs: pages, latency_ms."),
            "{msg}"
        );
        let long = vec!["x".repeat(10_000)];
        assert!(Lang::Zh.unknown_knobs(&long, &["pages"]).chars().count() < 80);
        let one = Lang::Zh.unknown_knobs(&["pagez".into()], &["pages"]);
        assert_eq!(one, "没有这个参数：pagez。这个代码片段的参数：pages。");
    }
}
