//! The embed page: one snippet card, no site chrome, a link back to the course, and the
//! postMessage bridge to the page that frames it (src/embed.rs).

use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

use super::UpdateBanner;
use super::card::{Remote, RunEvent, SnippetCard};
use crate::content::{self, Loaded, use_lesson_content};
use crate::embed::{Command, Host, KnobInfo, Notice, Params};
use crate::i18n::Lang;
use crate::route;
use crate::runner::{NetStatus, use_net_status};

#[component]
pub fn EmbedPage() -> Html {
    let params = use_memo((), |_| Params::current());
    let host = use_memo((), {
        let params = params.clone();
        move |_| Host::new(&params)
    });
    let lang = Lang::detect();
    lang.set_current();
    let t = lang.t();
    let net = use_net_status();
    let remote = use_state(|| None::<(u32, Remote)>);
    let root = use_node_ref();
    let found =
        content::lesson(&params.lesson).and_then(|l| Some((l, l.snippet(&params.snippet)?)));
    let (loaded, retry) = use_lesson_content(found.map(|(l, _)| l.text(lang)));
    // Painted: compile the runner program the card needs, before the first Run.
    use_effect_with(params.lesson.clone(), |lesson| {
        crate::runner::bridge().prepare(Some(lesson));
    });

    // Commands from the host become numbered instructions for the card.
    {
        let (host, remote) = (host.clone(), remote.clone());
        use_effect_with((), move |_| {
            let listener = (*host).as_ref().map(|h| {
                let reply = h.clone();
                let count = Rc::new(std::cell::Cell::new(0u32));
                h.listen(move |command| {
                    let instruction = match command {
                        Ok(Command::Run) => Remote::Run,
                        Ok(Command::Stop) => Remote::Stop,
                        Ok(Command::SetKnobs { knobs }) => {
                            Remote::SetKnobs(Command::knob_texts(&knobs))
                        }
                        Err(detail) => {
                            let message = lang.embed_bad_command(&detail);
                            return reply.post(&Notice::Error { message });
                        }
                    };
                    count.set(count.get() + 1);
                    remote.set(Some((count.get(), instruction)));
                })
            });
            move || drop(listener)
        });
    }
    // The host sizes its frame to the content.
    {
        let (host, root) = (host.clone(), root.clone());
        use_effect_with((), move |_| {
            let observer = (*host).as_ref().and_then(|h| {
                let h = h.clone();
                let element = root.cast::<web_sys::HtmlElement>()?;
                let measured = element.clone();
                let last = std::cell::Cell::new(-1.0);
                let on_resize = Closure::<dyn Fn()>::new(move || {
                    let height = f64::from(measured.offset_height());
                    if height != last.replace(height) {
                        h.post(&Notice::Size { height });
                    }
                });
                let observer =
                    web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok()?;
                observer.observe(&element);
                Some((observer, on_resize))
            });
            move || {
                if let Some((observer, _)) = observer {
                    observer.disconnect();
                }
            }
        });
    }
    // Ready once the runner knows its network.
    {
        let (host, params) = (host.clone(), params.clone());
        let ready = net != NetStatus::Pending;
        use_effect_with(ready, move |ready| {
            let (true, Some(h)) = (*ready, (*host).as_ref()) else {
                return;
            };
            let Some((lesson, snippet)) = found else {
                // Never ready: say why, so a host waiting for `ready` is not left guessing.
                h.post(&Notice::Error {
                    message: lang.embed_no_snippet(&params.lesson, &params.snippet),
                });
                return;
            };
            h.post(&Notice::Ready {
                lesson: lesson.id.into(),
                snippet: snippet.id.into(),
                knobs: snippet
                    .knobs
                    .iter()
                    .map(|k| KnobInfo {
                        name: k.spec.name,
                        min: k.spec.min.into(),
                        max: k.spec.max.into(),
                        value: params
                            .knobs
                            .iter()
                            .rev()
                            .find(|(name, _)| name == k.spec.name)
                            .map_or_else(|| k.spec.default.to_string(), |(_, v)| v.clone()),
                    })
                    .collect(),
            });
        });
    }
    let on_run_event = {
        let host = host.clone();
        Callback::from(move |event: RunEvent| {
            let Some(h) = (*host).as_ref() else { return };
            h.post(&match event {
                RunEvent::Started => Notice::Started,
                RunEvent::Ended {
                    elapsed_ms,
                    error,
                    stopped,
                } => Notice::Finished {
                    outcome: match (stopped, &error) {
                        (true, _) => "stopped",
                        (false, Some(_)) => "failed",
                        (false, None) => "finished",
                    },
                    elapsed_ms,
                    error,
                },
                RunEvent::Refused(message) => Notice::Error { message },
            });
        })
    };

    let body = match (found, loaded) {
        (Some((lesson, snippet)), Loaded::Ready(content)) => {
            let title = content
                .snippet(lesson.id, snippet.id)
                .map(|s| s.title.as_str());
            html! {
                <>
                if let Some(why) = crate::knobs::unknown(snippet.knobs, &params.knobs, lang) {
                    <p class="note embed-knobs-error" role="alert">{ why }</p>
                }
                <SnippetCard lesson={lesson.id} snippet={snippet.id}
                             {title} {lang}
                             embedded=true level={1} initial_knobs={Rc::new(params.knobs.clone())}
                             remote={(*remote).clone()} {on_run_event} />
                <p class="embed-foot">
                    <a class="open-full" href={route::course_url(&route::href(lesson.id, Some(snippet.id)))}
                       target="_blank" rel="noopener">{ t.open_full }</a>
                </p>
                </>
            }
        }
        (Some(_), not_yet) => super::lesson::not_ready(&not_yet, lang, &retry),
        (None, _) => html! {
            <p class="embed-missing" role="alert">
                { t.embed_not_found }{ " " }
                <code>{ format!("lesson={} snippet={}", params.lesson, params.snippet) }</code>{ ". " }
                <a class="open-full" href={route::course_url("")} target="_blank" rel="noopener">{ t.open_full }</a>
            </p>
        },
    };
    // The page is the card alone: its main landmark, with the card's title as the page's h1
    // (the card's own headings follow from it) and the link back inside.
    html! {
        <main class="embed" ref={root} lang={lang.code()} data-network={net.attr()}>
            <UpdateBanner {lang} />
            { body }
        </main>
    }
}
