//! The card's code editor (`editor/`): bundled with esbuild from its npm packages into the site.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::install::npm_packages;
use crate::site::Fnv;

/// The bundle's entry, relative to the repository.
const ENTRY: &str = "editor/src/editor.js";

/// Bundles the editor into `dir` as `editor-<hash>.js` (one minified ES module, loaded by the
/// page on the first Edit) and returns that name. Installs `editor/`'s packages from its lock
/// file first if they are missing.
pub fn bundle(root: &Path, dir: &Path) -> Result<String, String> {
    let editor = root.join("editor");
    npm_packages(&editor)?;
    let esbuild = esbuild(root);
    let staged = dir.join("editor.js");
    let output = Command::new(&esbuild)
        .arg(root.join(ENTRY))
        .args([
            "--bundle",
            "--minify",
            "--format=esm",
            "--target=es2022",
            "--log-level=warning",
        ])
        .arg(format!("--outfile={}", staged.display()))
        .current_dir(&editor)
        .output()
        .map_err(|e| format!("{}: {e}", esbuild.display()))?;
    if !output.status.success() {
        return Err(format!(
            "esbuild could not bundle {ENTRY}:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let body = fs::read(&staged).map_err(|e| format!("{}: {e}", staged.display()))?;
    let mut hash = Fnv::new();
    hash.write(&body);
    let name = format!("editor-{:016x}.js", hash.finish());
    // A second run over the same folder leaves one bundle.
    for entry in fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let file = entry.map_err(|e| e.to_string())?.file_name();
        let file = file.to_string_lossy();
        if file.starts_with("editor-") && file.ends_with(".js") && file != name {
            fs::remove_file(dir.join(&*file)).map_err(|e| format!("{file}: {e}"))?;
        }
    }
    fs::rename(&staged, dir.join(&name)).map_err(|e| format!("{name}: {e}"))?;
    Ok(name)
}

/// esbuild, from the editor's packages (also what minifies the site's scripts).
pub fn esbuild(root: &Path) -> std::path::PathBuf {
    root.join("editor")
        .join("node_modules")
        .join(".bin")
        .join("esbuild")
}
