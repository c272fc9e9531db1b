//! The checks of the lesson folders: each English aside paired with its Chinese twin, problems found before any run.

use std::path::{Path, PathBuf};

use super::extract::{Aside, Expected, extract};
use super::same_code::same_output;

/// One check: an aside (en, with its zh twin) or a lone one.
pub(super) struct Check {
    /// `file:line` of the aside.
    pub(super) label: String,
    /// What to run, when the aside and its output block are well-formed.
    pub(super) run: Option<(String, Expected)>,
    pub(super) problems: Vec<String>,
    /// Index into the en/zh code pairs.
    pub(super) pair: Option<usize>,
}

/// The checks of one lesson folder; en/zh code pairs go to `pairs`.
pub(super) fn lesson_checks(
    lessons: &Path,
    folder: &Path,
    pairs: &mut Vec<(String, String)>,
) -> Result<Vec<Check>, String> {
    let base = lessons
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "lessons".to_string());
    let id = folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let read = |lang: &str| -> Result<Option<(String, Vec<Aside>)>, String> {
        let path = folder.join(format!("lesson.{lang}.md"));
        if !path.is_file() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let label = format!("{base}/{id}/lesson.{lang}.md");
        let asides = extract(&label, &text);
        Ok(Some((label, asides)))
    };
    let Some((en_file, en)) = read("en")? else {
        return Ok(Vec::new());
    };
    let zh = read("zh")?;
    let mut checks = Vec::new();
    for (i, aside) in en.iter().enumerate() {
        let mut check = Check {
            label: format!("{en_file}:{}", aside.line),
            run: None,
            problems: Vec::new(),
            pair: None,
        };
        match &aside.expected {
            Ok(expected) => check.run = Some((aside.code.clone(), expected.clone())),
            Err(why) => check.problems.push(why.clone()),
        }
        if let Some((zh_file, zh)) = &zh {
            match zh.get(i) {
                None => check.problems.push(format!(
                    "{zh_file} has no aside #{} to match this one ({} has {}, {} has {})",
                    i + 1,
                    en_file,
                    en.len(),
                    zh_file,
                    zh.len()
                )),
                Some(twin) => {
                    let place = format!("{zh_file}:{}", twin.line);
                    match (&aside.expected, &twin.expected) {
                        (_, Err(why)) => check.problems.push(why.clone()),
                        (Ok(a), Ok(b)) => {
                            if let Some(why) = same_output(a, b) {
                                check.problems.push(format!(
                                    "{zh_file}:{}: its ```output block differs from \
                                     {en_file}:{}'s: {why}",
                                    b.line, a.line
                                ));
                            }
                        }
                        (Err(_), Ok(_)) => {}
                    }
                    check.pair = Some(pairs.len());
                    pairs.push((aside.code.clone(), twin.code.clone()));
                    check.label = format!("{} (zh {place})", check.label);
                }
            }
        }
        checks.push(check);
    }
    if let Some((zh_file, zh)) = &zh {
        for twin in zh.iter().skip(en.len()) {
            checks.push(Check {
                label: format!("{zh_file}:{}", twin.line),
                run: None,
                problems: vec![format!(
                    "{zh_file}:{}: {en_file} has no aside to match this one ({} has {}, {} \
                     has {})",
                    twin.line,
                    en_file,
                    en.len(),
                    zh_file,
                    zh.len()
                )],
                pair: None,
            });
        }
    }
    Ok(checks)
}

/// The lesson folders under `lessons` (sorted), keeping those whose id equals or starts with
/// one of `only` (all when it is empty).
pub(super) fn lesson_folders(lessons: &Path, only: &[String]) -> Result<Vec<PathBuf>, String> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(lessons)
        .map_err(|e| format!("cannot read {}: {e}", lessons.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    if only.is_empty() {
        return Ok(folders);
    }
    let picked: Vec<PathBuf> = folders
        .into_iter()
        .filter(|p| {
            let id = p.file_name().unwrap_or_default().to_string_lossy();
            only.iter().any(|o| id.starts_with(o.as_str()))
        })
        .collect();
    if picked.is_empty() {
        return Err(format!(
            "no lesson under {} matches {}",
            lessons.display(),
            only.join(", ")
        ));
    }
    Ok(picked)
}
