//! A release build's own scripts, minified with the editor's esbuild: the service worker, the
//! slow web's rules and the start scripts, all loaded by a first visit (about 7 KB of gzip).

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::site::build_block_span;

/// How esbuild reads a file.
#[derive(Clone, Copy)]
enum Kind {
    /// A classic script (its top-level names stay: other scripts may use them).
    Script,
    /// An ES module.
    Module,
}

/// The scripts minified in place, besides sw.js.
const SCRIPTS: [(&str, Kind); 4] = [
    ("slow-web.js", Kind::Script),
    ("theme.js", Kind::Script),
    ("runner-boot.js", Kind::Module),
    ("start.js", Kind::Module),
];

/// Minifies the scripts of the finished site in `dir`. sw.js keeps its build block as
/// finish-site wrote it, so the folder can be finished again (a new build of the same files).
pub fn scripts(root: &Path, dir: &Path) -> Result<(), String> {
    for (name, kind) in SCRIPTS {
        let path = dir.join(name);
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let small = esbuild(root, &text, kind).map_err(|e| format!("{name}: {e}"))?;
        fs::write(&path, small).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let path = dir.join("sw.js");
    let sw = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (begin, end) = build_block_span(&sw)?;
    let head = esbuild(root, &sw[..begin], Kind::Script).map_err(|e| format!("sw.js: {e}"))?;
    let tail = esbuild(root, &sw[end..], Kind::Script).map_err(|e| format!("sw.js: {e}"))?;
    let small = format!("{}\n{}{tail}", head.trim_end(), &sw[begin..end]);
    fs::write(&path, small).map_err(|e| format!("{}: {e}", path.display()))
}

fn esbuild(root: &Path, source: &str, kind: Kind) -> Result<String, String> {
    let esbuild = crate::editor::esbuild(root);
    let mut cmd = Command::new(&esbuild);
    cmd.args([
        "--minify",
        "--loader=js",
        "--target=es2022",
        "--log-level=warning",
    ]);
    if let Kind::Module = kind {
        cmd.arg("--format=esm");
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", esbuild.display()))?;
    let mut stdin = child.stdin.take().ok_or("esbuild has no stdin")?;
    let input = source.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    let _ = writer.join();
    if !output.status.success() {
        return Err(format!(
            "esbuild: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> &'static Path {
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
    }

    #[test]
    fn the_service_worker_shrinks_and_keeps_its_build_block_so_it_can_be_finished_again() {
        crate::install::npm_packages(&root().join("editor")).unwrap();
        let dir = std::env::temp_dir().join(format!("xtask-minify-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        for (name, _) in SCRIPTS {
            fs::copy(root().join("www").join(name), dir.join(name)).unwrap();
        }
        let sw = fs::read_to_string(root().join("www/sw.js")).unwrap();
        fs::write(dir.join("sw.js"), &sw).unwrap();
        scripts(root(), &dir).unwrap();
        let small = fs::read_to_string(dir.join("sw.js")).unwrap();
        assert!(
            small.len() * 2 < sw.len(),
            "{} of {} bytes",
            small.len(),
            sw.len()
        );
        assert!(small.starts_with("\"use strict\";"), "still strict");
        let (begin, end) = build_block_span(&sw).unwrap();
        assert!(
            small.contains(&sw[begin..end]),
            "the build block is as it was"
        );
        // Again, as `refinish` does: the block is still there, and the size stays.
        scripts(root(), &dir).unwrap();
        let again = fs::read_to_string(dir.join("sw.js")).unwrap();
        assert!(again.contains(&sw[begin..end]));
        assert!(
            again.len().abs_diff(small.len()) < 16,
            "{} then {}",
            small.len(),
            again.len()
        );
        let theme = fs::read_to_string(dir.join("theme.js")).unwrap();
        assert!(
            theme.contains("asyncTutorApplyTheme"),
            "the global it sets keeps its name"
        );
        let _ = fs::remove_dir_all(dir);
    }
}
