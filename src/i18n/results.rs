//! What a card says about the truth of what it shows: a timeline cut short of the whole run.

use super::Lang;

/// `1234567` as `1,234,567`.
pub(super) fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Lang {
    /// The note on a card whose trace was cut: the timeline and the replay show the first
    /// `shown` events of `total` (while the run goes on, `total` is not known yet); the output
    /// and the totals come from the run's report, so they are complete.
    pub fn trace_partial(self, shown: usize, total: Option<u64>) -> String {
        let n = grouped(shown);
        match (self, total) {
            (Lang::En, Some(m)) => format!(
                "The timeline shows the first {n} of {} events; output and totals are complete.",
                grouped(m as usize)
            ),
            (Lang::En, None) => format!(
                "The timeline shows the first {n} events; later ones are not drawn. Output and totals stay complete."
            ),
            (Lang::Zh, Some(m)) => format!(
                "时间线只显示前 {n} 个事件（共 {} 个）；输出和总计是完整的。",
                grouped(m as usize)
            ),
            (Lang::Zh, None) => {
                format!("时间线只显示前 {n} 个事件，之后的事件不再绘制；输出和总计仍然完整。")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_timeline_says_how_much_it_shows_in_both_languages() {
        assert_eq!(
            Lang::En.trace_partial(100_000, Some(350_004)),
            "The timeline shows the first 100,000 of 350,004 events; output and totals are complete."
        );
        assert_eq!(
            Lang::Zh.trace_partial(100_000, Some(350_004)),
            "时间线只显示前 100,000 个事件（共 350,004 个）；输出和总计是完整的。"
        );
        assert!(
            Lang::En
                .trace_partial(7, None)
                .starts_with("The timeline shows the first 7 events")
        );
        assert!(Lang::Zh.trace_partial(7, None).contains("前 7 个事件"));
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(0), "0");
    }
}
