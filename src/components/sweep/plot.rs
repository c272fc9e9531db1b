//! The sweep's plot: total time above, requests in flight and failed requests below, against
//! the knob's value, with the card's value marked; and the same numbers as a table.

use std::fmt::Write;

use yew::prelude::*;

use super::Point;
use crate::components::timeline::fmt_ms;
use crate::i18n::Lang;

const WIDTH: f64 = 640.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const PANEL_H: f64 = 120.0;
/// Above each panel: room for its title.
const PANEL_TOP: f64 = 22.0;
/// Below each panel: room for the x ticks.
const PANEL_BOTTOM: f64 = 22.0;
const PANEL: f64 = PANEL_TOP + PANEL_H + PANEL_BOTTOM;
const HEIGHT: f64 = 2.0 * PANEL + 14.0;

#[derive(Properties, PartialEq)]
pub struct PlotProps {
    pub points: Vec<Point>,
    /// The swept knob's label.
    pub label: &'static str,
    /// The card's value of the knob, marked.
    pub current: Option<u32>,
    /// The knob's range swept.
    pub range: (u32, u32),
    pub lang: Lang,
}

/// A round step for about `parts` ticks up to `max`.
fn nice_step(max: f64, parts: f64) -> f64 {
    let raw = (max / parts).max(1e-9);
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    step.max(1.0)
}

/// The top of a panel's y axis for values up to `max`, and its tick step.
fn y_scale(max: f64) -> (f64, f64) {
    let step = nice_step(max.max(1.0), 4.0);
    ((max / step).ceil().max(1.0) * step, step)
}

/// Where value `v` of the knob is drawn.
fn x_of(v: f64, (lo, hi): (u32, u32)) -> f64 {
    let span = f64::from(hi - lo);
    if span == 0.0 {
        return LEFT + (WIDTH - LEFT - RIGHT) / 2.0;
    }
    LEFT + (v - f64::from(lo)) / span * (WIDTH - LEFT - RIGHT)
}

/// One series: its points as (knob value, y value).
struct Series<'a> {
    class: &'static str,
    values: Vec<(u32, f64)>,
    name: &'a str,
    /// A value in words, for its dot's tooltip.
    tip: fn(f64) -> String,
}

/// Draws a panel whose top is at `top`: axes, ticks, the series, and a title.
fn panel(
    svg: &mut String,
    top: f64,
    title: &str,
    series: &[Series<'_>],
    range: (u32, u32),
    y_text: impl Fn(f64) -> String,
) {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().map(|(_, y)| *y))
        .fold(0.0_f64, f64::max);
    let (y_max, step) = y_scale(max);
    let base = top + PANEL_TOP + PANEL_H;
    let y_of = |y: f64| base - y / y_max * PANEL_H;
    let _ = write!(
        svg,
        r#"<text class="panel-title" x="{LEFT}" y="{}">{}</text>"#,
        top + 14.0,
        escape(title)
    );
    let mut y = 0.0;
    while y <= y_max + step / 2.0 {
        let at = y_of(y);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{}" y1="{at:.1}" y2="{at:.1}"/><text class="tick y" x="{}" y="{:.1}">{}</text>"#,
            WIDTH - RIGHT,
            LEFT - 6.0,
            at + 4.0,
            escape(&y_text(y))
        );
        y += step;
    }
    let x_step = nice_step(f64::from(range.1 - range.0).max(1.0), 8.0);
    let mut v = (f64::from(range.0) / x_step).ceil() * x_step;
    let mut ticks = vec![f64::from(range.0)];
    while v <= f64::from(range.1) {
        if (v - f64::from(range.0)).abs() >= x_step / 2.0 {
            ticks.push(v);
        }
        v += x_step;
    }
    for t in ticks {
        let _ = write!(
            svg,
            r#"<text class="tick x" x="{:.1}" y="{:.1}">{t}</text>"#,
            x_of(t, range),
            base + 16.0
        );
    }
    for s in series {
        let path: Vec<String> = s
            .values
            .iter()
            .map(|(v, y)| format!("{:.1},{:.1}", x_of(f64::from(*v), range), y_of(*y)))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline class="series {}" points="{}"/>"#,
            s.class,
            path.join(" ")
        );
        for (v, y) in &s.values {
            let _ = write!(
                svg,
                r#"<circle class="dot {}" cx="{:.1}" cy="{:.1}" r="2.5"><title>{}</title></circle>"#,
                s.class,
                x_of(f64::from(*v), range),
                y_of(*y),
                escape(&format!("{v}: {} {}", (s.tip)(*y), s.name))
            );
        }
    }
}

fn count(y: f64) -> String {
    format!("{y:.0}")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The plot and its table.
#[component]
pub fn SweepPlot(props: &PlotProps) -> Html {
    let lang = props.lang;
    let range = props.range;
    let points = &props.points;
    let ok: Vec<&Point> = points.iter().filter(|p| p.error.is_none()).collect();
    let fastest = ok
        .iter()
        .min_by(|a, b| a.elapsed_ms.total_cmp(&b.elapsed_ms))
        .copied();
    let time = Series {
        class: "time",
        values: ok.iter().map(|p| (p.value, p.elapsed_ms)).collect(),
        name: "",
        tip: fmt_ms,
    };
    let in_flight_name = lang.sweep_in_flight();
    let failed_name = lang.sweep_failed();
    let in_flight = Series {
        class: "in-flight",
        values: ok
            .iter()
            .map(|p| (p.value, p.peak_in_flight as f64))
            .collect(),
        name: &in_flight_name,
        tip: count,
    };
    let failed = Series {
        class: "failed",
        values: ok
            .iter()
            .map(|p| (p.value, p.failed_requests as f64))
            .collect(),
        name: &failed_name,
        tip: count,
    };
    let mut svg = String::new();
    // Seconds once the axis reaches them, with as many decimals as its ticks need.
    let (time_max, time_step) = y_scale(time.values.iter().map(|(_, y)| *y).fold(0.0, f64::max));
    let time_text = move |ms: f64| match (time_max >= 1000.0, time_step >= 1000.0) {
        (true, true) => format!("{:.0} s", ms / 1000.0),
        (true, false) => format!("{:.1} s", ms / 1000.0),
        _ => format!("{ms:.0} ms"),
    };
    panel(
        &mut svg,
        0.0,
        &lang.sweep_time_title(),
        &[time],
        range,
        time_text,
    );
    panel(
        &mut svg,
        PANEL,
        &lang.sweep_requests_title(),
        &[in_flight, failed],
        range,
        count,
    );
    if let Some(current) = props.current.filter(|c| (range.0..=range.1).contains(c)) {
        let x = x_of(f64::from(current), range);
        let _ = write!(
            svg,
            r#"<line class="current" x1="{x:.1}" x2="{x:.1}" y1="{}" y2="{}"/>"#,
            PANEL_TOP,
            2.0 * PANEL - PANEL_BOTTOM
        );
    }
    if let Some(best) = fastest {
        let x = x_of(f64::from(best.value), range);
        let (y_max, _) = y_scale(ok.iter().map(|p| p.elapsed_ms).fold(0.0_f64, f64::max));
        let y = PANEL_TOP + PANEL_H - best.elapsed_ms / y_max * PANEL_H;
        let _ = write!(
            svg,
            r#"<circle class="fastest" cx="{x:.1}" cy="{y:.1}" r="6"/>"#
        );
    }
    let summary =
        fastest.map(|best| lang.sweep_fastest(props.label, best.value, &fmt_ms(best.elapsed_ms)));
    let summary_label = summary.clone().unwrap_or_default();
    let svg = Html::from_html_unchecked(AttrValue::from(format!(
        r#"<svg class="sweep-plot" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}">{svg}</svg>"#,
        escape(&summary.clone().unwrap_or_default())
    )));
    html! {
        <figure class="sweep-figure">
            <div class="sweep-scroll" tabindex="0" aria-label={summary_label}>{ svg }</div>
            <figcaption>
                <span class="legend time">{ lang.sweep_time_title() }</span>
                <span class="legend in-flight">{ in_flight_name.clone() }</span>
                <span class="legend failed">{ failed_name.clone() }</span>
                if let Some(summary) = summary {
                    <span class="sweep-fastest" data-value={fastest.map(|b| b.value.to_string())}>{ summary }</span>
                }
            </figcaption>
            <details class="sweep-table">
                <summary>{ lang.sweep_table() }</summary>
                <table>
                    <thead><tr>
                        <th scope="col">{ props.label }</th>
                        <th scope="col">{ lang.sweep_time_title() }</th>
                        <th scope="col">{ in_flight_name.clone() }</th>
                        <th scope="col">{ failed_name.clone() }</th>
                    </tr></thead>
                    <tbody>
                        { for points.iter().map(|p| html! {
                            <tr data-value={p.value.to_string()} data-elapsed-ms={format!("{:.1}", p.elapsed_ms)}
                                data-peak={p.peak_in_flight.to_string()} data-failed={p.failed_requests.to_string()}>
                                <th scope="row">{ p.value }</th>
                                if let Some(error) = &p.error {
                                    <td colspan="3" class="run-error">{ error.clone() }</td>
                                } else {
                                    <td>{ fmt_ms(p.elapsed_ms) }</td>
                                    <td>{ p.peak_in_flight }</td>
                                    <td>{ p.failed_requests }</td>
                                }
                            </tr>
                        }) }
                    </tbody>
                </table>
            </details>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(4083.0, 4.0), 2000.0);
        assert_eq!(nice_step(64.0, 8.0), 10.0);
        assert_eq!(nice_step(63.0, 8.0), 10.0);
        assert_eq!(nice_step(3.0, 4.0), 1.0);
    }

    #[test]
    fn the_range_spans_the_plot() {
        assert_eq!(x_of(1.0, (1, 64)), LEFT);
        assert_eq!(x_of(64.0, (1, 64)), WIDTH - RIGHT);
    }
}
