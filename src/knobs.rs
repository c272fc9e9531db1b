//! Knob text, one way everywhere: `pages=3&latency_ms=200` in a link to a moment, in the
//! embed's `knobs` parameter and in local storage, parsed, merged and encoded here.

use std::borrow::Borrow;

use crate::content::Knob;
use crate::i18n::Lang;
use crate::store;

/// Name–text pairs, in the order given; a name given twice counts as its last text.
pub type Given = Vec<(String, String)>;

/// `pages=3&latency_ms=200` as name–text pairs. Between pairs `&`, `;` or `,` (people write
/// `pages=3, latency_ms=200` in an embed's attribute); names and texts are trimmed and
/// percent-decoded (`pages=%33` is 3; `+` stays a plus sign); a pair with no name or no `=`
/// is left out.
pub fn parse(text: &str) -> Given {
    text.split(['&', ';', ','])
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            let name = percent_decoded(name).trim().to_owned();
            (!name.is_empty()).then(|| (name, percent_decoded(value).trim().to_owned()))
        })
        .collect()
}

/// Pairs as `name=text&…`, each part percent-encoded where it would not read back as itself.
pub fn encode<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    pairs
        .into_iter()
        .map(|(name, value)| format!("{}={}", percent_encoded(name), percent_encoded(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A knob value as given, in the form a number box shows: `+3`, `3.0` and ` 3 ` as `3`.
/// Anything else stays as it is, to be refused beside its knob.
pub fn text(given: &str) -> String {
    match given.trim().parse::<f64>() {
        Ok(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n}"),
        _ => given.trim().to_owned(),
    }
}

/// `defaults` (one text per knob) with the `given` pairs put in, as a number box shows them;
/// names the snippet does not have are left out.
pub fn merged<K: Borrow<Knob>>(
    knobs: &[K],
    defaults: Vec<String>,
    given: &[(String, String)],
) -> Vec<String> {
    knobs
        .iter()
        .zip(defaults)
        .map(|(k, d)| {
            given
                .iter()
                .rev()
                .find(|(name, _)| name == k.borrow().spec.name)
                .map_or(d, |(_, v)| text(v))
        })
        .collect()
}

/// The message for `given` names the snippet has no knob for, if there are any.
pub fn unknown(knobs: &[Knob], given: &[(String, String)], lang: Lang) -> Option<String> {
    let unknown: Vec<String> = given
        .iter()
        .filter(|(name, _)| !knobs.iter().any(|k| k.spec.name == name))
        .map(|(name, _)| name.clone())
        .collect();
    let known: Vec<&str> = knobs.iter().map(|k| k.spec.name).collect();
    (!unknown.is_empty()).then(|| lang.unknown_knobs(&unknown, &known))
}

/// Checks one knob's text; the error is in the page's language.
pub fn check(knob: &Knob, text: &str, lang: Lang) -> Result<f64, String> {
    let value: f64 = text.trim().parse().unwrap_or(f64::NAN);
    knob.spec
        .check(value)
        .map(f64::from)
        .map_err(|e| lang.knob_error(knob.label(lang), &e))
}

/// The knob texts remembered under `key`, else the defaults: a stored value for a knob that is
/// gone is ignored, a missing one takes the default.
pub fn remembered<K: Borrow<Knob>>(key: &str, knobs: &[K], defaults: Vec<String>) -> Vec<String> {
    match store::get(key) {
        Some(stored) => merged(knobs, defaults, &parse(&stored)),
        None => defaults,
    }
}

/// Remembers knob texts under `key`, or forgets them.
pub fn remember<K: Borrow<Knob>>(key: &str, knobs: &[K], values: Option<&[String]>) {
    match values {
        Some(values) => {
            let pairs = knobs
                .iter()
                .zip(values)
                .map(|(k, v)| (k.borrow().spec.name, v.as_str()));
            store::set(key, &encode(pairs));
        }
        None => store::remove(key),
    }
}

/// `text` with its `%XX` escapes decoded (invalid escapes and UTF-8 left as they are).
pub fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `text` with everything but unreserved URL characters percent-encoded (as UTF-8).
fn percent_encoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::KnobSpec;

    fn knob(name: &'static str, default: u32) -> Knob {
        Knob {
            spec: KnobSpec {
                name,
                min: 0,
                max: 100,
                default,
            },
            unit: "",
            en: name,
            zh: name,
        }
    }

    fn pairs(p: &[(&str, &str)]) -> Given {
        p.iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn one_parser_reads_links_attributes_and_storage() {
        assert_eq!(
            parse("pages=3, latency_ms = 200;bad;=4&x=y"),
            pairs(&[("pages", "3"), ("latency_ms", "200"), ("x", "y")])
        );
        assert_eq!(
            parse("pages=%33&latency_ms=+3"),
            pairs(&[("pages", "3"), ("latency_ms", "+3")])
        );
        assert_eq!(parse(""), pairs(&[]));
    }

    #[test]
    fn encoded_pairs_read_back_as_themselves() {
        let given = [("pages", "3"), ("odd name", "a&b=c%,;#任务"), ("n", "+3")];
        let text = encode(given);
        assert_eq!(text.split('&').count(), 3, "{text}");
        assert!(!text.contains(['#', ' ', ',', ';']), "{text}");
        assert_eq!(parse(&text), pairs(&given));
    }

    #[test]
    fn given_knob_texts_take_the_form_the_number_box_shows() {
        assert_eq!(text("+3"), "3");
        assert_eq!(text(" 3.0 "), "3");
        assert_eq!(text("-0"), "-0");
        assert_eq!(text("2.5"), "2.5");
        assert_eq!(text("1e308"), "1e308");
        assert_eq!(text("abc"), "abc");
        let knobs = [knob("pages", 10)];
        assert_eq!(
            merged(&knobs, vec!["10".into()], &pairs(&[("pages", "+3")])),
            ["3"]
        );
    }

    #[test]
    fn given_knobs_replace_defaults_by_name_and_unknown_names_are_left_out() {
        let knobs = [knob("pages", 10), knob("latency_ms", 1000)];
        let defaults = vec!["10".to_string(), "1000".to_string()];
        let given = pairs(&[("latency_ms", "200"), ("nope", "1"), ("latency_ms", "300")]);
        // The last value given for a name wins; the knob order is the snippet's.
        assert_eq!(merged(&knobs, defaults.clone(), &given), ["10", "300"]);
        assert_eq!(merged(&knobs, defaults.clone(), &[]), defaults);
    }
}
