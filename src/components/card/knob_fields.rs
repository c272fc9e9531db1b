//! A card's knob controls: a slider and a number box per knob, and the "Virtual time" box.
//! (Knob text itself, parsed and checked, is `crate::knobs`.)

use yew::prelude::*;

use crate::content::Knob;
use crate::i18n::Lang;

/// One knob: a slider and a number box with its unit, and the message when the value is out
/// of range. `on_input` gets the new text from either.
pub fn knob_field(
    input_id: &str,
    knob: &Knob,
    value: &str,
    error: Option<String>,
    lang: Lang,
    on_input: Callback<InputEvent>,
) -> Html {
    html! {
        <div class={classes!("knob", error.is_some().then_some("invalid"))}>
            <label for={input_id.to_owned()}>{ knob.label(lang) }</label>
            <input type="range" min={knob.spec.min.to_string()} max={knob.spec.max.to_string()}
                   step="1" value={value.to_owned()} oninput={on_input.clone()}
                   aria-label={knob.label(lang)} tabindex="-1" />
            <input id={input_id.to_owned()} class="knob-value" type="number" name={knob.spec.name}
                   min={knob.spec.min.to_string()} max={knob.spec.max.to_string()} step="1"
                   value={value.to_owned()} oninput={on_input}
                   aria-invalid={error.is_some().then_some("true")}
                   aria-describedby={format!("{input_id}-error")} />
            <span class="unit">{ knob.unit }</span>
            <p class="knob-error" id={format!("{input_id}-error")} role="alert">
                { error.unwrap_or_default() }
            </p>
        </div>
    }
}

/// The "Virtual time" checkbox, bound to `state`.
pub fn virtual_toggle(state: &UseStateHandle<bool>, running: bool, lang: Lang) -> Html {
    let t = lang.t();
    let onchange = {
        let state = state.clone();
        Callback::from(move |e: web_sys::Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            state.set(input.checked());
        })
    };
    html! {
        <label class="virtual-toggle" title={t.virtual_time_hint}>
            <input type="checkbox" class="virtual-time" checked={**state} disabled={running} {onchange} />
            { t.virtual_time }
        </label>
    }
}
