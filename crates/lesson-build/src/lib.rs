//! Build-time lesson pipeline: finds lessons, renders Markdown, highlights snippets, reads knobs.
//!
//! Both build scripts use it: the page's (`build.rs` at the root) turns every lesson into an
//! index entry (ids, titles, knobs) naming its content files, which `cargo xtask finish-site`
//! writes into the site (prose as HTML, highlighted sources); the runner's (`crates/runner/build.rs`) compiles every
//! snippet file into the runner worker. Both read the same files, so the source a card shows is
//! the source that runs. The format is documented in `lessons/README.md`.

#![deny(missing_docs)]

pub mod claims;
mod codegen;
mod content;
mod highlight;
mod knobs;
mod markdown;

use std::fs;
use std::path::{Path, PathBuf};

pub use codegen::{page_module, runner_module};
pub use content::{ContentFile, card_title, content_files, lesson_content, write_content};
pub use highlight::{highlight, highlight_lines};
pub use knobs::{Knob, block_start as knobs_block_start, parse_knobs};
pub use markdown::{Rendered, Segment, render};

/// The last lesson of the first part: the runner program a first visit loads (linked into the
/// page's own wasm, feature `first-part`) carries only the snippets of lessons up to this one.
pub const FIRST_PART_LAST: u32 = 1;

/// The lessons of the first part (numbered up to [`FIRST_PART_LAST`]).
pub fn first_part(lessons: Vec<Lesson>) -> Vec<Lesson> {
    lessons
        .into_iter()
        .filter(|l| l.number <= FIRST_PART_LAST)
        .collect()
}

/// The languages lesson prose may be written in; English is required.
pub const LANGS: &[&str] = &["en", "zh"];

/// Every lesson, in order, plus the shared knob labels.
#[derive(Debug)]
pub struct Catalog {
    /// Lessons sorted by number.
    pub lessons: Vec<Lesson>,
    /// Labels and units of every knob name a snippet may use (`lessons/knobs.toml`).
    pub knob_labels: Vec<KnobLabel>,
}

/// One lesson folder, `lessons/NN-slug/`.
#[derive(Debug)]
pub struct Lesson {
    /// The folder name, e.g. `08-async-await`: the lesson's id in URLs.
    pub id: String,
    /// `NN` from the folder name.
    pub number: u32,
    /// The prose, one per language present (English first).
    pub texts: Vec<(String, Rendered)>,
    /// The snippet files, sorted by id.
    pub snippets: Vec<Snippet>,
}

/// One snippet file, `lessons/NN-slug/<id>.rs`.
#[derive(Debug)]
pub struct Snippet {
    /// The file stem: the snippet's id in URLs.
    pub id: String,
    /// Absolute path of the file.
    pub path: PathBuf,
    /// The first `//!` line: the card's default title.
    pub title: String,
    /// True for `pub async fn run`, false for `pub fn run` (a blocking snippet).
    pub is_async: bool,
    /// The file has a `// tutor: page-thread` line: the card runs it on the page's own thread
    /// (with a warning), to show what blocking that thread does.
    pub page_thread: bool,
    /// The file declares jobs for worker threads with `tutor::jobs! { … }`.
    pub has_jobs: bool,
    /// The file has a `// tutor: turns` line: the card's replay also moves a whole turn of the
    /// executor at a time.
    pub turn_steps: bool,
    /// The file has a `// tutor: schedulers` line: its card runs it once under each of the
    /// browser host's schedulers and draws the three runs on one time axis.
    pub schedulers: bool,
    /// The file has a `// tutor: sweep <knob>` line: its card can also run it once for each
    /// value of that knob on the virtual clock and plot what each run took.
    pub sweep: Option<String>,
    /// The knobs declared with `knobs! { … }`.
    pub knobs: Vec<Knob>,
    /// The source as the card shows and copies it: the file without its `// ANCHOR:` lines.
    pub text: String,
    /// `text`, highlighted, as HTML.
    pub html: String,
    /// Only the `// ANCHOR: shown` regions, highlighted, with `// …` between them: what the
    /// card shows until "Show all". `None` when the file marks no region.
    pub focus_html: Option<String>,
}

/// A snippet's source as the card shows it: the file without its `// ANCHOR:` lines, and which
/// of its lines the `// ANCHOR: shown` regions hold.
#[derive(Debug, PartialEq, Eq)]
pub struct Anchored {
    /// The file without its anchor lines.
    pub text: String,
    /// For each line of `text`, its line number in the file (from 1), as `line!()` counts.
    pub lines: Vec<u32>,
    /// The lines inside `shown` regions, as indexes into `text`'s lines, with `None` where
    /// lines were left out. `None` when the file marks no region.
    pub focus: Option<Vec<Option<usize>>>,
}

/// Splits a snippet's source into what the card shows in full (anchor lines removed) and, if
/// it marks regions with `// ANCHOR: shown` … `// ANCHOR_END: shown`, just those regions.
///
/// ```
/// let src = "use x;\n// ANCHOR: shown\nfn a() {}\n// ANCHOR_END: shown\nfn b() {}\n";
/// let a = lesson_build::anchors(src);
/// assert_eq!(a.text, "use x;\nfn a() {}\nfn b() {}\n");
/// assert_eq!(a.lines, [1, 3, 5]);
/// assert_eq!(a.focus, Some(vec![None, Some(1), None]));
/// ```
pub fn anchors(source: &str) -> Anchored {
    let mut text = String::with_capacity(source.len());
    let mut lines = Vec::new();
    let mut focus = Vec::new();
    let mut inside = false;
    let mut marked = false;
    let mut skipped = false; // lines left out of the focus since the last region
    for (n, line) in source.lines().enumerate() {
        match line.trim() {
            "// ANCHOR: shown" => {
                if std::mem::take(&mut skipped) {
                    focus.push(None);
                }
                inside = true;
                marked = true;
                continue;
            }
            "// ANCHOR_END: shown" => {
                inside = false;
                continue;
            }
            _ => {}
        }
        if inside {
            focus.push(Some(lines.len()));
        } else {
            skipped = true;
        }
        text.push_str(line);
        text.push('\n');
        lines.push(n as u32 + 1);
    }
    if skipped && marked {
        focus.push(None);
    }
    Anchored {
        text,
        lines,
        focus: marked.then_some(focus),
    }
}

/// The card's HTML of a snippet: one `<span class="ln" data-line="N">` per line (`N` as
/// `line!()` counts in the file), and the same for the focus view, where `// …` stands for the
/// lines left out.
fn snippet_html(anchored: &Anchored) -> (String, Option<String>) {
    let highlighted = highlight::highlight_lines(&anchored.text, "rs");
    let line = |i: usize| {
        format!(
            "<span class=\"ln\" data-line=\"{}\">{}\n</span>",
            anchored.lines[i], highlighted[i]
        )
    };
    let full = (0..highlighted.len()).map(line).collect();
    let focus = anchored.focus.as_ref().map(|focus| {
        focus
            .iter()
            .map(|at| match at {
                Some(i) => line(*i),
                None => "<span class=\"ln gap\"><span class=\"hl-c\">// …</span>\n</span>".into(),
            })
            .collect()
    });
    (full, focus)
}

/// How a knob is labelled on the card.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct KnobLabel {
    /// The knob's field name (the table key in `knobs.toml`).
    #[serde(skip)]
    pub name: String,
    /// Unit shown after the value ("ms", "%", or empty).
    #[serde(default)]
    pub unit: String,
    /// English label.
    pub en: String,
    /// Chinese label.
    pub zh: String,
}

/// Reads every lesson under `dir`.
///
/// Errors name the file and what is wrong with it, so a build script can fail with them.
pub fn load(dir: &Path) -> Result<Catalog, String> {
    let knob_labels = load_knob_labels(&dir.join("knobs.toml"))?;
    let mut lessons = Vec::new();
    for entry in read_dir_sorted(dir)? {
        if !entry.is_dir() {
            continue;
        }
        let id = file_name(&entry);
        let Some(number) = id
            .split_once('-')
            .and_then(|(n, slug)| (!slug.is_empty()).then_some(n))
            .and_then(|n| n.parse::<u32>().ok())
        else {
            return Err(format!(
                "{}: lesson folders are named NN-slug (e.g. 08-async-await)",
                entry.display()
            ));
        };
        lessons.push(load_lesson(&entry, id, number, &knob_labels)?);
    }
    lessons.sort_by_key(|l| l.number);
    check_comparisons(dir, &lessons)?;
    check_claims(dir, &lessons)?;
    Ok(Catalog {
        lessons,
        knob_labels,
    })
}

/// Every `{{#compare}}` names snippets that exist, in whichever lesson it names.
fn check_comparisons(dir: &Path, lessons: &[Lesson]) -> Result<(), String> {
    for lesson in lessons {
        for (lang, text) in &lesson.texts {
            for segment in &text.segments {
                let Segment::Compare { a, b, .. } = segment else {
                    continue;
                };
                for (in_lesson, id) in [a, b] {
                    let in_lesson = if in_lesson.is_empty() {
                        &lesson.id
                    } else {
                        in_lesson
                    };
                    let found = lessons
                        .iter()
                        .find(|l| l.id == *in_lesson)
                        .is_some_and(|l| l.snippets.iter().any(|s| s.id == *id));
                    if !found {
                        return Err(format!(
                            "{}: `{{{{#compare}}}}` names `{in_lesson}/{id}`, which does not exist",
                            dir.join(&lesson.id)
                                .join(format!("lesson.{lang}.md"))
                                .display()
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Every `{{#check}}` names a snippet that exists, only its knobs and known measurements, and
/// every language states the same checks.
fn check_claims(dir: &Path, lessons: &[Lesson]) -> Result<(), String> {
    for lesson in lessons {
        let english = &lesson.texts[0].1.claims;
        for (lang, text) in &lesson.texts {
            let file = dir.join(&lesson.id).join(format!("lesson.{lang}.md"));
            let fail = |why: String| format!("{}: {why}", file.display());
            let texts = |claims: &[claims::Claim]| -> Vec<String> {
                claims.iter().map(|c| c.text.clone()).collect()
            };
            if texts(&text.claims) != texts(english) {
                return Err(fail(format!(
                    "its `{{{{#check}}}}` lines differ from lesson.en.md's: every language \
                     states the same figures\n  here: {:?}\n  en:   {:?}",
                    texts(&text.claims),
                    texts(english)
                )));
            }
            for claim in &text.claims {
                let (in_lesson, id) = &claim.snippet;
                let in_lesson = if in_lesson.is_empty() {
                    &lesson.id
                } else {
                    in_lesson
                };
                let snippet = lessons
                    .iter()
                    .find(|l| l.id == *in_lesson)
                    .and_then(|l| l.snippets.iter().find(|s| s.id == *id))
                    .ok_or_else(|| {
                        fail(format!(
                            "`{{{{#check {}}}}}` names `{in_lesson}/{id}`, which does not exist",
                            claim.text
                        ))
                    })?;
                let is_knob = |name: &str| snippet.knobs.iter().any(|k| k.name == name);
                for (name, _) in &claim.knobs {
                    if !is_knob(name) {
                        return Err(fail(format!(
                            "`{{{{#check {}}}}}`: `{id}` has no knob `{name}`",
                            claim.text
                        )));
                    }
                }
                for name in claim.lhs.names().into_iter().chain(claim.rhs.names()) {
                    if !is_knob(name) && !claims::MEASUREMENTS.contains(&name) && name != "none" {
                        return Err(fail(format!(
                            "`{{{{#check {}}}}}`: `{name}` is neither a knob of `{id}` nor a \
                             measurement ({})",
                            claim.text,
                            claims::MEASUREMENTS.join(", ")
                        )));
                    }
                }
            }
        }
    }
    Ok(())
}

fn load_lesson(
    dir: &Path,
    id: String,
    number: u32,
    labels: &[KnobLabel],
) -> Result<Lesson, String> {
    let mut snippets = Vec::new();
    for path in read_dir_sorted(dir)? {
        if path.extension().is_some_and(|e| e == "rs") {
            snippets.push(load_snippet(&path, labels)?);
        }
    }
    let ids: Vec<&str> = snippets.iter().map(|s| s.id.as_str()).collect();
    let mut texts = Vec::new();
    for lang in LANGS {
        let path = dir.join(format!("lesson.{lang}.md"));
        if !path.exists() {
            if *lang == "en" {
                return Err(format!(
                    "{}: missing (every lesson needs English prose)",
                    path.display()
                ));
            }
            continue;
        }
        let source = read(&path)?;
        let rendered = render(&source, &ids).map_err(|e| format!("{}: {e}", path.display()))?;
        // Every snippet file has its card in every language (its own, or a side of a
        // comparison within this lesson).
        for id in &ids {
            let placed = rendered.segments.iter().any(|s| match s {
                Segment::Snippet { id: placed, .. } => placed == id,
                Segment::Compare { a, b, .. } => [a, b]
                    .iter()
                    .any(|(lesson, snippet)| lesson.is_empty() && snippet == id),
                Segment::Html(_) => false,
            });
            if !placed {
                return Err(format!(
                    "{}: `{id}.rs` has no card here: add `{{{{#snippet {id}}}}}` (or compare it with another)",
                    path.display()
                ));
            }
        }
        texts.push((lang.to_string(), rendered));
    }
    Ok(Lesson {
        id,
        number,
        texts,
        snippets,
    })
}

fn load_snippet(path: &Path, labels: &[KnobLabel]) -> Result<Snippet, String> {
    let source = read(path)?;
    let anchored = anchors(&source);
    let fail = |why: String| format!("{}: {why}", path.display());
    let id = path
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
        .ok_or_else(|| fail("snippet file names use letters, digits, '-' and '_'".into()))?
        .to_owned();
    let title = source
        .lines()
        .find_map(|l| l.strip_prefix("//!"))
        .map(markdown::plain_title)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| fail("the first line must be a `//!` title".into()))?;
    let is_async = if source.contains("pub async fn run(") {
        true
    } else if source.contains("pub fn run(") {
        false
    } else {
        return Err(fail(
            "a snippet defines `pub fn run(knobs: Knobs) -> Result` or `pub async fn run(knobs: Knobs) -> Result`".into(),
        ));
    };
    if knobs_block_start(&source).is_none() {
        return Err(fail(
            "declare the snippet's knobs with `tutor::knobs! { … }` (it may be empty)".into(),
        ));
    }
    let knobs = parse_knobs(&source).map_err(fail)?;
    for knob in &knobs {
        if !labels.iter().any(|l| l.name == knob.name) {
            return Err(fail(format!(
                "knob `{}` has no label in lessons/knobs.toml",
                knob.name
            )));
        }
    }
    let page_thread = source.lines().any(|l| l.trim() == "// tutor: page-thread");
    let turn_steps = source.lines().any(|l| l.trim() == "// tutor: turns");
    let schedulers = source.lines().any(|l| l.trim() == "// tutor: schedulers");
    let sweep = source
        .lines()
        .find_map(|l| l.trim().strip_prefix("// tutor: sweep "))
        .map(|name| name.trim().to_owned());
    if let Some(name) = &sweep
        && !knobs.iter().any(|k| &k.name == name)
    {
        return Err(fail(format!(
            "`// tutor: sweep {name}` names a knob the snippet does not declare"
        )));
    }
    let has_jobs = source
        .lines()
        .any(|l| l.trim_start().starts_with("tutor::jobs!"));
    let (html, focus_html) = snippet_html(&anchored);
    Ok(Snippet {
        id,
        path: path.to_path_buf(),
        title,
        is_async,
        page_thread,
        has_jobs,
        turn_steps,
        schedulers,
        sweep,
        knobs,
        html,
        focus_html,
        text: anchored.text,
    })
}

fn load_knob_labels(path: &Path) -> Result<Vec<KnobLabel>, String> {
    let table: std::collections::BTreeMap<String, KnobLabel> =
        toml::from_str(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(table
        .into_iter()
        .map(|(name, label)| KnobLabel { name, ..label })
        .collect())
}

/// Prints `cargo:rerun-if-changed` for `dir` and everything in it.
pub fn rerun_if_changed(dir: &Path) {
    println!("cargo:rerun-if-changed={}", dir.display());
    if let Ok(entries) = read_dir_sorted(dir) {
        for entry in entries {
            if entry.is_dir() {
                rerun_if_changed(&entry);
            } else {
                println!("cargo:rerun-if-changed={}", entry.display());
            }
        }
    }
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    Ok(paths)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_lines_keep_the_file_line_numbers() {
        let src = "use x;\n// ANCHOR: shown\nfn a() {}\n// ANCHOR_END: shown\n\nfn b() {}\n";
        let (full, focus) = snippet_html(&anchors(src));
        let numbers = |html: &str| -> Vec<String> {
            html.split("data-line=\"")
                .skip(1)
                .map(|s| s[..s.find('"').unwrap()].to_owned())
                .collect()
        };
        assert_eq!(numbers(&full), ["1", "3", "5", "6"]);
        assert_eq!(full.matches("<span class=\"ln\"").count(), 4);
        let focus = focus.expect("a region is marked");
        assert_eq!(numbers(&focus), ["3"]);
        assert_eq!(focus.matches("class=\"ln gap\"").count(), 2, "{focus}");
        // Every line ends inside its own span, so each span is one line of the listing.
        assert_eq!(full.matches("\n</span>").count(), 4);
    }
}
