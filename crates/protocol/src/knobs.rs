//! Knobs: the numbers a learner can turn on a snippet card, and their validation.

use std::collections::BTreeMap;
use std::fmt;

/// Knob values as they arrive from the page or the scripting API: name → number.
pub type KnobValues = BTreeMap<String, f64>;

/// One knob a snippet declares: a whole number in `min..=max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnobSpec {
    /// The field name in the snippet's `Knobs` struct, e.g. `latency_ms`.
    pub name: &'static str,
    /// Smallest allowed value.
    pub min: u32,
    /// Largest allowed value.
    pub max: u32,
    /// Value when the learner has not chosen one.
    pub default: u32,
}

/// Why a set of knob values was refused.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum KnobError {
    /// The value is outside the knob's range, or not a whole number.
    OutOfRange {
        /// The knob.
        name: String,
        /// Its range.
        min: u32,
        /// Its range.
        max: u32,
        /// What was given.
        got: f64,
    },
    /// No knob of that name exists on this snippet.
    Unknown {
        /// The name given.
        name: String,
        /// The names that exist.
        known: Vec<String>,
    },
}

impl fmt::Display for KnobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KnobError::OutOfRange {
                name,
                min,
                max,
                got,
            } => write!(
                f,
                "{name} must be a whole number from {min} to {max} (got {})",
                fmt_number(*got)
            ),
            KnobError::Unknown { name, known } => {
                write!(
                    f,
                    "this snippet has no knob named {name:?}; it has: {}",
                    known.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for KnobError {}

/// A number as a reader expects to see it: whole numbers without a fraction.
///
/// ```
/// assert_eq!(protocol::knobs::fmt_number(51.0), "51");
/// assert_eq!(protocol::knobs::fmt_number(2.5), "2.5");
/// ```
pub fn fmt_number(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

impl KnobSpec {
    /// Checks one value against this knob.
    ///
    /// ```
    /// use protocol::KnobSpec;
    /// let pages = KnobSpec { name: "pages", min: 1, max: 50, default: 10 };
    /// assert_eq!(pages.check(12.0), Ok(12));
    /// assert_eq!(
    ///     pages.check(0.0).unwrap_err().to_string(),
    ///     "pages must be a whole number from 1 to 50 (got 0)"
    /// );
    /// assert!(pages.check(2.5).is_err());
    /// ```
    pub fn check(&self, value: f64) -> Result<u32, KnobError> {
        if value.fract() == 0.0 && value >= f64::from(self.min) && value <= f64::from(self.max) {
            Ok(value as u32)
        } else {
            Err(KnobError::OutOfRange {
                name: self.name.to_owned(),
                min: self.min,
                max: self.max,
                got: value,
            })
        }
    }
}

/// Checks `values` against `specs` and returns one value per spec, in the specs' order (the
/// default where a knob was not given). Every problem is reported, not just the first.
///
/// ```
/// use protocol::{knobs::resolve, KnobSpec, KnobValues};
/// const SPECS: &[KnobSpec] = &[
///     KnobSpec { name: "pages", min: 1, max: 50, default: 10 },
///     KnobSpec { name: "latency_ms", min: 0, max: 3000, default: 1000 },
/// ];
/// let values = KnobValues::from([("latency_ms".to_string(), 300.0)]);
/// assert_eq!(resolve(SPECS, &values), Ok(vec![10, 300]));
/// ```
pub fn resolve(specs: &[KnobSpec], values: &KnobValues) -> Result<Vec<u32>, Vec<KnobError>> {
    let mut errors = Vec::new();
    for name in values.keys() {
        if !specs.iter().any(|s| s.name == name) {
            errors.push(KnobError::Unknown {
                name: name.clone(),
                known: specs.iter().map(|s| s.name.to_owned()).collect(),
            });
        }
    }
    let resolved: Vec<u32> = specs
        .iter()
        .map(|spec| match values.get(spec.name) {
            None => spec.default,
            Some(&v) => spec.check(v).unwrap_or_else(|e| {
                errors.push(e);
                spec.default
            }),
        })
        .collect();
    if errors.is_empty() {
        Ok(resolved)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[KnobSpec] = &[KnobSpec {
        name: "pages",
        min: 1,
        max: 50,
        default: 10,
    }];

    #[test]
    fn every_problem_is_reported() {
        let values = KnobValues::from([("pages".into(), 51.0), ("pagse".into(), 3.0)]);
        let errors = resolve(SPECS, &values).unwrap_err();
        let text: Vec<_> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "this snippet has no knob named \"pagse\"; it has: pages",
                "pages must be a whole number from 1 to 50 (got 51)",
            ]
        );
    }

    #[test]
    fn nan_and_infinity_are_refused() {
        assert!(SPECS[0].check(f64::NAN).is_err());
        assert!(SPECS[0].check(f64::INFINITY).is_err());
        assert!(SPECS[0].check(-1.0).is_err());
    }
}
