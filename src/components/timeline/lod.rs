//! Level of detail for long lanes: a lane with thousands of segments or wake-ups is drawn as a
//! few paths, not one element each. What falls within one unit of the drawing (about a pixel)
//! is merged; a stretch where the lane changes state several times per unit is drawn as a
//! band. However long the run, a lane costs a handful of elements.

use replay::{Segment, SegmentKind, WakeMark};

/// A lane is drawn element by element (each segment and wake-up with its own tooltip) when
/// `segments + 2 × wakes` is at most this; beyond, it is drawn by [`lane_paths`].
pub const DETAIL_MAX: usize = 30;

/// True when the lane is short enough to draw element by element.
pub fn detailed(segments: usize, wakes: usize) -> bool {
    segments + 2 * wakes <= DETAIL_MAX
}

const KINDS: [SegmentKind; 13] = [
    SegmentKind::Ready,
    SegmentKind::Running,
    SegmentKind::Blocked,
    SegmentKind::Timer,
    SegmentKind::Network,
    SegmentKind::Channel,
    SegmentKind::Task,
    SegmentKind::Other,
    SegmentKind::Stuck,
    SegmentKind::Request,
    SegmentKind::WaitJob,
    SegmentKind::Starting,
    SegmentKind::Job,
];

fn kind_index(kind: SegmentKind) -> usize {
    KINDS.iter().position(|k| *k == kind).unwrap_or(0)
}

/// Kinds that use the thread are drawn full height; waiting is drawn thinner.
pub fn thick(kind: SegmentKind) -> bool {
    matches!(
        kind,
        SegmentKind::Running
            | SegmentKind::Blocked
            | SegmentKind::Request
            | SegmentKind::Starting
            | SegmentKind::Job
    )
}

/// One path of a lane drawn by level of detail.
#[derive(Clone, Debug, PartialEq)]
pub struct LodPath {
    /// The kind that covers most of each of its units.
    pub kind: SegmentKind,
    /// A dense stretch: the lane changed state more than once per unit there.
    pub band: bool,
    /// SVG path data: one rectangle per run of units.
    pub d: String,
}

/// Where a lane is drawn: `x0` is the drawing's x of time 0, `unit_ms` the time one unit of
/// width stands for, `units` how many units wide the plot is, `y` the lane's top and `h` its
/// height.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    pub x0: f64,
    pub unit_ms: f64,
    pub units: usize,
    pub y: f64,
    pub h: f64,
}

/// The segments of a lane as a few paths, one per kind (and one per kind of band). A segment
/// still going ends at `open_end_ms`.
pub fn lane_paths(segments: &[Segment], open_end_ms: f64, f: Frame) -> Vec<LodPath> {
    let units = f.units.max(1);
    // Per unit: how much of it each kind covers, and how many segments start in it.
    let mut cover = vec![[0f32; KINDS.len()]; units];
    let mut starts = vec![0u32; units];
    let to_unit = |ms: f64| (ms / f.unit_ms).clamp(0.0, units as f64);
    for s in segments {
        let a = to_unit(s.start_us as f64 / 1000.0);
        let b = to_unit(s.end_us.map_or(open_end_ms, |e| e as f64 / 1000.0)).max(a);
        let (c0, c1) = (
            (a.floor() as usize).min(units - 1),
            (b.floor() as usize).min(units - 1),
        );
        starts[c0] += 1;
        let k = kind_index(s.kind);
        if c0 == c1 {
            // At least a sliver, so a zero-length segment still shows.
            cover[c0][k] += ((b - a) as f32).max(0.01);
        } else {
            cover[c0][k] += (c0 as f64 + 1.0 - a) as f32;
            for cell in &mut cover[c0 + 1..c1] {
                cell[k] += 1.0;
            }
            cover[c1][k] += (b - c1 as f64) as f32;
        }
    }
    // Each unit's look: the kind covering most of it, and whether it is dense.
    let look = |c: usize| -> Option<(usize, bool)> {
        let (k, most) = cover[c]
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .expect("kinds");
        (*most > 0.0).then_some((k, starts[c] >= 2))
    };
    let mut paths: Vec<LodPath> = Vec::new();
    let mut c = 0;
    while c < units {
        let Some(here) = look(c) else {
            c += 1;
            continue;
        };
        let mut end = c + 1;
        while end < units && look(end) == Some(here) {
            end += 1;
        }
        let (k, band) = here;
        let kind = KINDS[k];
        let (y, h) = if band || thick(kind) {
            (f.y, f.h)
        } else {
            (f.y + 5.0, f.h - 10.0)
        };
        let d = format!("M{:.1},{y}h{}v{h}h-{}z", f.x0 + c as f64, end - c, end - c);
        match paths.iter_mut().find(|p| p.kind == kind && p.band == band) {
            Some(p) => p.d.push_str(&d),
            None => paths.push(LodPath { kind, band, d }),
        }
        c = end;
    }
    paths
}

/// Wake-up marks of a lane as one path: one mark per unit that has any.
pub fn wake_path(wakes: &[WakeMark], f: Frame) -> String {
    let units = f.units.max(1);
    let mut seen = vec![false; units];
    let mut d = String::new();
    for w in wakes {
        let c = ((w.at_us as f64 / 1000.0 / f.unit_ms).max(0.0) as usize).min(units - 1);
        if !std::mem::replace(&mut seen[c], true) {
            d.push_str(&format!("M{:.1},{}l-4,-6h8z", f.x0 + c as f64, f.y + 6.0));
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(kind: SegmentKind, start_us: u64, end_us: u64) -> Segment {
        Segment {
            kind,
            start_us,
            end_us: Some(end_us),
        }
    }

    const FRAME: Frame = Frame {
        x0: 100.0,
        unit_ms: 1.0,
        units: 100,
        y: 0.0,
        h: 18.0,
    };

    #[test]
    fn long_segments_stay_apart_and_a_dense_stretch_is_one_band() {
        let mut segments = vec![seg(SegmentKind::Timer, 0, 40_000)];
        // 60 ms of polls 100 µs long, with the task ready in between: 600 segments.
        for i in 0..300 {
            let t = 40_000 + i * 200;
            segments.push(seg(SegmentKind::Running, t, t + 100));
            segments.push(seg(SegmentKind::Ready, t + 100, t + 200));
        }
        let paths = lane_paths(&segments, 100.0, FRAME);
        assert_eq!(paths.len(), 2, "{paths:?}");
        assert_eq!(
            (paths[0].kind, paths[0].band, paths[0].d.as_str()),
            (SegmentKind::Timer, false, "M100.0,5h40v8h-40z")
        );
        assert!(paths[1].band);
        assert_eq!(paths[1].d, "M140.0,0h60v18h-60z");
    }

    #[test]
    fn a_million_segments_cost_a_few_paths() {
        let segments: Vec<Segment> = (0..1_000_000u64)
            .map(|i| {
                let kind = if i % 2 == 0 {
                    SegmentKind::Running
                } else {
                    SegmentKind::Ready
                };
                seg(kind, i * 50, i * 50 + 50)
            })
            .collect();
        let paths = lane_paths(
            &segments,
            0.0,
            Frame {
                unit_ms: 500.0,
                ..FRAME
            },
        );
        assert!(paths.len() <= 2, "{paths:?}");
        assert!(paths.iter().all(|p| p.d.matches('M').count() <= 100));
        let wakes: Vec<WakeMark> = (0..100_000u64)
            .map(|i| WakeMark {
                at_us: i * 500,
                by: executor::trace::WakeSource::Timer,
            })
            .collect();
        assert_eq!(
            wake_path(
                &wakes,
                Frame {
                    unit_ms: 500.0,
                    ..FRAME
                }
            )
            .matches('M')
            .count(),
            100
        );
    }
}
