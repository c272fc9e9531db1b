//! A lesson page: its prose with snippet cards in place, and links to its neighbours.

use yew::prelude::*;

use super::card::SnippetCard;
use super::compare::CompareCard;
use super::schedulers::SchedulerCard;
use crate::content::{self, LESSONS, Segment};
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
    pub lang: Lang,
}

#[component]
pub fn LessonPage(props: &LessonProps) -> Html {
    let lesson = content::lesson(props.id).expect("the shell only routes to lessons that exist");
    let text = lesson.text(props.lang);
    use_effect_with(props.id, |id| crate::progress::visited(id));
    // A deep link scrolls to its card (or to a heading of that id); a new lesson starts at the
    // top.
    use_effect_with((props.id, props.snippet.clone()), |(_, snippet)| {
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
    });
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
    // A link to a card or heading this lesson does not have (in any language): say so.
    let missing =
        props.snippet.as_deref().filter(|s| {
            let heading = format!("id=\"{s}\"");
            lesson.snippet(s).is_none()
                && !lesson.texts.iter().flat_map(|t| t.segments).any(
                    |seg| matches!(seg, Segment::Html(html) if html.contains(heading.as_str())),
                )
        });
    // A card's title is a section of its own (h2) until the prose opens its first section (h2),
    // then a part of that section (h3): heading levels never skip one.
    let mut sections_started = false;
    let mut card_level = move |segment: &Segment| {
        if let Segment::Html(html) = segment {
            sections_started |= html.contains("<h2");
        }
        if sections_started { 3 } else { 2 }
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
            { for text.segments.iter().map(|segment| match (card_level(segment), segment) {
                (_, Segment::Html(html)) => html! {
                    <div class="prose">{ Html::from_html_unchecked((*html).into()) }</div>
                },
                (level, Segment::Snippet { id, title })
                    if content::snippet(lesson.id, id).is_some_and(|s| s.schedulers) => html! {
                    <SchedulerCard key={*id} lesson={lesson.id} snippet={*id} title={*title} lang={props.lang} {level} />
                },
                (level, Segment::Snippet { id, title }) => html! {
                    <SnippetCard key={*id} lesson={lesson.id} snippet={*id} title={*title} lang={props.lang} {level}
                                 targeted={props.snippet.as_deref() == Some(*id)}
                                 moment={props.moment.clone().filter(|_| props.snippet.as_deref() == Some(*id))} />
                },
                (level, Segment::Compare { a, b, title, sides }) => html! {
                    <CompareCard a={*a} b={*b} title={*title} sides={*sides} lang={props.lang} {level} />
                },
            }) }
            <nav class="prev-next" aria-label={format!("{} / {}", t.previous, t.next)}>
                { neighbour(index.checked_sub(1), "prev", t.previous).unwrap_or_default() }
                { neighbour(Some(index + 1), "next", t.next).unwrap_or_default() }
            </nav>
        </article>
    }
}
