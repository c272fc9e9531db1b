//! Every repository path a comment or document names exists: a file moved or renamed leaves no
//! stale pointer behind (`crates/…/slow_web.rs` after the module moved crates, say).

use std::path::Path;

/// Where paths named in the repository start.
const ROOTS: [&str; 7] = [
    "crates/", "src/", "lessons/", "tests/", "www/", "xtask/", ".ci/",
];

/// Names in examples and test fixtures that stand for no real file (`crates/x/`: this
/// module's own test; `src/lib.rs`: cargo's output, quoted in the summary's tests).
const EXAMPLES: [&str; 8] = [
    "crates/x/",
    "lessons/NN-slug",
    "lessons/01-demo/",
    "lessons/x/",
    "tests/e2e/a.test.mjs",
    "tests/e2e/b.test.mjs",
    "tests/sleep.rs",
    "src/lib.rs",
];

/// The paths named in `text` (as `crates/executor/src/trace.rs`, `src/components/`, …).
pub fn named(text: &str) -> Vec<&str> {
    let path_char = |c: char| c.is_ascii_alphanumeric() || "_./-".contains(c);
    let mut found = Vec::new();
    for root in ROOTS {
        for (at, _) in text.match_indices(root) {
            if text[..at].chars().next_back().is_some_and(path_char) {
                continue; // the middle of a longer path or word
            }
            let len = text[at..]
                .find(|c: char| !path_char(c))
                .unwrap_or(text.len() - at);
            let path = text[at..at + len].trim_end_matches(['.', '-']);
            if path.len() > root.len() {
                found.push(path);
            }
        }
    }
    found
}

/// The paths named in the tracked files under `root` that exist neither from the repository's
/// root, nor from the naming file's folder or its crate's: (path, file naming it).
pub fn stale(root: &Path, files: &[String]) -> Vec<(String, String)> {
    let mut stale = Vec::new();
    for file in files {
        let text_file = [
            ".rs", ".md", ".mjs", ".js", ".toml", ".css", ".html", ".sh", ".yml",
        ]
        .iter()
        .any(|ext| file.ends_with(ext))
            || file.starts_with(".ci/");
        let Ok(text) = std::fs::read_to_string(root.join(file))
            .map_err(|_| ())
            .and_then(|t| text_file.then_some(t).ok_or(()))
        else {
            continue;
        };
        let dir = root.join(file).parent().unwrap_or(root).to_path_buf();
        let krate = dir
            .ancestors()
            .find(|d| d.join("Cargo.toml").exists())
            .unwrap_or(root)
            .to_path_buf();
        for path in named(&text) {
            if EXAMPLES.iter().any(|e| path.starts_with(e)) {
                continue;
            }
            if ![root, dir.as_path(), krate.as_path()]
                .iter()
                .any(|base| base.join(path).exists())
            {
                stale.push((path.to_owned(), file.clone()));
            }
        }
    }
    stale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_found_whole_and_alone() {
        let text = "see `crates/executor/src/trace.rs`, then src/components/. \
                    Not crates/x/src/lib.rs's inner src/ again; www/sw.js.";
        assert_eq!(
            named(text),
            [
                "crates/executor/src/trace.rs",
                "crates/x/src/lib.rs",
                "src/components/",
                "www/sw.js"
            ]
        );
    }

    #[test]
    fn every_path_the_repository_names_exists() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let out = std::process::Command::new("git")
            .args(["ls-files"])
            .current_dir(root)
            .output()
            .expect("git ls-files");
        let files: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        assert!(files.len() > 100, "{} tracked files", files.len());
        assert_eq!(stale(root, &files), [], "paths named that do not exist");
    }
}
