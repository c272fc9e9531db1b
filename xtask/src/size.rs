//! `cargo xtask size`: what a first visit downloads before a run can start, file by file, gzip.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The first visit's target in gzip bytes (issue 17): not met yet, reported.
pub const BUDGET: u64 = 250 * 1000;

/// What `cargo xtask test` enforces meanwhile: the first visit as it is now (385 KB) plus under
/// 2 %, so nothing grows it while the target is out of reach. Lower it whenever the first visit
/// shrinks; raising it needs a reason in the commit.
pub const CEILING: u64 = 392 * 1000;

/// Files the page or its workers load at start that `index.html` does not name: the runner
/// worker's boot script (the first part's runner program is the page's own module), and the
/// service worker with the slow web's rules.
const STARTED_BY_CODE: [&str; 3] = ["runner-boot.js", "sw.js", "slow-web.js"];

/// One file a first visit loads.
#[derive(Debug, PartialEq, Eq)]
pub struct Loaded {
    pub file: String,
    pub bytes: u64,
    pub gzip: u64,
}

/// The files `index.html` names (`href`, `src`, and the app's `data-app-js`/`data-app-wasm`),
/// relative to the site, without the icons and manifest the browser fetches on its own time.
pub fn named_by_index(html: &str) -> Vec<String> {
    let mut files = Vec::new();
    for attr in ["href=\"", "src=\"", "data-app-js=\"", "data-app-wasm=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attr) {
            // Only whole attribute names: `data-app-js="` also ends in `js="`, not `src="`.
            let before = rest[..at].chars().last();
            rest = &rest[at + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            let value = &rest[..end];
            if before.is_some_and(|c| c == '-' || c.is_alphanumeric()) {
                continue;
            }
            let file = value.trim_start_matches("./").replace("{base}", "");
            let fetched_later = file.starts_with("icons/")
                || file.ends_with(".webmanifest")
                || file.ends_with(".svg")
                || file.contains("://")
                || file.starts_with('#')
                || file.is_empty();
            if !fetched_later && !files.contains(&file) {
                files.push(file);
            }
        }
    }
    files
}

/// Lesson 1's English content file (`content/01-….en.<hash>.json`): its prose and sources,
/// fetched when the lesson opens.
fn first_lesson_content(dist: &Path) -> Result<String, String> {
    let dir = dist.join("content");
    let entries = fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut found: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with("01-") && name.contains(".en.") && name.ends_with(".json"))
        .collect();
    found.sort();
    match found.as_slice() {
        [one] => Ok(format!("content/{one}")),
        [] => Err(format!("{}: no content file for lesson 1", dir.display())),
        more => Err(format!(
            "{}: lesson 1 has {} English content files",
            dir.display(),
            more.len()
        )),
    }
}

fn gzip_size(path: &Path) -> Result<u64, String> {
    let output = Command::new("gzip")
        .args(["-9", "-n", "-c"])
        .arg(path)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run gzip: {e}"))?;
    if !output.status.success() {
        return Err(format!("gzip failed on {}", path.display()));
    }
    Ok(output.stdout.len() as u64)
}

/// Every file a first visit loads from `dist`, with its size and gzip size.
pub fn first_visit(dist: &Path) -> Result<Vec<Loaded>, String> {
    let index = dist.join("index.html");
    let html = fs::read_to_string(&index).map_err(|e| {
        format!(
            "{}: {e} (build the site first: `cargo xtask test build`)",
            index.display()
        )
    })?;
    let mut files = vec!["index.html".to_owned()];
    files.extend(named_by_index(&html));
    files.extend(STARTED_BY_CODE.iter().map(|f| (*f).to_owned()));
    files.push(first_lesson_content(dist)?);
    files.dedup();
    let mut loaded = Vec::new();
    for file in files {
        let path: PathBuf = dist.join(&file);
        let bytes = fs::metadata(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .len();
        loaded.push(Loaded {
            gzip: gzip_size(&path)?,
            file,
            bytes,
        });
    }
    Ok(loaded)
}

/// The table `cargo xtask size` prints.
pub fn table(loaded: &[Loaded]) -> String {
    let mut out = format!("{:<60} {:>10} {:>10}\n", "file", "bytes", "gzip");
    for l in loaded {
        out.push_str(&format!("{:<60} {:>10} {:>10}\n", l.file, l.bytes, l.gzip));
    }
    let total = total(loaded);
    let verdict = if total <= BUDGET { "within" } else { "over" };
    out.push_str(&format!(
        "first visit: {total} bytes gzip, {verdict} the target of {BUDGET} (issue 17); \
         `cargo xtask test` fails above {CEILING}\n"
    ));
    out
}

/// The first visit's gzip bytes.
pub fn total(loaded: &[Loaded]) -> u64 {
    loaded.iter().map(|l| l.gzip).sum()
}

/// `size --check`: an error when the first visit is over [`CEILING`].
pub fn check(loaded: &[Loaded]) -> Result<(), String> {
    let total = total(loaded);
    if total <= CEILING {
        return Ok(());
    }
    let mut heavy: Vec<&Loaded> = loaded.iter().collect();
    heavy.sort_by_key(|l| std::cmp::Reverse(l.gzip));
    let names: Vec<String> = heavy
        .iter()
        .take(3)
        .map(|l| format!("{} {} B", l.file, l.gzip))
        .collect();
    Err(format!(
        "the first visit is {total} bytes gzip, {} over the ceiling of {CEILING} \
         (heaviest: {}); load the new part when it is needed instead",
        total - CEILING,
        names.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_fails_only_over_the_ceiling_and_names_the_heaviest_files() {
        let file = |name: &str, gzip: u64| Loaded {
            file: name.into(),
            bytes: gzip * 3,
            gzip,
        };
        let under = [file("app_bg.wasm", CEILING - 10), file("index.html", 10)];
        assert_eq!(check(&under), Ok(()));
        let over = [file("app_bg.wasm", CEILING - 10), file("index.html", 11)];
        let err = check(&over).unwrap_err();
        assert!(err.contains("1 over the ceiling"), "{err}");
        assert!(
            err.contains(&format!("app_bg.wasm {} B", CEILING - 10)),
            "{err}"
        );
    }

    #[test]
    fn the_index_names_its_scripts_styles_and_wasm_but_not_icons() {
        let html = r#"<link rel="icon" href="./icon-1.svg"/><link rel="stylesheet" href="./style-2.css"/>
            <script src="theme.js"></script><link rel="manifest" href="manifest.webmanifest">
            <link rel="modulepreload" href="./app-3.js"><link rel="preload" href="./app-3_bg.wasm">
            <script type="module" src="./start.js" data-app-js="./app-3.js" data-app-wasm="./app-3_bg.wasm"></script>"#;
        assert_eq!(
            named_by_index(html),
            [
                "style-2.css",
                "app-3.js",
                "app-3_bg.wasm",
                "theme.js",
                "start.js"
            ]
        );
    }
}
