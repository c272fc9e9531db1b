//! A card's output log: the lines the run printed, with their times, and the run's error last.

use std::rc::Rc;

use yew::prelude::*;

use super::dom::copy_to_clipboard;
use crate::i18n::Lang;

/// Lines of output shown; the rest are counted in a note (and still copied).
const MAX_OUTPUT_LINES: usize = 1000;

#[derive(Properties, PartialEq)]
pub struct OutputProps {
    /// The lines printed among the events shown: (ms since the start, text).
    pub lines: Rc<Vec<(f64, String)>>,
    /// The run's error, once the end is shown.
    pub error: Option<String>,
    /// When the run ended, for the error's line.
    pub total_ms: f64,
    /// The heading level of "Output".
    pub level: u8,
    pub lang: Lang,
}

/// The output, with a Copy button.
#[component]
pub fn OutputLog(props: &OutputProps) -> Html {
    let (lang, t) = (props.lang, props.lang.t());
    let on_copy = {
        let lines = props.lines.clone();
        Callback::from(move |_: MouseEvent| {
            let text: String = lines
                .iter()
                .map(|(t_ms, line)| format!("+{t_ms:.0} ms  {line}\n"))
                .collect();
            copy_to_clipboard(&text)
        })
    };
    let lines = &props.lines;
    html! {
        <div class="output-wrap">
            <div class="output-head">
                <@{format!("h{}", props.level)} class="output-title">{ t.output }</@>
                <button type="button" class="copy-output" onclick={on_copy}
                        disabled={lines.is_empty()}>{ t.copy }</button>
            </div>
            <div role="log" aria-live="polite" aria-label={t.output}>
            // Focusable: a long log scrolls, also with the keyboard.
            <ol class="output" tabindex="0" aria-label={t.output}>
                if lines.is_empty() && props.error.is_none() {
                    <li class="placeholder">{ t.no_output }</li>
                }
                { for lines.iter().take(MAX_OUTPUT_LINES).map(|(t_ms, text)| html! {
                    <li><span class="t">{ format!("+{t_ms:.0} ms") }</span><span class="line">{ text.clone() }</span></li>
                }) }
                if lines.len() > MAX_OUTPUT_LINES {
                    <li class="capped">{ lang.lines_not_shown(lines.len() - MAX_OUTPUT_LINES) }</li>
                }
                if let Some(e) = &props.error {
                    <li class="error"><span class="t">{ format!("+{:.0} ms", props.total_ms) }</span><span class="line">{ e.clone() }</span></li>
                }
            </ol>
            </div>
        </div>
    }
}
