//! The timeline: one lane per task and per request on a shared time axis, drawn as SVG, with a
//! table of the same facts for screen readers.
//!
//! Geometry lives in SVG attributes and colours and patterns in the stylesheet, so the timeline
//! works under a strict Content-Security-Policy (no inline styles). Segment kinds differ by
//! pattern and height as well as colour.

use std::rc::Rc;

use replay::{Hidden, Lane, LaneEnd, LaneOf, SegmentKind};
use yew::prelude::*;

use crate::i18n::Lang;

mod lane;
mod lod;
mod near;

use lane::{LaneRow, Scale};

/// A tick spacing of 1, 2 or 5 × 10ⁿ ms giving about five ticks over `span_ms`.
fn tick_step(span_ms: f64) -> f64 {
    let raw = (span_ms / 5.0).max(1.0);
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|step| *step >= raw)
        .unwrap_or(10.0 * magnitude)
}

/// Formats milliseconds for axis labels and tooltips.
pub fn fmt_ms(ms: f64) -> String {
    if ms >= 10_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else if ms > 0.0 && ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{} ms", ms.round() as i64)
    }
}

/// About how wide `text` is drawn at `px` pixels in a sans-serif face: generous, so what is
/// estimated to fit does fit. Wide (CJK) characters are a full em.
fn text_width(text: &str, px: f64) -> f64 {
    text.chars()
        .map(|c| match c {
            ' ' | '.' | ',' | ':' | 'i' | 'l' | 'j' | 't' | 'f' | 'I' | '(' | ')' | '|' => 0.35,
            'm' | 'w' | 'M' | 'W' => 0.9,
            c if (c as u32) >= 0x1100 => 1.0,
            c if c.is_ascii_uppercase() => 0.7,
            _ => 0.6,
        })
        .sum::<f64>()
        * px
}

/// `text` cut to fit `width` at `px`, ending in "…" when cut.
fn fit_text(text: &str, width: f64, px: f64) -> String {
    if text_width(text, px) <= width {
        return text.to_owned();
    }
    let room = width - text_width("…", px);
    let mut out = String::new();
    for c in text.chars() {
        let mut next = out.clone();
        next.push(c);
        if text_width(&next, px) > room {
            break;
        }
        out = next;
    }
    out.push('…');
    out
}

/// The width of the label column: the widest label, within bounds.
fn label_column(labels: impl Iterator<Item = f64>) -> f64 {
    (labels.fold(0.0, f64::max) + 12.0).clamp(LABEL_MIN_W, LABEL_MAX_W)
}

/// Whether an axis label centred at `x` would spill past the drawing's right edge (then it is
/// drawn ending at `x`).
fn tick_spills(x: f64, label: &str) -> bool {
    x + text_width(label, TICK_PX) / 2.0 > WIDTH - 1.0
}

fn us_ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

fn end_class(end: &LaneEnd) -> &'static str {
    match end {
        LaneEnd::Done => "done",
        LaneEnd::Failed(_) => "failed",
        LaneEnd::Cancelled => "cancelled",
    }
}

/// Lanes drawn together under an optional heading: one run's lanes. A comparison draws two.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneGroup {
    /// The heading, when several runs share the axis.
    pub title: Option<AttrValue>,
    pub lanes: Rc<Vec<Lane>>,
    /// Lanes of the run not given in `lanes` (beyond those drawn), counted.
    pub hidden: Hidden,
}

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// The lanes to draw, in groups.
    pub groups: Vec<LaneGroup>,
    /// Where the axis ends: the run's total, or "now" while it runs.
    pub span_ms: f64,
    /// Replay: the moment shown, drawn as a vertical line.
    #[prop_or_default]
    pub cursor_ms: Option<f64>,
    /// Replay: how many events the drawing shows (`None` at the live end). A change is a move
    /// of the replay, even when the clock stands still (as on virtual time).
    #[prop_or_default]
    pub at: Option<usize>,
    pub lang: Lang,
}

const WIDTH: f64 = 800.0;
/// The narrowest and widest column of lane labels; longer labels end in "…".
const LABEL_MIN_W: f64 = 60.0;
const LABEL_MAX_W: f64 = 220.0;
/// Font sizes of lane labels and axis labels, as in www/style.css.
const LABEL_PX: f64 = 12.0;
const TICK_PX: f64 = 11.0;
const LANE_H: f64 = 18.0;
const GAP: f64 = 5.0;
const HEADER_H: f64 = 22.0;
const AXIS_H: f64 = 24.0;
/// Lanes drawn per group; a run with thousands of tasks draws the first ones and a note.
pub const MAX_LANES: usize = 100;
/// A drawing of more lanes than this draws only those on screen or near it (the others are
/// empty rows until the page is scrolled to them).
const DRAW_ALL_LANES: usize = 40;
/// The drawing's stretch near the screen is rounded out to this many lanes.
const NEAR_STEP_LANES: f64 = 10.0;
/// How long the replay rests at a moment before the lanes just off screen are drawn for it.
const SETTLE_MS: u32 = 250;
/// Rows of the table view.
const MAX_TABLE_ROWS: usize = 500;
/// A table of more rows than this is only made while it is open.
const TABLE_ALWAYS: usize = 200;

/// One row of the drawing, top to bottom.
enum Row<'a> {
    Header(&'a str),
    Lane {
        group: usize,
        index: usize,
        lane: &'a Lane,
    },
    More(usize),
}

/// "page 3: 2 ms → 1004 ms (done) · running 2 ms, network 1001 ms": a lane in words, for the
/// tooltip and the readout under the drawing. A stretch still going counts up to `now_ms`, the
/// moment shown.
fn describe(lane: &Lane, now_ms: f64, lang: Lang) -> String {
    let end_ms = lane.end.as_ref().map(|(at, _)| us_ms(*at));
    let mut by_kind: Vec<(SegmentKind, f64)> = Vec::new();
    for s in &lane.segments {
        let d = s.end_us.map(us_ms).unwrap_or(now_ms) - us_ms(s.start_us);
        match by_kind.iter_mut().find(|(k, _)| *k == s.kind) {
            Some((_, total)) => *total += d,
            None => by_kind.push((s.kind, d)),
        }
    }
    let parts: Vec<String> = by_kind
        .iter()
        .map(|(k, d)| format!("{} {}", lang.segment(*k), fmt_ms(*d)))
        .collect();
    format!(
        "{}: {} → {}{} · {}",
        lane.label,
        fmt_ms(us_ms(lane.start_us)),
        end_ms.map(fmt_ms).unwrap_or_else(|| "…".into()),
        lane.end
            .as_ref()
            .map(|(_, e)| format!(" ({})", lang.lane_end(e)))
            .unwrap_or_default(),
        parts.join(", ")
    )
}

/// The lanes and the time axis, as one SVG scaled to the card's width, and the same as a table.
///
/// The drawing is one tab stop: ↑/↓ (or hovering) pick a lane, and the lane is described in
/// words under it.
#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let lang = props.lang;
    let picked = use_state(|| None::<usize>);
    let span = props.span_ms.max(1.0);
    // The label column is as wide as the labels drawn need (within bounds), so none is cut.
    let label_w = label_column(props.groups.iter().flat_map(|g| {
        g.lanes
            .iter()
            .take(MAX_LANES)
            .map(|l| text_width(&l.label, LABEL_PX))
    }));
    let plot_w = WIDTH - label_w - 10.0;
    let scale = Scale {
        label_w,
        plot_w,
        span_ms: span,
    };
    let x = |ms: f64| scale.x(ms);

    let mut rows = Vec::new();
    for (g, group) in props.groups.iter().enumerate() {
        if let Some(title) = &group.title {
            rows.push(Row::Header(title.as_str()));
        }
        rows.extend(
            group
                .lanes
                .iter()
                .take(MAX_LANES)
                .enumerate()
                .map(|(index, lane)| Row::Lane {
                    group: g,
                    index,
                    lane,
                }),
        );
        let all = group.lanes.len() + group.hidden.lanes;
        if all > MAX_LANES {
            rows.push(Row::More(all - MAX_LANES));
        }
    }
    let row_h = |row: &Row<'_>| match row {
        Row::Lane { .. } => LANE_H + GAP,
        _ => HEADER_H,
    };
    let mut tops = Vec::with_capacity(rows.len());
    let mut height = 0.0;
    for row in &rows {
        tops.push(height);
        height += row_h(row);
    }
    let lane_rows: Vec<usize> = (0..rows.len())
        .filter(|i| matches!(rows[*i], Row::Lane { .. }))
        .collect();
    let svg_ref = use_node_ref();
    let near = near::use_near_screen(
        svg_ref.clone(),
        WIDTH,
        NEAR_STEP_LANES * (LANE_H + GAP),
        rows.len() / NEAR_STEP_LANES as usize,
    );
    // Right after a move of the replay only the lanes on screen are redrawn; those drawn just
    // off it follow once the moves pause, so a move (or a drag of the scrubber) redraws what
    // is seen.
    let settled = use_state_eq(|| props.at);
    {
        let settled = settled.setter();
        use_effect_with(props.at, move |at| {
            let at = *at;
            let later = gloo_timers::callback::Timeout::new(SETTLE_MS, move || settled.set(at));
            move || drop(later)
        });
    }
    let moving = props.at != *settled;
    let within = |(from, to): (f64, f64), top: f64| top + LANE_H >= from && top <= to;
    // Whether the row at `top` is drawn: all are in a short drawing; in a long one, those near
    // the screen (the first screenful until that is known).
    let drawn = |top: f64| {
        lane_rows.len() <= DRAW_ALL_LANES
            || match near {
                Some(near) => within(near.around, top),
                None => top < DRAW_ALL_LANES as f64 * (LANE_H + GAP),
            }
    };
    // Whether the row at `top` may go on showing an earlier moment for now: while the replay
    // moves, a lane drawn off screen.
    let may_lag = |top: f64| {
        moving
            && lane_rows.len() > DRAW_ALL_LANES
            && near.is_some_and(|n| !within(n.on_screen, top))
    };
    let lane_count: usize = props
        .groups
        .iter()
        .map(|g| g.lanes.len() + g.hidden.lanes)
        .sum();
    // The middle of the row of a lane in group `g`, for wake arrows.
    let lane_mid = |g: usize, of: LaneOf| {
        rows.iter().zip(&tops).find_map(|(row, top)| match row {
            Row::Lane { group, lane, .. } if *group == g && lane.of == of => {
                Some(top + LANE_H / 2.0)
            }
            _ => None,
        })
    };
    let height = height + AXIS_H;
    let step = tick_step(span);
    let ticks: Vec<f64> = (0..)
        .map(|i| i as f64 * step)
        .take_while(|t| *t <= span + 0.5)
        .collect();
    let axis_y = height - AXIS_H + 4.0;
    let picked_row = picked.and_then(|p| lane_rows.get(p).copied());
    let detail = picked_row.and_then(|r| match rows[r] {
        Row::Lane { lane, .. } => Some(describe(lane, props.cursor_ms.unwrap_or(span), lang)),
        _ => None,
    });

    let on_key = {
        let (picked, count) = (picked.clone(), lane_rows.len());
        Callback::from(move |e: KeyboardEvent| {
            if count == 0 {
                return;
            }
            let at = *picked;
            let next = match e.key().as_str() {
                "ArrowDown" => at.map_or(0, |p| (p + 1).min(count - 1)),
                "ArrowUp" => at.map_or(0, |p| p.saturating_sub(1)),
                "Home" => 0,
                "End" => count - 1,
                _ => return,
            };
            e.prevent_default();
            picked.set(Some(next));
        })
    };
    let on_pick = {
        let picked = picked.setter();
        use_callback((), move |place: Option<usize>, _| picked.set(place))
    };
    let on_focus = {
        let picked = picked.clone();
        Callback::from(move |_: FocusEvent| {
            if picked.is_none() {
                picked.set(Some(0));
            }
        })
    };
    let table_open = use_state(|| false);
    let on_table_toggle = {
        let table_open = table_open.clone();
        Callback::from(move |e: Event| {
            let details: web_sys::Element = e.target_unchecked_into();
            table_open.set(details.has_attribute("open"));
        })
    };
    let detail_id = use_memo((), |_| format!("timeline-detail-{}", next_timeline_id()));

    html! {
        <>
        // On a narrow screen the drawing keeps a readable size and scrolls sideways.
        <div class="timeline-scroll">
        <svg class="timeline" ref={svg_ref} viewBox={format!("0 0 {WIDTH} {height}")} role="img" tabindex="0"
             aria-label={lang.timeline_summary(lane_count, &fmt_ms(span))}
             aria-describedby={(*detail_id).clone()} onkeydown={on_key} onfocus={on_focus}>
            <defs>
                <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                    <line class="hatch-line" x1="0" y1="0" x2="0" y2="6" />
                </pattern>
                <pattern id="dots" width="5" height="5" patternUnits="userSpaceOnUse">
                    <circle class="dot" cx="2.5" cy="2.5" r="1.1" />
                </pattern>
            </defs>
            { for ticks.iter().map(|t| html! {
                <g class="tick">
                    <line x1={x(*t).to_string()} x2={x(*t).to_string()} y1="0" y2={axis_y.to_string()} />
                    <text class={classes!(tick_spills(x(*t), &fmt_ms(*t)).then_some("end"))}
                          x={x(*t).to_string()} y={(axis_y + 14.0).to_string()}>{ fmt_ms(*t) }</text>
                </g>
            }) }
            { for rows.iter().enumerate().map(|(r, row)| {
                let y = tops[r];
                let (g, index, lane) = match row {
                    // Keyed: moving the replay keeps each lane's elements and patches them.
                    Row::Header(title) => return html! {
                        <g class="group-head" key={format!("h{r}")}>
                            <text x="4" y={(y + HEADER_H - 7.0).to_string()}>{ *title }</text>
                            <line x1="0" x2={WIDTH.to_string()} y1={(y + 2.0).to_string()} y2={(y + 2.0).to_string()} />
                        </g>
                    },
                    Row::More(n) => return html! {
                        <text class="lanes-more" key={format!("m{r}")} x={label_w.to_string()} y={(y + HEADER_H - 7.0).to_string()}>
                            { lang.lanes_not_shown(*n) }
                        </text>
                    },
                    Row::Lane { group, index, lane } => (*group, *index, *lane),
                };
                // Keyed: moving the replay keeps each lane, and redraws only those it changed.
                let lanes = props.groups[g].lanes.clone();
                let drawn = drawn(y);
                // Arrows only for a lane drawn in detail.
                let wake_from = if drawn && lod::detailed(lane.segments.len(), lane.wakes.len()) {
                    lane.wakes.iter().map(|w| match w.by {
                        executor::trace::WakeSource::Task(t)
                        | executor::trace::WakeSource::Channel(Some(t)) => lane_mid(g, LaneOf::Task(t)),
                        executor::trace::WakeSource::Network(r) => lane_mid(g, LaneOf::Request(r)),
                        _ => None,
                    }).collect()
                } else {
                    Vec::new()
                };
                let place = lane_rows.iter().position(|lr| *lr == r);
                html! {
                    <LaneRow key={format!("{g}{:?}", lane.of)} {lanes} {index} group={g} {y} {scale}
                             open_to={lane.open_segment().is_some().then(|| props.cursor_ms.unwrap_or(span))}
                             {wake_from} {place} {drawn} may_lag={may_lag(y)} picked={picked_row == Some(r)}
                             on_pick={on_pick.clone()} {lang} />
                }
            }) }
            if let Some(c) = props.cursor_ms {
                <line class="cursor" data-t-us={((c * 1000.0).round() as u64).to_string()} x1={x(c).to_string()} x2={x(c).to_string()} y1="0" y2={axis_y.to_string()} />
            }
        </svg>
        </div>
        // Only on a narrow screen (www/style.css), where the drawing is wider than the card.
        <p class="timeline-scrolls">{ lang.t().timeline_scrolls }</p>
        <p class="timeline-detail" id={(*detail_id).clone()} aria-live="polite">
            if let Some(detail) = detail {
                { detail }
            } else {
                // The stylesheet shows one of the two: tapping on a touch screen, else pointing.
                <span class="hint-pointer">{ lang.t().timeline_hint }</span>
                <span class="hint-touch">{ lang.t().timeline_hint_touch }</span>
            }
        </p>
        <details class="timeline-table" ontoggle={on_table_toggle}>
            <summary>{ lang.t().timeline_as_table }</summary>
            <table>
                <thead><tr>
                    <th scope="col">{ lang.t().lane }</th>
                    <th scope="col">{ lang.t().from }</th>
                    <th scope="col">{ lang.t().to }</th>
                    <th scope="col">{ lang.t().what }</th>
                </tr></thead>
                { for props.groups.iter().map(|group| {
                    let rows = group.lanes.iter().flat_map(|lane| lane.segments.iter().map(move |s| (lane, s)));
                    let total: usize = group.lanes.iter().map(|l| l.segments.len()).sum::<usize>() + group.hidden.segments;
                    // A long table costs thousands of elements: made only while it is open.
                    let made = if *table_open || total <= TABLE_ALWAYS { MAX_TABLE_ROWS } else { 0 };
                    let rows: Vec<_> = rows.take(made).collect();
                    let left_out = total - rows.len();
                    html! {
                        <tbody>
                            if let Some(title) = &group.title {
                                <tr class="group-row"><th scope="rowgroup" colspan="4">{ title.clone() }</th></tr>
                            }
                            { for rows.into_iter().map(|(lane, s)| html! {
                                <tr>
                                    <th scope="row">{ &lane.label }</th>
                                    <td>{ fmt_ms(us_ms(s.start_us)) }</td>
                                    <td>{ s.end_us.map(|e| fmt_ms(us_ms(e))).unwrap_or_else(|| "…".into()) }</td>
                                    <td>{ lang.segment(s.kind) }</td>
                                </tr>
                            }) }
                            if left_out > 0 && *table_open {
                                <tr><td colspan="4">{ lang.rows_not_shown(left_out) }</td></tr>
                            }
                        </tbody>
                    }
                }) }
            </table>
        </details>
        </>
    }
}

/// A number for element ids, unique on the page.
fn next_timeline_id() -> u32 {
    thread_local!(static NEXT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) });
    NEXT.with(|n| {
        n.set(n.get() + 1);
        n.get()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(tick_step(1000.0), 200.0);
        assert_eq!(tick_step(10_000.0), 2000.0);
        assert_eq!(tick_step(3.0), 1.0);
        assert_eq!(tick_step(350.0), 100.0);
    }

    #[test]
    fn labels_fit_their_column() {
        // A long label widens the column up to its bound, and is cut with "…" beyond it.
        let short = label_column(
            ["task 1", "GET /page/1"]
                .map(|l| text_width(l, LABEL_PX))
                .into_iter(),
        );
        assert!(short >= text_width("GET /page/1", LABEL_PX) + 8.0);
        let label = "then: 300 ms timer";
        let col = label_column([text_width(label, LABEL_PX)].into_iter());
        assert_eq!(fit_text(label, col - 12.0, LABEL_PX), label);
        let long = "GET /api/page/12345?latency_ms=3000&jitter_ms=500&fail=0.1";
        let col = label_column([text_width(long, LABEL_PX)].into_iter());
        assert_eq!(col, LABEL_MAX_W);
        let cut = fit_text(long, col - 12.0, LABEL_PX);
        assert!(
            cut.ends_with('…') && text_width(&cut, LABEL_PX) <= col - 12.0,
            "{cut}"
        );
        assert!(text_width("任务一", 12.0) > text_width("abc", 12.0));
    }

    #[test]
    fn the_last_axis_label_stays_inside() {
        let end = WIDTH - 10.0;
        assert!(tick_spills(end, &fmt_ms(1000.0)));
        assert!(tick_spills(end, &fmt_ms(10_000.0)));
        assert!(!tick_spills(400.0, &fmt_ms(1000.0)));
    }

    #[test]
    fn times_read_naturally() {
        assert_eq!(fmt_ms(0.0), "0 ms");
        assert_eq!(fmt_ms(2.4), "2.4 ms");
        assert_eq!(fmt_ms(1016.4), "1016 ms");
        assert_eq!(fmt_ms(12_345.0), "12.3 s");
    }
}
