//! A lesson page: its prose with snippet cards in place, and links to its neighbours.

use yew::prelude::*;

use super::card::SnippetCard;
use super::compare::CompareCard;
use super::schedulers::SchedulerCard;
use crate::content::{self, LESSONS, Loaded, Segment, use_lesson_content};
use crate::i18n::{Lang, lesson_label};
use crate::route;

#[derive(Properties, PartialEq)]
pub struct LessonProps {
    pub id: &'static str,
    /// The snippet the URL points at, if any.
    pub snippet: Option<String>,
    /// A moment of that snippet's run the URL asks for.
    #[prop_or_default]
    pub moment: Option<route::Moment>,
    /// An edit of that snippet the URL carries (a share link's code).
    #[prop_or_default]
    pub code: Option<String>,
    pub lang: Lang,
}

#[component]
pub fn LessonPage(props: &LessonProps) -> Html {
    let lesson = content::lesson(props.id).expect("the shell only routes to lessons that exist");
    let text = lesson.text(props.lang);
    let (loaded, retry) = use_lesson_content(Some(text));
    let ready = matches!(loaded, Loaded::Ready(_));
    use_effect_with(props.id, |id| {
        crate::progress::visited(id);
        // Painted: compile the runner program this lesson's cards need, before the first Run.
        crate::runner::bridge().prepare(Some(id));
    });
    // A deep link scrolls to its card (or to a heading of that id) once the content is here; a
    // new lesson starts at the top.
    use_effect_with(
        (props.id, props.snippet.clone(), ready),
        |(_, snippet, ready)| {
            if !*ready && snippet.is_some() {
                return;
            }
            let window = web_sys::window().expect("a window");
            let document = window.document();
            let target = snippet.as_ref().and_then(|s| {
                let document = document.as_ref()?;
                document
                    .get_element_by_id(&format!("snippet-{s}"))
                    .or_else(|| {
                        document
                            .query_selector(&format!("article.lesson [id=\"{s}\"]"))
                            .ok()?
                    })
            });
            match target {
                Some(card) => card.scroll_into_view(),
                None => window.scroll_to_with_x_and_y(0.0, 0.0),
            }
        },
    );
    let index = LESSONS.iter().position(|l| l.id == lesson.id).unwrap_or(0);
    let neighbour = |i: Option<usize>, rel: &'static str, word: &'static str| {
        i.and_then(|i| LESSONS.get(i)).map(|l| {
            html! {
                <a class={rel} {rel} href={route::href(l.id, None)}>
                    <span class="dir">{ word }</span>
                    <span class="name">{ format!("{} · {}", lesson_label(props.lang, l.number), l.text(props.lang).title) }</span>
                </a>
            }
        })
    };
    let t = props.lang.t();
    // A link to a card or heading this lesson does not have: say so, once the prose is here.
    let missing = match &loaded {
        Loaded::Ready(content) => props
            .snippet
            .as_deref()
            .filter(|s| lesson.snippet(s).is_none() && !content.has_anchor(s)),
        _ => None,
    };
    html! {
        <article class="lesson" lang={text.lang} data-lesson={lesson.id}>
            <header class="lesson-head">
                <p class="lesson-number">{ lesson_label(props.lang, lesson.number) }</p>
                <h1>{ text.title }</h1>
            </header>
            if let Some(missing) = missing {
                <p class="note link-note" role="status">{ props.lang.no_such_place(missing) }</p>
            }
            { match loaded {
                Loaded::Ready(content) => segments(lesson.id, content, props),
                not_yet => not_ready(&not_yet, props.lang, &retry),
            } }
            <nav class="prev-next" aria-label={format!("{} / {}", t.previous, t.next)}>
                { neighbour(index.checked_sub(1), "prev", t.previous).unwrap_or_default() }
                { neighbour(Some(index + 1), "next", t.next).unwrap_or_default() }
            </nav>
        </article>
    }
}

/// What stands in for a lesson's content until it is here: "Loading" (shown only after a
/// moment, see the stylesheet), or why it could not be had, with Try again.
pub fn not_ready(loaded: &Loaded, lang: Lang, retry: &Callback<()>) -> Html {
    let t = lang.t();
    match loaded {
        Loaded::Failed(why) => html! {
            <div class="note content-failed" role="alert">
                <p>{ lang.content_failed(why) }</p>
                <button type="button" onclick={retry.reform(|_: MouseEvent| ())}>{ t.try_again }</button>
            </div>
        },
        _ => html! {
            <p class="note content-loading" role="status" aria-busy="true">{ t.loading_lesson }</p>
        },
    }
}

/// The prose with its cards in place.
fn segments(
    lesson: &'static str,
    content: &'static content::LessonContent,
    props: &LessonProps,
) -> Html {
    // A card's title is a section of its own (h2) until the prose opens its first section (h2),
    // then a part of that section (h3): heading levels never skip one.
    let mut sections_started = false;
    let mut card_level = move |segment: &Segment| {
        if let Segment::Html(html) = segment {
            sections_started |= html.contains("<h2");
        }
        if sections_started { 3 } else { 2 }
    };
    let pair = |(l, id): &'static (String, String)| (l.as_str(), id.as_str());
    html! {
        { for content.segments.iter().map(|segment| match (card_level(segment), segment) {
            (_, Segment::Html(html)) => html! {
                <div class="prose">{ Html::from_html_unchecked(AttrValue::Static(html.as_str())) }</div>
            },
            (level, Segment::Snippet { id, title })
                if content::snippet(lesson, id).is_some_and(|s| s.schedulers) => html! {
                <SchedulerCard key={id.as_str()} {lesson} snippet={id.as_str()} title={title.as_deref()} lang={props.lang} {level} />
            },
            (level, Segment::Snippet { id, title }) => html! {
                <SnippetCard key={id.as_str()} {lesson} snippet={id.as_str()} title={title.as_deref()} lang={props.lang} {level}
                             targeted={props.snippet.as_deref() == Some(id.as_str())}
                             moment={props.moment.clone().filter(|_| props.snippet.as_deref() == Some(id.as_str()))}
                             shared_code={props.code.clone().filter(|_| props.snippet.as_deref() == Some(id.as_str()))} />
            },
            (level, Segment::Compare { a, b, title, sides }) => html! {
                <CompareCard a={pair(a)} b={pair(b)} title={title.as_deref()}
                             sides={sides.as_ref().map(|(x, y)| (x.as_str(), y.as_str()))} lang={props.lang} {level} />
            },
        }) }
    }
}
