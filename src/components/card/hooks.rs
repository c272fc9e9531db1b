//! A card's hooks: its knob texts (remembered per snippet), a link to a moment of a run, and
//! instructions from an embed's host.

use std::rc::Rc;

use protocol::KnobValues;
use yew::prelude::*;

use super::{Remote, RunEvent};
use crate::components::run_state::{Action, Phase, RunState, launch};
use crate::content::Snippet;
use crate::i18n::Lang;
use crate::knobs::{self, check};
use crate::route;
use crate::runner::RunOptions;

/// Sets the knob texts; `true` remembers them for the next visit.
pub type SetValues = Rc<dyn Fn(Vec<String>, bool)>;

/// The knob texts of the snippet `at` (its lesson, and it): `initial` if given, else the ones remembered from
/// the last visit, else the defaults; and how to set them. An embed (`embedded`) leaves the
/// course's remembered knobs alone.
#[hook]
pub fn use_knob_values(
    at: (&'static str, &'static Snippet),
    initial: Option<Rc<Vec<(String, String)>>>,
    embedded: bool,
) -> (UseStateHandle<Vec<String>>, SetValues) {
    let (lesson, snippet) = at;
    let key = format!("knobs.{lesson}/{}", snippet.id);
    let values = {
        let key = key.clone();
        use_state(move || {
            let defaults = defaults(snippet);
            match initial {
                Some(given) => knobs::merged(snippet.knobs, defaults, &given),
                None => knobs::remembered(&key, snippet.knobs, defaults),
            }
        })
    };
    let set: SetValues = {
        let values = values.clone();
        Rc::new(move |next: Vec<String>, remember: bool| {
            if !embedded {
                knobs::remember(&key, snippet.knobs, remember.then_some(next.as_slice()));
            }
            values.set(next);
        })
    };
    (values, set)
}

/// Each knob's default, as text.
pub fn defaults(snippet: &Snippet) -> Vec<String> {
    snippet
        .knobs
        .iter()
        .map(|k| k.spec.default.to_string())
        .collect()
}

/// Something a link to a moment asked that could not be done as asked.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkNote {
    /// The link's knobs, some perhaps not the snippet's.
    UnknownKnobs(Vec<(String, String)>),
    /// The snippet runs on the page's thread: it waits for Run.
    PageThread,
    /// The `replay` value names no event.
    Replay(route::ReplayProblem),
    /// The event is past the end of the run (of `len` events).
    PastEnd { at: usize, len: usize },
}

impl LinkNote {
    /// The note in `lang`, if there is anything to say.
    pub fn text(&self, snippet: &Snippet, lang: Lang) -> Option<String> {
        match self {
            LinkNote::UnknownKnobs(given) => knobs::unknown(snippet.knobs, given, lang),
            LinkNote::PageThread => Some(lang.page_thread_link().to_owned()),
            LinkNote::Replay(problem) => Some(lang.replay_problem(problem)),
            LinkNote::PastEnd { at, len } => Some(lang.replay_past_end(*at, *len)),
        }
    }
}

/// What [`use_moment`] works on.
pub struct MomentLink {
    pub state: UseReducerHandle<RunState>,
    pub values: UseStateHandle<Vec<String>>,
    pub virtual_time: UseStateHandle<bool>,
    /// Where to say what the link asked that could not be done as asked.
    pub notes: UseStateHandle<Vec<LinkNote>>,
    /// The snippet, and its lesson.
    pub at: (&'static str, &'static Snippet),
    /// The moment the URL asks for.
    pub moment: Option<route::Moment>,
    /// The runner can take the run.
    pub ready: bool,
    pub lang: Lang,
}

/// A link to a moment: once the runner is ready, runs with the link's knobs and clock, and
/// opens the replay at its event when the run ends. What the link asked that cannot be done
/// as asked (an unknown knob, an event that does not exist) goes to the notes.
#[hook]
pub fn use_moment(link: MomentLink) {
    let MomentLink {
        state,
        values,
        virtual_time,
        notes,
        at: (lesson, snippet),
        moment,
        ready,
        lang,
    } = link;
    let pending_seek = use_mut_ref(|| None::<usize>);
    let clean = moment.as_ref().is_some_and(|m| m.problem.is_none());
    {
        let (state, pending_seek, notes) = (state.clone(), pending_seek.clone(), notes.clone());
        use_effect_with((moment, ready), move |(moment, ready)| {
            let Some(moment) = moment else {
                return;
            };
            // The link's texts, each in the form the knob shows (`+3` and `3.0` as `3`).
            let texts = knobs::merged(snippet.knobs, defaults(snippet), &moment.knobs);
            let given: Option<KnobValues> = snippet
                .knobs
                .iter()
                .zip(&texts)
                .map(|(k, text)| Some((k.spec.name.to_owned(), check(k, text, lang).ok()?)))
                .collect();
            values.set(texts);
            virtual_time.set(moment.virtual_time);
            let mut said = vec![LinkNote::UnknownKnobs(moment.knobs.clone())];
            // A page-thread snippet never starts by itself: it freezes the page.
            if snippet.page_thread {
                said.push(LinkNote::PageThread);
            } else {
                said.extend(moment.problem.clone().map(LinkNote::Replay));
            }
            notes.set(said);
            // Bad knobs in the link: they show beside the knobs, and nothing runs.
            if let (Some(given), true, false) = (given, *ready, snippet.page_thread) {
                *pending_seek.borrow_mut() = Some(moment.at);
                let options = RunOptions {
                    virtual_time: moment.virtual_time,
                    ..RunOptions::default()
                };
                launch(
                    &state,
                    (lesson, snippet.id),
                    given,
                    options,
                    Box::new(|_| {}),
                );
            }
        });
    }
    let (dispatcher, len) = (state.dispatcher(), state.len);
    use_effect_with(state.phase, move |phase| {
        if !phase.live()
            && *phase != Phase::Idle
            && let Some(at) = pending_seek.borrow_mut().take()
        {
            // An event number past this run's end: the end, and a word why.
            if clean && at > len {
                let mut said = (*notes).clone();
                said.push(LinkNote::PastEnd { at, len });
                notes.set(said);
            }
            dispatcher.dispatch(Action::Seek(at));
        }
    });
}

/// What [`use_remote`] works on.
pub struct RemoteControl {
    /// The latest instruction, numbered so that the same one can come twice.
    pub remote: Option<(u32, Remote)>,
    pub snippet: &'static Snippet,
    pub values: UseStateHandle<Vec<String>>,
    pub set_values: SetValues,
    /// As the Run and Stop buttons.
    pub run_now: Rc<dyn Fn()>,
    pub stop_now: Rc<dyn Fn()>,
    /// Why Run would be refused now, if it would.
    pub why_not: Option<String>,
    pub running: bool,
    /// Told when an instruction is refused.
    pub on_run_event: Callback<RunEvent>,
    pub lang: Lang,
}

/// An instruction from outside (the embed page's host), carried out once per number.
#[hook]
pub fn use_remote(control: RemoteControl) {
    let RemoteControl {
        remote,
        snippet,
        values,
        set_values,
        run_now,
        stop_now,
        why_not,
        running,
        on_run_event: refuse,
        lang,
    } = control;
    use_effect_with(remote.as_ref().map(|(n, _)| *n), move |_| {
        match remote.map(|(_, r)| r) {
            Some(Remote::Run) => match why_not {
                Some(why) => refuse.emit(RunEvent::Refused(why)),
                None => run_now(),
            },
            Some(Remote::Stop) => stop_now(),
            Some(Remote::SetKnobs(_)) if running => {
                refuse.emit(RunEvent::Refused(lang.t().running.to_owned()))
            }
            Some(Remote::SetKnobs(given)) => {
                if let Some(why) = knobs::unknown(snippet.knobs, &given, lang) {
                    refuse.emit(RunEvent::Refused(why));
                }
                let next = knobs::merged(snippet.knobs, (*values).clone(), &given);
                // A value out of range shows beside its knob, as if typed there.
                for (knob, text) in snippet.knobs.iter().zip(&next) {
                    if let Err(why) = check(knob, text, lang) {
                        refuse.emit(RunEvent::Refused(why));
                    }
                }
                set_values(next, false);
            }
            None => {}
        }
    });
}
