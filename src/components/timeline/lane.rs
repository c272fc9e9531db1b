//! One lane of the timeline as its own component, so that a lane whose drawing has not changed
//! is skipped: moving the replay redraws only the lanes the move touched.

use std::fmt::Write as _;
use std::rc::Rc;

use replay::{Lane, LaneOf, Segment, SegmentKind};
use yew::prelude::*;

use super::{GAP, LABEL_PX, LANE_H, WIDTH, describe, end_class, fit_text, fmt_ms, lod, us_ms};
use crate::i18n::Lang;

/// Where the lanes' times are drawn: the plot starts at `label_w`, is `plot_w` wide and spans
/// `span_ms`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    pub label_w: f64,
    pub plot_w: f64,
    pub span_ms: f64,
}

impl Scale {
    /// The drawing's x of `ms`.
    pub fn x(&self, ms: f64) -> f64 {
        self.label_w + (ms / self.span_ms).clamp(0.0, 1.0) * self.plot_w
    }
}

#[derive(Properties)]
pub struct LaneRowProps {
    /// The group's lanes, and which one this row draws.
    pub lanes: Rc<Vec<Lane>>,
    pub index: usize,
    pub group: usize,
    /// The row's top.
    pub y: f64,
    pub scale: Scale,
    /// Where a segment still going ends (the moment shown): given only when the lane has one,
    /// so a lane with none is equal across moments.
    pub open_to: Option<f64>,
    /// For each wake-up of a lane drawn in detail, the middle of the lane that woke it.
    pub wake_from: Vec<Option<f64>>,
    /// This lane's place among the lanes (for ↑/↓), and whether it is the one picked.
    pub place: Option<usize>,
    pub picked: bool,
    /// False for a lane far from the screen: an empty row, with the lane's data attributes.
    pub drawn: bool,
    /// The lane is drawn off screen while the replay moves: it may keep its last drawing (of
    /// an earlier moment) until the moves pause, if it is still at the same place.
    pub may_lag: bool,
    pub on_pick: Callback<Option<usize>>,
    pub lang: Lang,
}

impl LaneRowProps {
    fn lane(&self) -> &Lane {
        &self.lanes[self.index]
    }
}

// By the lane drawn, not by which list holds it: each move of the replay makes new lists.
impl PartialEq for LaneRowProps {
    fn eq(&self, other: &Self) -> bool {
        self.lane() == other.lane()
            && self.group == other.group
            && self.y == other.y
            && self.scale == other.scale
            && self.open_to == other.open_to
            && self.wake_from == other.wake_from
            && self.place == other.place
            && self.picked == other.picked
            && self.drawn == other.drawn
            && self.may_lag == other.may_lag
            && self.on_pick == other.on_pick
            && self.lang == other.lang
    }
}

/// A lane: its label, rule and end mark, and its segments and wake-ups, one element each when
/// there are few, else as a few paths by level of detail.
#[component]
pub fn LaneRow(props: &LaneRowProps) -> Html {
    // The last drawing of the lane, with where it was drawn.
    let last = use_mut_ref(|| None::<(f64, bool, Html)>);
    if props.may_lag
        && props.drawn
        && let Some((y, picked, html)) = &*last.borrow()
        && *y == props.y
        && *picked == props.picked
    {
        return html.clone();
    }
    let html = draw(props);
    *last.borrow_mut() = props.drawn.then(|| (props.y, props.picked, html.clone()));
    html
}

/// The lane as its props say it is now.
fn draw(props: &LaneRowProps) -> Html {
    let (lane, y, scale, lang) = (props.lane(), props.y, props.scale, props.lang);
    let x = |ms: f64| scale.x(ms);
    let span = scale.span_ms;
    let open_to = props.open_to.unwrap_or(span);
    let kind = match lane.of {
        LaneOf::Task(_) => "task-lane",
        LaneOf::Request(_) => "request-lane",
        LaneOf::Worker(_) => "worker-lane",
    };
    let end_ms = lane.end.as_ref().map(|(at, _)| us_ms(*at));
    let state = match &lane.end {
        Some((_, end)) => end_class(end),
        None => "open",
    };
    let detail = lod::detailed(lane.segments.len(), lane.wakes.len());
    let frame = lod::Frame {
        x0: scale.label_w,
        unit_ms: span / scale.plot_w,
        units: scale.plot_w.ceil() as usize,
        y,
        h: LANE_H,
    };
    let on_enter = {
        let (on_pick, place) = (props.on_pick.clone(), props.place);
        Callback::from(move |_: MouseEvent| on_pick.emit(place))
    };
    let g = |body: Html| {
        html! {
            <g class={classes!("lane", kind, state, props.picked.then_some("picked"))}
               data-label={lane.label.clone()} data-group={props.group.to_string()}
               data-start-ms={us_ms(lane.start_us).to_string()}
               data-end-ms={end_ms.map(|e| e.to_string()).unwrap_or_default()}
               onmouseenter={on_enter.clone()} onclick={on_enter.clone()}>
                { body }
            </g>
        }
    };
    if !props.drawn {
        return g(Html::default());
    }
    let mid = y + LANE_H / 2.0;
    // What is inside the lane goes in as markup, one piece per segment: a lane is a few dozen
    // attributes, and parsing a piece costs far less than setting each from wasm. A piece whose
    // markup is unchanged is left alone, so a lane that grows parses only what it gained.
    let head = format!(
        r#"<rect class="lane-hit" x="0" y="{}" width="{WIDTH}" height="{}"/><text class="lane-label" x="{}" y="{}">{}</text><line class="lane-rule" x1="{}" x2="{}" y1="{mid}" y2="{mid}"/>"#,
        y - GAP / 2.0,
        LANE_H + GAP,
        scale.label_w - 8.0,
        y + LANE_H - 5.0,
        escape(&fit_text(&lane.label, scale.label_w - 12.0, LABEL_PX)),
        scale.label_w,
        WIDTH - 10.0,
    );
    // Only the last segment can be still going. It is drawn apart, as an element patched in
    // place: a move of the replay that only stretches it leaves the markup as it was.
    let open = lane.open_segment();
    let closed = &lane.segments[..lane.segments.len() - usize::from(open.is_some())];
    let seg_title = |s: &Segment| {
        format!(
            "{}: {} → {} {}",
            lane.label,
            fmt_ms(us_ms(s.start_us)),
            s.end_us
                .map(|e| fmt_ms(us_ms(e)))
                .unwrap_or_else(|| "…".into()),
            lang.segment(s.kind)
        )
    };
    // Waiting is drawn thinner than using the thread.
    let band = |kind: SegmentKind| {
        if lod::thick(kind) {
            (y, LANE_H)
        } else {
            (y + 5.0, LANE_H - 10.0)
        }
    };
    let pieces: Vec<String> = if detail {
        closed
            .iter()
            .map(|s| {
                let x0 = x(us_ms(s.start_us));
                let w = (x(s.end_us.map_or(open_to, us_ms)) - x0).max(1.5);
                let (sy, sh) = band(s.kind);
                format!(
                    r#"<rect class="seg {}" x="{x0}" y="{sy}" width="{w}" height="{sh}" rx="2"><title>{}</title></rect>"#,
                    s.kind.name(),
                    escape(&seg_title(s)),
                )
            })
            .collect()
    } else {
        // A long lane is drawn as a few paths by level of detail.
        lod::lane_paths(closed, open_to, frame)
            .into_iter()
            .map(|p| {
                let class = if p.band { "band" } else { p.kind.name() };
                format!(
                    r#"<path class="seg {class}" data-kind="{}" d="{}"/>"#,
                    p.kind.name(),
                    p.d
                )
            })
            .collect()
    };
    let mut tail = String::new();
    if detail {
        let from = props.wake_from.iter().chain(std::iter::repeat(&None));
        for (w, from_y) in lane.wakes.iter().zip(from) {
            let wx = x(us_ms(w.at_us));
            let title = format!(
                "{} {}: {}",
                lane.label,
                fmt_ms(us_ms(w.at_us)),
                lang.woken_by(w.by)
            );
            let _ = write!(tail, r#"<g class="wake"><title>{}</title>"#, escape(&title));
            // An arrow from the lane of the task that woke it, when there is one.
            if let Some(sy) = from_y.filter(|sy| (*sy - mid).abs() > 0.5) {
                let _ = write!(
                    tail,
                    r#"<line class="wake-arrow" x1="{wx}" x2="{wx}" y1="{sy}" y2="{mid}"/>"#
                );
            }
            let _ = write!(
                tail,
                r#"<path class="wake-mark" d="M{wx},{} l-4,-6 h8 z"/></g>"#,
                y + 6.0
            );
        }
    } else if !lane.wakes.is_empty() {
        let _ = write!(
            tail,
            r#"<path class="wake-mark" d="{}"/>"#,
            lod::wake_path(&lane.wakes, frame)
        );
    }
    if let Some((at, end)) = &lane.end {
        let _ = write!(
            tail,
            r#"<circle class="end-mark {}" cx="{}" cy="{mid}" r="3.5"/>"#,
            end_class(end),
            x(us_ms(*at))
        );
    }
    let open = open.map(|s| {
        let x0 = x(us_ms(s.start_us));
        let w = (x(open_to) - x0).max(1.5);
        let (sy, sh) = band(s.kind);
        html! {
            <rect class={classes!("seg", s.kind.name())} x={x0.to_string()} y={sy.to_string()}
                  width={w.to_string()} height={sh.to_string()} rx="2">
                if detail {
                    <title>{ seg_title(s) }</title>
                }
            </rect>
        }
    });
    g(html! {
        <>
            <title>{ describe(lane, open_to, lang) }</title>
            { Html::from_html_unchecked(head.into()) }
            { for pieces.into_iter().map(|p| Html::from_html_unchecked(p.into())) }
            { for open }
            { Html::from_html_unchecked(tail.into()) }
        </>
    })
}

/// `text` safe inside markup, as text or as a quoted attribute value.
fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scale_clamps_to_the_plot() {
        let s = Scale {
            label_w: 100.0,
            plot_w: 600.0,
            span_ms: 1000.0,
        };
        assert_eq!(s.x(0.0), 100.0);
        assert_eq!(s.x(500.0), 400.0);
        assert_eq!(s.x(5000.0), 700.0);
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(escape("task 3"), "task 3");
        assert_eq!(
            escape(r#"<img src=x onerror="a('&')">"#),
            "&lt;img src=x onerror=&quot;a(&#39;&amp;&#39;)&quot;&gt;"
        );
    }
}
