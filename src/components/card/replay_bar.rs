//! A card's replay bar: the scrubber over the run's events, ◀ and ▶ (one step while stepping,
//! one event after a run), a turn of the executor at a time where the snippet asks, and a link
//! to the moment shown.
//!
//! Drawn in the card's own render, not as a component of its own: a component's render can be
//! put off to a later task, and a scrubber key pressed in between would be set back.

use yew::prelude::*;

use super::dom::copy_to_clipboard;
use crate::components::run_state::{Action, Phase, RunState};
use crate::i18n::Lang;
use crate::route;

/// What the replay bar shows.
pub struct ReplayProps {
    pub state: UseReducerHandle<RunState>,
    /// Events shown.
    pub shown: usize,
    /// The link to the moment shown, once the run is over.
    pub moment_link: Option<String>,
    /// On the embed page, the link opens the full course.
    pub embedded: bool,
    /// The card's element id, for the scrubber's label.
    pub dom_id: AttrValue,
    /// Also offer moving a whole turn of the executor at a time (`// tutor: turns`).
    pub turn_steps: bool,
    /// "Copied" shows for a moment after the link is copied.
    pub link_copied: UseStateHandle<bool>,
    pub lang: Lang,
}

/// The scrubber, the step buttons and the moment link.
pub fn replay_bar(props: &ReplayProps) -> Html {
    let (lang, t) = (props.lang, props.lang.t());
    let (state, shown) = (&props.state, props.shown);
    // While stepping, ◀ and ▶ move between the moments the executor paused (one step each);
    // after a run, one event at a time.
    let seek_by = |delta: isize| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let mut here = state.cursor.unwrap_or(state.len);
            let at = if state.phase == Phase::Stepping {
                let replay = state.replay.borrow();
                let pauses = || replay.pauses().iter().copied().filter(|p| *p <= state.len);
                if state.cursor.is_none() {
                    // Live: "here" is the latest pause, whatever arrived after it.
                    here = pauses().next_back().unwrap_or(here);
                }
                let mut pauses = pauses();
                if delta < 0 {
                    pauses.rfind(|p| *p < here).unwrap_or(0)
                } else {
                    pauses.find(|p| *p > here).unwrap_or(state.len)
                }
            } else {
                (here as isize + delta).clamp(0, state.len as isize) as usize
            };
            state.dispatch(Action::Seek(at));
        })
    };
    // A turn at a time: to the end of the turn before the moment shown, or of the next one.
    let seek_turn = |delta: isize| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let here = state.cursor.unwrap_or(state.len);
            let at = {
                let replay = state.replay.borrow();
                let mut ends = replay
                    .turn_ends()
                    .iter()
                    .copied()
                    .filter(|e| *e <= state.len);
                if delta < 0 {
                    ends.rfind(|e| *e < here).unwrap_or(0)
                } else {
                    ends.find(|e| *e > here).unwrap_or(state.len)
                }
            };
            state.dispatch(Action::Seek(at));
        })
    };
    let on_scrub = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Ok(at) = input.value().parse::<usize>() {
                state.dispatch(Action::Seek(at));
            }
        })
    };
    let link_copied = &props.link_copied;
    let on_moment_link = {
        let link_copied = link_copied.clone();
        let link = props.moment_link.clone().unwrap_or_default();
        Callback::from(move |e: MouseEvent| {
            // Copy the full address rather than follow the link: the run is already here.
            e.prevent_default();
            copy_to_clipboard(&route::course_url(&link));
            link_copied.set(true);
            let link_copied = link_copied.clone();
            gloo_timers::callback::Timeout::new(2000, move || link_copied.set(false)).forget();
        })
    };
    let input_id = format!("{}-replay", props.dom_id);
    html! {
        <div class="replay">
            <label for={input_id.clone()}>{ t.replay }</label>
            if props.turn_steps {
                <button type="button" class="turn-back" onclick={seek_turn(-1)}
                        disabled={shown == 0} title={t.turn_back}>{ t.turn_back_short }</button>
            }
            <button type="button" class="step-back" onclick={seek_by(-1)}
                    disabled={shown == 0} aria-label="◀">{ "◀" }</button>
            <input id={input_id} class="scrubber" type="range" min="0"
                   max={state.len.to_string()} step="1" value={shown.to_string()}
                   oninput={on_scrub} aria-valuetext={lang.event_of(shown, state.len)} />
            <button type="button" class="step-forward" onclick={seek_by(1)}
                    disabled={shown >= state.len} aria-label="▶">{ "▶" }</button>
            if props.turn_steps {
                <button type="button" class="turn-forward" onclick={seek_turn(1)}
                        disabled={shown >= state.len} title={t.turn_forward}>{ t.turn_forward_short }</button>
            }
            <span class="position" data-shown={shown.to_string()}>{ lang.event_of(shown, state.len) }</span>
            if let Some(link) = props.moment_link.clone() {
                <a class="moment-link" href={if props.embedded { route::course_url(&link) } else { link }}
                   onclick={on_moment_link}>
                    { if **link_copied { t.link_copied } else { t.link_to_moment } }
                </a>
            }
        </div>
    }
}
