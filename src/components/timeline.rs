//! The timeline: one lane per task and per request on a shared time axis, drawn as SVG, with a
//! table of the same facts for screen readers.
//!
//! Geometry lives in SVG attributes and colours and patterns in the stylesheet, so the timeline
//! works under a strict Content-Security-Policy (no inline styles). Segment kinds differ by
//! pattern and height as well as colour.

use std::rc::Rc;

use protocol::replay::{Lane, LaneEnd, LaneOf, SegmentKind};
use yew::prelude::*;

use crate::i18n::Lang;

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

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// The lanes to draw.
    pub lanes: Rc<Vec<Lane>>,
    /// Where the axis ends: the run's total, or "now" while it runs.
    pub span_ms: f64,
    /// Replay: the moment shown, drawn as a vertical line.
    #[prop_or_default]
    pub cursor_ms: Option<f64>,
    pub lang: Lang,
}

const WIDTH: f64 = 800.0;
const LABEL_W: f64 = 90.0;
const LANE_H: f64 = 18.0;
const GAP: f64 = 5.0;
const AXIS_H: f64 = 24.0;

/// The lanes and the time axis, as one SVG scaled to the card's width, and the same as a table.
#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let lang = props.lang;
    let span = props.span_ms.max(1.0);
    let plot_w = WIDTH - LABEL_W - 10.0;
    let x = |ms: f64| LABEL_W + (ms / span).clamp(0.0, 1.0) * plot_w;
    let height = props.lanes.len() as f64 * (LANE_H + GAP) + AXIS_H;
    let step = tick_step(span);
    let ticks: Vec<f64> = (0..)
        .map(|i| i as f64 * step)
        .take_while(|t| *t <= span + 0.5)
        .collect();
    let axis_y = height - AXIS_H + 4.0;
    let row_of = |of: LaneOf| props.lanes.iter().position(|l| l.of == of);
    html! {
        <>
        <svg class="timeline" viewBox={format!("0 0 {WIDTH} {height}")} role="img"
             aria-label={lang.timeline_summary(props.lanes.len(), &fmt_ms(span))}>
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
                    <text x={x(*t).to_string()} y={(axis_y + 14.0).to_string()}>{ fmt_ms(*t) }</text>
                </g>
            }) }
            { for props.lanes.iter().enumerate().map(|(i, lane)| {
                let y = i as f64 * (LANE_H + GAP);
                let kind = match lane.of { LaneOf::Task(_) => "task-lane", LaneOf::Request(_) => "request-lane" };
                let end_ms = lane.end.as_ref().map(|(at, _)| us_ms(*at));
                let state = match &lane.end {
                    Some((_, end)) => end_class(end),
                    None => "open",
                };
                let tip = format!(
                    "{}: {} → {}{}",
                    lane.label,
                    fmt_ms(us_ms(lane.start_us)),
                    end_ms.map(fmt_ms).unwrap_or_else(|| "…".into()),
                    lane.end.as_ref().map(|(_, e)| format!(" ({})", lang.lane_end(e))).unwrap_or_default(),
                );
                html! {
                    <g class={classes!("lane", kind, state)} data-label={lane.label.clone()}
                       data-start-ms={us_ms(lane.start_us).to_string()}
                       data-end-ms={end_ms.map(|e| e.to_string()).unwrap_or_default()}>
                        <title>{ tip }</title>
                        <text class="lane-label" x={(LABEL_W - 8.0).to_string()} y={(y + LANE_H - 5.0).to_string()}>{ &lane.label }</text>
                        <line class="lane-rule" x1={LABEL_W.to_string()} x2={(WIDTH - 10.0).to_string()}
                              y1={(y + LANE_H / 2.0).to_string()} y2={(y + LANE_H / 2.0).to_string()} />
                        { for lane.segments.iter().map(|s| {
                            let start = us_ms(s.start_us);
                            // Still going: up to the moment shown.
                            let end = s.end_us.map(us_ms).unwrap_or(props.cursor_ms.unwrap_or(span));
                            let x0 = x(start);
                            let w = (x(end) - x0).max(1.5);
                            // Waiting is drawn thinner than using the thread.
                            let thin = !matches!(s.kind, SegmentKind::Running | SegmentKind::Blocked | SegmentKind::Request);
                            let (sy, sh) = if thin { (y + 5.0, LANE_H - 10.0) } else { (y, LANE_H) };
                            html! {
                                <rect class={classes!("seg", s.kind.name())} x={x0.to_string()} y={sy.to_string()}
                                      width={w.to_string()} height={sh.to_string()} rx="2">
                                    <title>{ format!("{}: {} → {} {}", lane.label, fmt_ms(start),
                                        s.end_us.map(|e| fmt_ms(us_ms(e))).unwrap_or_else(|| "…".into()),
                                        lang.segment(s.kind)) }</title>
                                </rect>
                            }
                        }) }
                        { for lane.wakes.iter().map(|w| {
                            let wx = x(us_ms(w.at_us));
                            let from = lang.woken_by(w.by);
                            // An arrow from the lane of the task that woke it, when there is one.
                            let source_row = match w.by {
                                executor::trace::WakeSource::Task(t)
                                | executor::trace::WakeSource::Channel(Some(t)) => row_of(LaneOf::Task(t)),
                                executor::trace::WakeSource::Network(r) => row_of(LaneOf::Request(r)),
                                _ => None,
                            }.filter(|r| *r != i);
                            html! {
                                <g class="wake">
                                    <title>{ format!("{} {}: {}", lane.label, fmt_ms(us_ms(w.at_us)), from) }</title>
                                    if let Some(r) = source_row {
                                        <line class="wake-arrow" x1={wx.to_string()} x2={wx.to_string()}
                                              y1={(r as f64 * (LANE_H + GAP) + LANE_H / 2.0).to_string()}
                                              y2={(y + LANE_H / 2.0).to_string()} />
                                    }
                                    <path class="wake-mark" d={format!("M{wx},{} l-4,-6 h8 z", y + 6.0)} />
                                </g>
                            }
                        }) }
                        if let Some((at, end)) = &lane.end {
                            <circle class={classes!("end-mark", end_class(end))} cx={x(us_ms(*at)).to_string()}
                                    cy={(y + LANE_H / 2.0).to_string()} r="3.5" />
                        }
                    </g>
                }
            }) }
            if let Some(c) = props.cursor_ms {
                <line class="cursor" x1={x(c).to_string()} x2={x(c).to_string()} y1="0" y2={axis_y.to_string()} />
            }
        </svg>
        <details class="timeline-table">
            <summary>{ lang.t().timeline_as_table }</summary>
            <table>
                <thead><tr>
                    <th scope="col">{ lang.t().lane }</th>
                    <th scope="col">{ lang.t().from }</th>
                    <th scope="col">{ lang.t().to }</th>
                    <th scope="col">{ lang.t().what }</th>
                </tr></thead>
                <tbody>
                { for props.lanes.iter().flat_map(|lane| lane.segments.iter().map(move |s| (lane, s))).map(|(lane, s)| html! {
                    <tr>
                        <th scope="row">{ &lane.label }</th>
                        <td>{ fmt_ms(us_ms(s.start_us)) }</td>
                        <td>{ s.end_us.map(|e| fmt_ms(us_ms(e))).unwrap_or_else(|| "…".into()) }</td>
                        <td>{ lang.segment(s.kind) }</td>
                    </tr>
                }) }
                </tbody>
            </table>
        </details>
        </>
    }
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
    fn times_read_naturally() {
        assert_eq!(fmt_ms(0.0), "0 ms");
        assert_eq!(fmt_ms(2.4), "2.4 ms");
        assert_eq!(fmt_ms(1016.4), "1016 ms");
        assert_eq!(fmt_ms(12_345.0), "12.3 s");
    }
}
