//! [`Watched`]: a value of the page that others follow (the network status, a waiting build),
//! with listeners and a hook that keeps a component current.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::thread::LocalKey;

/// Told of each new value.
type Listener<T> = Rc<dyn Fn(&T)>;

/// A value and who follows it; kept in a `thread_local!`.
pub struct Watched<T> {
    value: RefCell<T>,
    listeners: RefCell<Vec<(u32, Listener<T>)>>,
    next_id: Cell<u32>,
}

impl<T: Clone + PartialEq + 'static> Watched<T> {
    /// Starts at `value`, followed by no one.
    pub const fn new(value: T) -> Self {
        Watched {
            value: RefCell::new(value),
            listeners: RefCell::new(Vec::new()),
            next_id: Cell::new(0),
        }
    }

    /// The value now.
    pub fn get(&self) -> T {
        self.value.borrow().clone()
    }

    /// Calls `listener` whenever the value changes, until [`Watched::unfollow`] with the
    /// returned id.
    pub fn follow(&self, listener: impl Fn(&T) + 'static) -> u32 {
        let id = self.next_id.get() + 1;
        self.next_id.set(id);
        self.listeners.borrow_mut().push((id, Rc::new(listener)));
        id
    }

    /// Stops a listener added with [`Watched::follow`].
    pub fn unfollow(&self, id: u32) {
        self.listeners.borrow_mut().retain(|(i, _)| *i != id);
    }
}

/// Sets the value of `key`; if it changed, tells its listeners. No borrow is held while they
/// run, so they may read it, follow or unfollow.
pub fn set<T: Clone + PartialEq + 'static>(key: &'static LocalKey<Watched<T>>, value: T) {
    let listeners: Vec<Listener<T>> = key.with(|w| {
        if *w.value.borrow() == value {
            return Vec::new();
        }
        *w.value.borrow_mut() = value.clone();
        w.listeners
            .borrow()
            .iter()
            .map(|(_, l)| l.clone())
            .collect()
    });
    for listener in listeners {
        listener(&value);
    }
}

/// The value of `key`, kept current for a component.
#[yew::hook]
pub fn use_watched<T: Clone + PartialEq + 'static>(key: &'static LocalKey<Watched<T>>) -> T {
    let state = yew::use_state(|| key.with(Watched::get));
    {
        let state = state.clone();
        yew::use_effect_with((), move |_| {
            // It may have changed between the first render and this effect.
            state.set(key.with(Watched::get));
            let id = key.with(|w| {
                let state = state.clone();
                w.follow(move |v| state.set(v.clone()))
            });
            move || key.with(|w| w.unfollow(id))
        });
    }
    (*state).clone()
}
