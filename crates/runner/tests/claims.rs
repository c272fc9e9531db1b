//! Every `{{#check …}}` line of the lessons, run on the virtual host: the figures the prose states are what the cards do.

use std::collections::HashMap;
use std::path::PathBuf;

use executor::trace::{Event, Record};
use lesson_build::claims::{Claim, Value};
use protocol::Report;

mod common;

/// The value of a knob or measurement in one run of a claim's snippet.
fn measure(
    name: &str,
    arg: Option<&str>,
    knobs: &HashMap<String, f64>,
    report: &Report,
    trace: &[Record],
) -> Result<Value, String> {
    let task_ids = |wanted: &str| -> Vec<_> {
        trace
            .iter()
            .filter_map(|r| match &r.event {
                Event::Spawn {
                    task,
                    name: Some(n),
                    ..
                } if n == wanted => Some(*task),
                _ => None,
            })
            .collect()
    };
    let count = |f: &dyn Fn(&Event) -> bool| trace.iter().filter(|r| f(&r.event)).count() as f64;
    let num = |n: f64| Ok(Value::Num(n));
    match (name, arg) {
        ("elapsed", None) => num(report.elapsed_ms),
        ("requests", None) => num(report.trace.requests as f64),
        ("tasks", None) => num(report.trace.tasks as f64),
        ("polls", None) => num(report.trace.polls as f64),
        ("wakes", None) => num(report.trace.wakes as f64),
        ("turns", None) => num(report.trace.turns as f64),
        ("peak_in_flight", None) => num(report.trace.peak_in_flight as f64),
        ("output", None) => Ok(Value::Text(
            report
                .output
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        )),
        ("error", None) => Ok(report.error.clone().map_or(Value::None, Value::Text)),
        ("polls", Some(task)) => {
            let ids = task_ids(task);
            if ids.is_empty() {
                return Err(format!("no task is named {task:?}"));
            }
            num(count(
                &|e| matches!(e, Event::PollStart { task } if ids.contains(task)),
            ))
        }
        ("marks", Some(label)) => num(count(
            &|e| matches!(e, Event::Mark { label: l, .. } if l == label),
        )),
        ("lines", Some(text)) => num(report
            .output
            .iter()
            .filter(|l| l.text.contains(text))
            .count() as f64),
        ("printed", Some(text)) => {
            let line = report
                .output
                .iter()
                .find_map(|l| l.text.split_once(text).map(|(_, after)| after))
                .ok_or_else(|| format!("no output line contains {text:?}"))?;
            let number: String = line
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
                .filter(|c| *c != ',')
                .collect();
            number
                .parse()
                .map(Value::Num)
                .map_err(|_| format!("no number after {text:?} in {line:?}"))
        }
        (knob, None) => knobs
            .get(knob)
            .map(|v| Value::Num(*v))
            .ok_or_else(|| format!("no knob or measurement `{knob}`")),
        (call, Some(_)) => Err(format!("no measurement `{call}(…)`")),
    }
}

fn verify(lesson: &str, claim: &Claim, catalog: &lesson_build::Catalog) -> Result<(), String> {
    let lesson = if claim.snippet.0.is_empty() {
        lesson
    } else {
        &claim.snippet.0
    };
    let snippet = catalog
        .lessons
        .iter()
        .find(|l| l.id == lesson)
        .and_then(|l| l.snippets.iter().find(|s| s.id == claim.snippet.1))
        .ok_or("no such snippet")?;
    let mut knobs: HashMap<String, f64> = snippet
        .knobs
        .iter()
        .map(|k| (k.name.clone(), f64::from(k.default)))
        .collect();
    for (name, value) in &claim.knobs {
        knobs.insert(name.clone(), f64::from(*value));
    }
    let given: Vec<(&str, f64)> = claim
        .knobs
        .iter()
        .map(|(n, v)| (n.as_str(), f64::from(*v)))
        .collect();
    let (report, trace) = common::run(lesson, &claim.snippet.1, &given);
    claim.verify(&|name, arg| measure(name, arg, &knobs, &report, &trace))
}

#[test]
fn every_figure_the_lessons_state_is_what_their_cards_do() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../lessons");
    let catalog = lesson_build::load(&dir).expect("the lessons load");
    let mut checked = 0;
    let mut failures = Vec::new();
    for lesson in &catalog.lessons {
        // Every language states the same checks (the build makes sure), so English is enough.
        for claim in &lesson.texts[0].1.claims {
            checked += 1;
            if let Err(why) = verify(&lesson.id, claim, &catalog) {
                failures.push(format!(
                    "{}: {{{{#check {}}}}}: {why}",
                    lesson.id, claim.text
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 20, "only {checked} checks in the course");
}
