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

/// Knob values a card keeps in local storage under its own key (a comparison, a scheduler
/// card): the text of each knob, and the defaults that Reset brings back.
#[derive(Clone)]
pub struct RememberedKnobs {
    key: String,
    knobs: Vec<&'static Knob>,
    pub values: UseStateHandle<Vec<String>>,
    defaults: Vec<String>,
}

/// The values of `knobs` remembered under `key`, or their defaults.
#[hook]
pub fn use_remembered_knobs(key: String, knobs: Vec<&'static Knob>) -> RememberedKnobs {
    let defaults: Vec<String> = knobs.iter().map(|k| k.spec.default.to_string()).collect();
    let values = {
        let (key, knobs, defaults) = (key.clone(), knobs.clone(), defaults.clone());
        use_state(move || crate::knobs::remembered(&key, &knobs, defaults))
    };
    RememberedKnobs {
        key,
        knobs,
        values,
        defaults,
    }
}

impl RememberedKnobs {
    /// The fieldset: a field per knob (its message from `checked`), and Reset.
    pub fn fieldset(
        &self,
        dom_id: &str,
        checked: &[Result<f64, String>],
        running: bool,
        lang: Lang,
    ) -> Html {
        let t = lang.t();
        let on_reset = {
            let me = self.clone();
            Callback::from(move |_: MouseEvent| {
                crate::knobs::remember(&me.key, &me.knobs, None);
                me.values.set(me.defaults.clone());
            })
        };
        html! {
            <fieldset class="knobs" disabled={running}>
                <legend>{ t.knobs }</legend>
                { for self.knobs.iter().enumerate().map(|(i, knob)| {
                    let on_input = {
                        let me = self.clone();
                        Callback::from(move |e: InputEvent| {
                            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                            let mut next = (*me.values).clone();
                            next[i] = input.value();
                            crate::knobs::remember(&me.key, &me.knobs, Some(&next));
                            me.values.set(next);
                        })
                    };
                    knob_field(&format!("{dom_id}-{}", knob.spec.name), knob, &self.values[i],
                               checked[i].clone().err(), lang, on_input)
                }) }
                <button type="button" class="reset-knobs" onclick={on_reset}
                        disabled={*self.values == self.defaults}>{ t.reset }</button>
            </fieldset>
        }
    }
}
