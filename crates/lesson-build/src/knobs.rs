//! Reads a snippet's `knobs! { name: MIN..=MAX = DEFAULT, … }` declaration.

/// One knob as declared in a snippet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Knob {
    /// Field name.
    pub name: String,
    /// Smallest value.
    pub min: u32,
    /// Largest value.
    pub max: u32,
    /// Default value.
    pub default: u32,
}

/// Finds the `knobs!` block in a snippet's source and parses it. A snippet without one has no
/// knobs.
///
/// ```
/// let knobs = lesson_build::parse_knobs("tutor::knobs! { pages: 1..=50 = 10 }").unwrap();
/// assert_eq!(knobs[0].name, "pages");
/// assert_eq!((knobs[0].min, knobs[0].max, knobs[0].default), (1, 50, 10));
/// ```
pub fn parse_knobs(source: &str) -> Result<Vec<Knob>, String> {
    let Some(start) = block_start(source) else {
        return Ok(Vec::new());
    };
    let body = &source[start..];
    let end = body
        .find('}')
        .ok_or("the knobs! block has no closing brace")?;
    let body: String = body[..end]
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" ");
    let mut knobs = Vec::new();
    for entry in body.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let knob = parse_entry(entry).ok_or_else(|| {
            format!("cannot read knob `{entry}`: write `name: MIN..=MAX = DEFAULT`")
        })?;
        if !(knob.min <= knob.default && knob.default <= knob.max) {
            return Err(format!(
                "knob `{}`: the default {} is outside {}..={}",
                knob.name, knob.default, knob.min, knob.max
            ));
        }
        if knobs.iter().any(|k: &Knob| k.name == knob.name) {
            return Err(format!("knob `{}` is declared twice", knob.name));
        }
        knobs.push(knob);
    }
    Ok(knobs)
}

/// Where the body of the `knobs!` block starts (just after its `{`), however the macro call is
/// spaced: `knobs! {`, `knobs!{`, or the brace on the next line.
///
/// ```
/// assert_eq!(lesson_build::knobs_block_start("tutor::knobs!{ a: 1..=2 = 1 }"), Some(14));
/// assert_eq!(lesson_build::knobs_block_start("knobs!\n  { }"), Some(10));
/// assert_eq!(lesson_build::knobs_block_start("no knobs! here"), None);
/// ```
pub fn block_start(source: &str) -> Option<usize> {
    source.match_indices("knobs!").find_map(|(at, m)| {
        let after = &source[at + m.len()..];
        let rest = after.trim_start();
        rest.starts_with('{').then(|| source.len() - rest.len() + 1)
    })
}

fn parse_entry(entry: &str) -> Option<Knob> {
    let (name, rest) = entry.split_once(':')?;
    // `..=` contains an '=' too: the default follows the last one.
    let (range, default) = rest.rsplit_once('=')?;
    let (min, max) = range.trim().split_once("..=")?;
    let name = name.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    Some(Knob {
        name: name.to_owned(),
        min: number(min)?,
        max: number(max)?,
        default: number(default)?,
    })
}

fn number(s: &str) -> Option<u32> {
    s.trim().replace('_', "").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_several_knobs_with_comments_and_underscores() {
        let src = "tutor::knobs! {\n    // how many\n    pages: 1..=50 = 10,\n    latency_ms: 0..=3_000 = 1_000, // per page\n}";
        let knobs = parse_knobs(src).unwrap();
        assert_eq!(knobs.len(), 2);
        assert_eq!(knobs[1].max, 3000);
        assert_eq!(knobs[1].default, 1000);
    }

    #[test]
    fn rejects_a_default_outside_the_range_and_bad_syntax() {
        // However the call is spaced.
        for src in [
            "knobs!{ pages: 1..=5 = 2 }",
            "knobs!\n{\n pages: 1..=5 = 2\n}",
        ] {
            let knobs = parse_knobs(src).unwrap();
            assert_eq!((knobs.len(), knobs[0].max), (1, 5), "{src}");
        }
        assert!(
            parse_knobs("knobs! { pages: 1..=5 = 10 }")
                .unwrap_err()
                .contains("outside")
        );
        assert!(
            parse_knobs("knobs! { pages = 10 }")
                .unwrap_err()
                .contains("name: MIN..=MAX = DEFAULT")
        );
        assert!(
            parse_knobs("knobs! { a: 1..=2 = 1, a: 1..=2 = 1 }")
                .unwrap_err()
                .contains("twice")
        );
    }
}
