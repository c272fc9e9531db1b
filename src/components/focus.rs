//! Keeping keyboard focus on a card's controls through a run.
//!
//! Run disables itself (and the knobs) while a run goes on, and Stop disables itself when it
//! ends; a focused control that becomes disabled drops focus to `<body>`, where a keyboard or
//! screen-reader user loses their place. The card calls [`use_keep_focus`]: when the control
//! that had focus is disabled by a change of phase, focus moves to Stop while the run goes on,
//! and back to where the run was started from (Run, Step or a knob) when it ends, else to Run.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

/// Where focus goes when the focused control is disabled: Stop while `live`, else the control
/// the run was started from if it can take focus again, else Run.
pub fn focus_target(live: bool, origin_enabled: bool) -> &'static str {
    match (live, origin_enabled) {
        (true, _) => "button.stop",
        (false, true) => "origin",
        (false, false) => "button.run",
    }
}

fn enabled(el: &Element) -> bool {
    !el.matches(":disabled").unwrap_or(true) && el.is_connected()
}

/// Call with the card's root and its phase (any value that changes when controls are enabled
/// or disabled) and whether a run is live; put the returned callback on the card's `onfocusin`.
#[hook]
pub fn use_keep_focus(card: NodeRef, phase: &'static str, live: bool) -> Callback<FocusEvent> {
    // The control in the card that had focus last, and the one the current run started from.
    let last = use_mut_ref(|| None::<Element>);
    let origin: Rc<RefCell<Option<Element>>> = use_mut_ref(|| None);
    {
        let last = last.clone();
        use_effect_with(phase, move |_| {
            let (Some(card), Some(doc)) = (
                card.cast::<Element>(),
                web_sys::window().and_then(|w| w.document()),
            ) else {
                return;
            };
            let Some(had) = last.borrow().clone() else {
                return;
            };
            // Only when focus is falling from a control of this card that has just been
            // disabled: never take focus from where the reader has moved it.
            let active = doc.active_element();
            let fell = match &active {
                None => true,
                Some(a) => doc.body().is_some_and(|b| b.is_same_node(Some(a))) || a == &had,
            };
            if enabled(&had) || !fell || !card.contains(Some(&had)) {
                return;
            }
            if live {
                origin.borrow_mut().replace(had);
            }
            let back = origin.borrow().clone().filter(enabled);
            let target = match focus_target(live, back.is_some()) {
                "origin" => back,
                selector => card
                    .query_selector(&format!("{selector}:not(:disabled)"))
                    .ok()
                    .flatten(),
            };
            if let Some(el) = target.and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
                let _ = el.focus();
            }
        });
    }
    Callback::from(move |e: FocusEvent| {
        if let Some(el) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) {
            last.borrow_mut().replace(el);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::focus_target;

    #[test]
    fn focus_goes_to_stop_then_back() {
        assert_eq!(focus_target(true, true), "button.stop");
        assert_eq!(focus_target(true, false), "button.stop");
        assert_eq!(focus_target(false, true), "origin");
        assert_eq!(focus_target(false, false), "button.run");
    }
}
