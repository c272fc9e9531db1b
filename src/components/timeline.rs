//! The timeline: one lane per request on a shared time axis, drawn as SVG.
//!
//! Geometry lives in SVG attributes and colours in the stylesheet, so the timeline works under
//! a strict Content-Security-Policy (no inline styles).

use executor::trace::{Event, Record};
use yew::prelude::*;

use crate::i18n::Lang;

/// How a lane's request ended, if it has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LaneState {
    /// Still waiting for the network.
    Waiting,
    /// Answered with a 2xx status.
    Done,
    /// An error status, or no response at all.
    Failed,
    /// Dropped before it finished.
    Aborted,
}

impl LaneState {
    fn class(self) -> &'static str {
        match self {
            LaneState::Waiting => "waiting",
            LaneState::Done => "done",
            LaneState::Failed => "failed",
            LaneState::Aborted => "aborted",
        }
    }

    fn word(self, lang: Lang) -> &'static str {
        let t = lang.t();
        match self {
            LaneState::Waiting => t.waiting,
            LaneState::Done => t.done,
            LaneState::Failed => t.request_failed,
            LaneState::Aborted => t.aborted,
        }
    }
}

/// One request's life.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    /// "page 3", or the URL.
    pub label: String,
    /// Milliseconds since the run started.
    pub start_ms: f64,
    /// When it ended, if it has.
    pub end_ms: Option<f64>,
    /// How it ended.
    pub state: LaneState,
}

/// "page 3" for a slow-web URL, else the URL itself.
fn label(url: &str) -> String {
    url.rsplit_once("api/page/")
        .and_then(|(_, rest)| rest.split(['?', '#']).next())
        .map(|n| format!("page {n}"))
        .unwrap_or_else(|| url.to_owned())
}

/// Reads the request lanes out of a trace, in the order the requests started.
pub fn lanes(records: &[Record]) -> Vec<Lane> {
    let mut lanes: Vec<(u64, Lane)> = Vec::new();
    for r in records {
        let t_ms = r.t_us as f64 / 1000.0;
        let (request, state) = match &r.event {
            Event::FetchStart { request, url, .. } => {
                lanes.push((
                    *request,
                    Lane {
                        label: label(url),
                        start_ms: t_ms,
                        end_ms: None,
                        state: LaneState::Waiting,
                    },
                ));
                continue;
            }
            Event::FetchEnd {
                request, status, ..
            } if (200..300).contains(status) => (*request, LaneState::Done),
            Event::FetchEnd { request, .. } | Event::FetchError { request, .. } => {
                (*request, LaneState::Failed)
            }
            Event::FetchAbort { request } => (*request, LaneState::Aborted),
            _ => continue,
        };
        if let Some((_, lane)) = lanes.iter_mut().find(|(id, _)| *id == request) {
            lane.end_ms = Some(t_ms);
            lane.state = state;
        }
    }
    lanes.into_iter().map(|(_, lane)| lane).collect()
}

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
    } else {
        format!("{} ms", ms.round() as i64)
    }
}

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// The lanes to draw.
    pub lanes: Vec<Lane>,
    /// Where the axis ends: the run's total, or "now" while it runs.
    pub span_ms: f64,
    pub lang: Lang,
}

const WIDTH: f64 = 800.0;
const LABEL_W: f64 = 80.0;
const LANE_H: f64 = 18.0;
const GAP: f64 = 6.0;
const AXIS_H: f64 = 24.0;

/// The lanes and the time axis, as one SVG scaled to the card's width.
#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
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
    html! {
        <svg class="timeline" viewBox={format!("0 0 {WIDTH} {height}")} role="img"
             aria-label={format!("{} {}", props.lang.t().timeline, fmt_ms(span))}>
            { for ticks.iter().map(|t| html! {
                <g class="tick">
                    <line x1={x(*t).to_string()} x2={x(*t).to_string()} y1="0" y2={axis_y.to_string()} />
                    <text x={x(*t).to_string()} y={(axis_y + 14.0).to_string()}>{ fmt_ms(*t) }</text>
                </g>
            }) }
            { for props.lanes.iter().enumerate().map(|(i, lane)| {
                let y = i as f64 * (LANE_H + GAP);
                let end = lane.end_ms.unwrap_or(span);
                let x0 = x(lane.start_ms);
                let w = (x(end) - x0).max(2.0);
                let tip = format!(
                    "{}: {} → {} ({})",
                    lane.label,
                    fmt_ms(lane.start_ms),
                    lane.end_ms.map(fmt_ms).unwrap_or_else(|| "…".into()),
                    lane.state.word(props.lang),
                );
                html! {
                    <g class={classes!("lane", lane.state.class())} data-start-ms={lane.start_ms.to_string()}
                       data-end-ms={lane.end_ms.map(|e| e.to_string()).unwrap_or_default()}>
                        <title>{ tip }</title>
                        <text class="lane-label" x={(LABEL_W - 8.0).to_string()} y={(y + LANE_H - 5.0).to_string()}>{ &lane.label }</text>
                        <rect class="bar" x={x0.to_string()} y={y.to_string()} width={w.to_string()} height={LANE_H.to_string()} rx="3" />
                    </g>
                }
            }) }
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use executor::trace::Event;

    fn at(t_ms: u64, event: Event) -> Record {
        Record {
            t_us: t_ms * 1000,
            event,
        }
    }

    #[test]
    fn lanes_follow_requests_from_start_to_end() {
        let trace = [
            at(
                0,
                Event::FetchStart {
                    request: 1,
                    task: None,
                    url: "http://x/api/page/1?delay=5".into(),
                },
            ),
            at(
                1,
                Event::FetchStart {
                    request: 2,
                    task: None,
                    url: "https://example.com/".into(),
                },
            ),
            at(
                5,
                Event::FetchEnd {
                    request: 1,
                    status: 200,
                    bytes: 10,
                },
            ),
            at(
                6,
                Event::FetchEnd {
                    request: 2,
                    status: 500,
                    bytes: 10,
                },
            ),
        ];
        let lanes = lanes(&trace);
        assert_eq!(lanes[0].label, "page 1");
        assert_eq!(
            (lanes[0].start_ms, lanes[0].end_ms, lanes[0].state),
            (0.0, Some(5.0), LaneState::Done)
        );
        assert_eq!(lanes[1].label, "https://example.com/");
        assert_eq!(lanes[1].state, LaneState::Failed);
    }

    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(tick_step(1000.0), 200.0);
        assert_eq!(tick_step(10_000.0), 2000.0);
        assert_eq!(tick_step(3.0), 1.0);
        assert_eq!(tick_step(350.0), 100.0);
    }
}
