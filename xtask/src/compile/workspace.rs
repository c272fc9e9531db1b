//! The compile service's own copy of the sources: the repository's crates and lessons, with one
//! snippet file laid over the original. The reader's `lessons/` is never written.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What the copy holds: the files at the top and the folders below them that the runner crate's
/// workspace needs (every member's manifest and sources), without build output or packages.
const TOP_FILES: [&str; 3] = ["Cargo.toml", "Cargo.lock", "build.rs"];
const FOLDERS: [&str; 5] = ["crates", "lessons", "src", "xtask", "www"];
/// Folder names never copied, wherever they are.
const SKIPPED: [&str; 4] = ["target", "node_modules", "dist", ".git"];

/// A lesson folder and a snippet of it, checked to name an existing snippet file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnippetPath {
    pub lesson: String,
    pub snippet: String,
}

impl SnippetPath {
    /// `lessons/<lesson>/<snippet>.rs` of `root`, if both names are plain (a lesson folder as
    /// `08-async-await`, a snippet as `crawl`) and the file exists.
    pub fn new(root: &Path, lesson: &str, snippet: &str) -> Result<SnippetPath, String> {
        let plain_lesson = lesson.len() > 3
            && lesson.as_bytes()[..2].iter().all(u8::is_ascii_digit)
            && lesson.as_bytes()[2] == b'-'
            && lesson
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let plain_snippet = !snippet.is_empty()
            && snippet
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !plain_lesson || !plain_snippet {
            return Err(format!("no snippet is called {lesson}/{snippet}"));
        }
        let path = SnippetPath {
            lesson: lesson.to_owned(),
            snippet: snippet.to_owned(),
        };
        if !root.join(path.relative()).is_file() {
            return Err(format!("no snippet is called {lesson}/{snippet}"));
        }
        Ok(path)
    }

    /// `lessons/<lesson>/<snippet>.rs`.
    pub fn relative(&self) -> PathBuf {
        Path::new("lessons")
            .join(&self.lesson)
            .join(format!("{}.rs", self.snippet))
    }
}

/// The copy, and which snippet file in it is edited now.
#[derive(Debug)]
pub struct Workspace {
    /// The repository.
    source: PathBuf,
    /// The copy.
    root: PathBuf,
    /// The file laid over its original, if any.
    overlaid: Option<PathBuf>,
}

impl Workspace {
    /// A copy of `source` at `root` (made or brought up to date by [`Workspace::sync`]).
    pub fn new(source: &Path, root: &Path) -> Workspace {
        Workspace {
            source: source.to_owned(),
            root: root.to_owned(),
            overlaid: None,
        }
    }

    /// The repository it copies.
    pub fn source(&self) -> &Path {
        &self.source
    }

    /// The copy's folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Brings the copy up to the repository: files that are new or changed there (by size or
    /// time) are copied, and the last overlaid file gets its original back. Returns the number
    /// of files copied.
    pub fn sync(&mut self) -> Result<usize, String> {
        if let Some(rel) = self.overlaid.take() {
            copy(&self.source.join(&rel), &self.root.join(&rel))?;
        }
        let mut copied = 0;
        for name in TOP_FILES {
            let from = self.source.join(name);
            if from.is_file() {
                copied += usize::from(copy_if_changed(&from, &self.root.join(name))?);
            }
        }
        for folder in FOLDERS {
            copied += self.sync_dir(Path::new(folder))?;
        }
        Ok(copied)
    }

    fn sync_dir(&self, rel: &Path) -> Result<usize, String> {
        let from = self.source.join(rel);
        let Ok(entries) = fs::read_dir(&from) else {
            return Ok(0);
        };
        let mut copied = 0;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let rel = rel.join(&name);
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if !SKIPPED.iter().any(|s| name == *s) {
                    copied += self.sync_dir(&rel)?;
                }
            } else if kind.is_file() {
                copied += usize::from(copy_if_changed(&entry.path(), &self.root.join(&rel))?);
            }
        }
        Ok(copied)
    }

    /// Lays `source` over the snippet's file in the copy (after a [`Workspace::sync`]).
    pub fn overlay(&mut self, snippet: &SnippetPath, source: &str) -> Result<PathBuf, String> {
        let rel = snippet.relative();
        let path = self.root.join(&rel);
        fs::write(&path, source).map_err(|e| format!("{}: {e}", path.display()))?;
        self.overlaid = Some(rel);
        Ok(path)
    }
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    fs::copy(from, to)
        .map(drop)
        .map_err(|e| format!("{} → {}: {e}", from.display(), to.display()))
}

/// Copies `from` over `to` unless `to` has the same size and a modification time no older.
fn copy_if_changed(from: &Path, to: &Path) -> Result<bool, String> {
    let stamp = |p: &Path| {
        fs::metadata(p)
            .ok()
            .map(|m| (m.len(), m.modified().unwrap_or(SystemTime::UNIX_EPOCH)))
    };
    match (stamp(from), stamp(to)) {
        (Some((len, from_time)), Some((to_len, to_time)))
            if len == to_len && to_time >= from_time =>
        {
            Ok(false)
        }
        _ => copy(from, to).map(|()| true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(dir: &Path) {
        // (Folders named as the copy skips them; `crates/x/` stands for any crate.)
        for (path, text) in [
            ("Cargo.toml", "[workspace]\n"),
            ("lessons/08-async-await/crawl.rs", "fn original() {}\n"),
            ("lessons/x/other.rs", "fn other() {}\n"),
            ("crates/x/src/lib.rs", "//! runner\n"),
            ("crates/x/target/big.bin", "build output"),
            ("crates/x/node_modules/x.js", "package"),
        ] {
            let p = dir.join(path);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
    }

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-ws-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn the_copy_gets_sources_but_no_build_output_and_an_edit_never_reaches_the_repository() {
        let (src, copy_dir) = (temp("src"), temp("copy"));
        repo(&src);
        let mut ws = Workspace::new(&src, &copy_dir);
        assert_eq!(ws.sync().unwrap(), 4);
        assert!(!copy_dir.join("crates/x/target").exists());
        assert!(!copy_dir.join("crates/x/node_modules").exists());
        assert_eq!(ws.sync().unwrap(), 0, "nothing changed, nothing copied");

        let crawl = SnippetPath::new(&src, "08-async-await", "crawl").unwrap();
        let edited = ws.overlay(&crawl, "fn edited() {}\n").unwrap();
        assert_eq!(fs::read_to_string(&edited).unwrap(), "fn edited() {}\n");
        let original = src.join("lessons/08-async-await/crawl.rs");
        assert_eq!(fs::read_to_string(&original).unwrap(), "fn original() {}\n");

        // The next compile starts from the original again.
        ws.sync().unwrap();
        assert_eq!(fs::read_to_string(&edited).unwrap(), "fn original() {}\n");
        let _ = fs::remove_dir_all(&src);
        let _ = fs::remove_dir_all(&copy_dir);
    }

    #[test]
    fn only_plain_names_of_existing_snippets_are_taken() {
        let src = temp("names");
        repo(&src);
        assert!(SnippetPath::new(&src, "08-async-await", "crawl").is_ok());
        for (lesson, snippet) in [
            ("08-async-await", "missing"),
            ("08-async-await", "../other"),
            ("../08-async-await", "crawl"),
            ("08-async-await/..", "crawl"),
            ("08-async-await", "Crawl"),
            ("8-x", "crawl"),
            ("08-async-await", ""),
        ] {
            let err = SnippetPath::new(&src, lesson, snippet).unwrap_err();
            assert_eq!(err, format!("no snippet is called {lesson}/{snippet}"));
        }
        let _ = fs::remove_dir_all(&src);
    }
}
