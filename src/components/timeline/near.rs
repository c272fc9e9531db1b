//! Which stretch of a tall drawing is on screen or near it, kept current as the page scrolls:
//! a timeline of hundreds of lanes draws only those, so a move of the replay redraws a screenful.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use gloo_render::{AnimationFrame, request_animation_frame};
use yew::prelude::*;

/// Where a drawing stands against the screen, in the drawing's units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Near {
    /// The stretch on screen.
    pub on_screen: (f64, f64),
    /// The stretch on screen or within half a screen of it.
    pub around: (f64, f64),
}

/// Where the drawing in `node` (`units_wide` across) stands against the screen, its stretches
/// rounded out to multiples of `step`. `None` until it has been measured. It is measured again
/// when the page scrolls or resizes (once a frame at most) and when `recheck` changes.
#[hook]
pub fn use_near_screen(node: NodeRef, units_wide: f64, step: f64, recheck: usize) -> Option<Near> {
    let near = use_state_eq(|| None::<Near>);
    let measure = {
        let set = near.setter();
        Rc::new(move || {
            if let Some(found) = node
                .cast::<web_sys::Element>()
                .and_then(|el| near_screen(&el, units_wide, step))
            {
                set.set(Some(found));
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
fn near_screen(el: &web_sys::Element, units_wide: f64, step: f64) -> Option<Near> {
    let rect = el.get_bounding_client_rect();
    let screen_h = web_sys::window()?.inner_height().ok()?.as_f64()?;
    if rect.width() <= 0.0 || screen_h <= 0.0 {
        return None;
    }
    let stretch =
        |margin| near_stretch(rect.top(), rect.width(), screen_h, units_wide, step, margin);
    Some(Near {
        on_screen: stretch(0.0),
        around: stretch(screen_h / 2.0),
    })
}

/// The stretch of a drawing `units_wide` units across, drawn `width_px` wide with its top at
/// `top_px` on a screen `screen_h` high, that is on screen or within `margin_px` of it.
pub fn near_stretch(
    top_px: f64,
    width_px: f64,
    screen_h: f64,
    units_wide: f64,
    step: f64,
    margin_px: f64,
) -> (f64, f64) {
    let per_px = units_wide / width_px;
    let top = (-top_px - margin_px) * per_px;
    let bottom = (screen_h - top_px + margin_px) * per_px;
    (
        ((top / step).floor() * step).max(0.0),
        ((bottom / step).ceil() * step).max(0.0),
    )
}

#[cfg(test)]
mod tests {
    use super::near_stretch;

    #[test]
    fn the_stretch_covers_the_screen_and_the_margin_around_it() {
        // A drawing 800 units drawn 400 px wide (2 units a px), its top 100 px below the
        // screen's top, on a screen 600 px high: 0 to 500 px of it are on screen, 800 with the
        // margin, so 0 to 1600 units, rounded out to steps of 230.
        assert_eq!(
            near_stretch(100.0, 400.0, 600.0, 800.0, 230.0, 300.0),
            (0.0, 1610.0)
        );
        // Without the margin: 0 to 500 px, 0 to 1000 units.
        assert_eq!(
            near_stretch(100.0, 400.0, 600.0, 800.0, 100.0, 0.0),
            (0.0, 1000.0)
        );
        // Scrolled 2000 px down the drawing: 1700 to 2900 px are near, 3400 to 5800 units.
        assert_eq!(
            near_stretch(-2000.0, 400.0, 600.0, 800.0, 100.0, 300.0),
            (3400.0, 5800.0)
        );
        // Far below the screen: an empty stretch at the top.
        assert_eq!(
            near_stretch(5000.0, 400.0, 600.0, 800.0, 100.0, 300.0),
            (0.0, 0.0)
        );
    }
}
