//! Which stretch of a tall drawing is on screen or near it, kept current as the page scrolls:
//! a timeline of hundreds of lanes draws only those, so a move of the replay redraws a screenful.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use gloo_render::{AnimationFrame, request_animation_frame};
use yew::prelude::*;

/// The stretch `(top, bottom)` of the drawing in `node`, in the drawing's units (`units_wide`
/// across), that is on screen or within half a screen of it, rounded out to multiples of
/// `step`. `None` until it has been measured. It is measured again when the page scrolls or
/// resizes (once a frame at most) and when `recheck` changes.
#[hook]
pub fn use_near_screen(
    node: NodeRef,
    units_wide: f64,
    step: f64,
    recheck: usize,
) -> Option<(f64, f64)> {
    let near = use_state_eq(|| None::<(f64, f64)>);
    let measure = {
        let set = near.setter();
        Rc::new(move || {
            if let Some(stretch) = node
                .cast::<web_sys::Element>()
                .and_then(|el| stretch_near_screen(&el, units_wide, step))
            {
                set.set(Some(stretch));
            }
        })
    };
    {
        let measure = measure.clone();
        use_effect_with((), move |_| {
            let window = web_sys::window().expect("a window");
            let pending: Rc<RefCell<Option<AnimationFrame>>> = Rc::default();
            let on_move = move |_: &web_sys::Event| {
                if pending.borrow().is_some() {
                    return;
                }
                let (measure, done) = (measure.clone(), pending.clone());
                *pending.borrow_mut() = Some(request_animation_frame(move |_| {
                    done.borrow_mut().take();
                    measure();
                }));
            };
            let scroll = EventListener::new(&window, "scroll", on_move.clone());
            let resize = EventListener::new(&window, "resize", on_move);
            move || drop((scroll, resize))
        });
    }
    use_effect_with(recheck, move |_| measure());
    *near
}

/// See [`use_near_screen`]; `None` when the element is not laid out.
fn stretch_near_screen(el: &web_sys::Element, units_wide: f64, step: f64) -> Option<(f64, f64)> {
    let rect = el.get_bounding_client_rect();
    let screen_h = web_sys::window()?.inner_height().ok()?.as_f64()?;
    if rect.width() <= 0.0 || screen_h <= 0.0 {
        return None;
    }
    Some(near_stretch(
        rect.top(),
        rect.width(),
        screen_h,
        units_wide,
        step,
    ))
}

/// The stretch of a drawing `units_wide` units across, drawn `width_px` wide with its top at
/// `top_px` on a screen `screen_h` high, that is within half a screen of the screen.
pub fn near_stretch(
    top_px: f64,
    width_px: f64,
    screen_h: f64,
    units_wide: f64,
    step: f64,
) -> (f64, f64) {
    let per_px = units_wide / width_px;
    let margin = screen_h / 2.0;
    let top = (-top_px - margin) * per_px;
    let bottom = (screen_h - top_px + margin) * per_px;
    (
        ((top / step).floor() * step).max(0.0),
        ((bottom / step).ceil() * step).max(0.0),
    )
}

#[cfg(test)]
mod tests {
    use super::near_stretch;

    #[test]
    fn the_stretch_covers_the_screen_and_half_a_screen_around_it() {
        // A drawing 800 units drawn 400 px wide (2 units a px), its top 100 px below the
        // screen's top, on a screen 600 px high: 0 to 500 px of it are on screen, 800 with the
        // margin, so 0 to 1600 units, rounded out to steps of 230.
        assert_eq!(
            near_stretch(100.0, 400.0, 600.0, 800.0, 230.0),
            (0.0, 1610.0)
        );
        // Scrolled 2000 px down the drawing: 1700 to 2900 px are near, 3400 to 5800 units.
        assert_eq!(
            near_stretch(-2000.0, 400.0, 600.0, 800.0, 100.0),
            (3400.0, 5800.0)
        );
        // Far below the screen: an empty stretch at the top.
        assert_eq!(near_stretch(5000.0, 400.0, 600.0, 800.0, 100.0), (0.0, 0.0));
    }
}
