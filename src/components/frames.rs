//! A frame counter: counts the frames the page paints, so a frozen page shows as a counter
//! that stops.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::i18n::Lang;

/// The callback each frame runs, which asks for the next frame.
type FrameCallback = Closure<dyn FnMut()>;

#[derive(Properties, PartialEq)]
pub struct FramesProps {
    pub lang: Lang,
}

/// Counts animation frames while it is on the page. It re-renders only itself.
#[component]
pub fn FrameCounter(props: &FramesProps) -> Html {
    let frames = use_state(|| 0u64);
    {
        let frames = frames.setter();
        use_effect_with((), move |_| {
            let window = web_sys::window().expect("a window");
            let count = Rc::new(RefCell::new(0u64));
            let next: Rc<RefCell<Option<FrameCallback>>> = Rc::default();
            let handle = Rc::new(RefCell::new(0));
            {
                let (next2, window2, handle2) = (next.clone(), window.clone(), handle.clone());
                *next.borrow_mut() = Some(Closure::new(move || {
                    *count.borrow_mut() += 1;
                    frames.set(*count.borrow());
                    if let Some(f) = next2.borrow().as_ref()
                        && let Ok(h) = window2.request_animation_frame(f.as_ref().unchecked_ref())
                    {
                        *handle2.borrow_mut() = h;
                    }
                }));
            }
            if let Some(f) = next.borrow().as_ref()
                && let Ok(h) = window.request_animation_frame(f.as_ref().unchecked_ref())
            {
                *handle.borrow_mut() = h;
            }
            move || {
                let _ = window.cancel_animation_frame(*handle.borrow());
                next.borrow_mut().take();
            }
        });
    }
    html! {
        <span class="frame-counter" data-frames={frames.to_string()} aria-hidden="true">
            <span class="spinner"></span>
            { format!("{} {}", props.lang.t().frames, *frames) }
        </span>
    }
}
