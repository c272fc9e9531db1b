//! A release build's files minified with the editor's esbuild: the site's own scripts (the
//! service worker, the slow web's rules, the start scripts), and what trunk leaves readable (the
//! wasm-bindgen glue of the page and the runner, the stylesheet), with index.html's integrity
//! hashes made anew for the files it names. All but the runner's glue load on a first visit.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use base64::Engine;
use sha2::{Digest, Sha384};

use crate::site::build_block_span;

/// How esbuild reads a file.
#[derive(Clone, Copy)]
enum Kind {
    /// A classic script (its top-level names stay: other scripts may use them).
    Script,
    /// An ES module.
    Module,
    /// A stylesheet.
    Css,
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

/// Minifies trunk's output in the site in `dir` (before `site::finish` hashes the files): every
/// `.js` or `.css` file index.html links with an `integrity` hash but wasm-bindgen's snippets
/// (the link's last path segment names it in `dir`, whatever the public URL), with the hash
/// computed again; and the runner worker's glue (`runner.js`, which no page links).
pub fn trunk_output(root: &Path, dir: &Path) -> Result<(), String> {
    let index_path = dir.join("index.html");
    let mut index =
        fs::read_to_string(&index_path).map_err(|e| format!("{}: {e}", index_path.display()))?;
    for (href, old) in linked_with_integrity(&index) {
        if href.contains("snippets/") {
            continue; // wasm-bindgen snippets: small, and served as they are
        }
        let name = href.rsplit('/').next().unwrap_or(&href);
        let kind = match name.rsplit_once('.').map(|(_, ext)| ext) {
            Some("js") => Kind::Module,
            Some("css") => Kind::Css,
            _ => continue,
        };
        let path = dir.join(name);
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let small = esbuild(root, &text, kind).map_err(|e| format!("{name}: {e}"))?;
        fs::write(&path, &small).map_err(|e| format!("{}: {e}", path.display()))?;
        index = index.replace(&old, &integrity(small.as_bytes()));
    }
    fs::write(&index_path, index).map_err(|e| format!("{}: {e}", index_path.display()))?;
    let runner = dir.join("runner.js");
    if runner.exists() {
        let text = fs::read_to_string(&runner).map_err(|e| format!("runner.js: {e}"))?;
        let small = esbuild(root, &text, Kind::Module).map_err(|e| format!("runner.js: {e}"))?;
        fs::write(&runner, small).map_err(|e| format!("runner.js: {e}"))?;
    }
    Ok(())
}

/// `(href, its integrity value)` for each tag of `html` with an `href` and
/// `integrity="sha384-…"`.
fn linked_with_integrity(html: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for tag in html.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        let attr = |name: &str| {
            let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
            let len = tag[start..].find('"')?;
            Some(&tag[start..start + len])
        };
        if let (Some(href), Some(hash)) = (attr("href"), attr("integrity"))
            && hash.starts_with("sha384-")
        {
            found.push((href.to_owned(), hash.to_owned()));
        }
    }
    found
}

/// A subresource integrity value: `sha384-` and the base64 of the SHA-384 of `bytes`.
fn integrity(bytes: &[u8]) -> String {
    let digest = Sha384::digest(bytes);
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn esbuild(root: &Path, source: &str, kind: Kind) -> Result<String, String> {
    let esbuild = crate::editor::esbuild(root);
    let mut cmd = Command::new(&esbuild);
    cmd.args(["--minify", "--target=es2022", "--log-level=warning"]);
    cmd.arg(match kind {
        Kind::Css => "--loader=css",
        Kind::Script | Kind::Module => "--loader=js",
    });
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

    #[test]
    fn integrity_values_are_sha384_in_base64() {
        assert_eq!(
            integrity(b"abc"),
            "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn"
        );
    }

    #[test]
    fn trunks_glue_and_stylesheet_shrink_and_index_names_their_new_hashes() {
        crate::install::npm_packages(&root().join("editor")).unwrap();
        let dir = std::env::temp_dir().join(format!("xtask-minify-trunk-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("snippets")).unwrap();
        let glue = "/** The app's entry: a long comment that minifying drops. */\n\
                    export function greet(name) {\n    const greeting = `hello ${name}`;\n    \
                    return greeting;\n}\nexport default greet;\n";
        let css = "/* a comment */\n:root {\n  --accent: #b4461d;\n}\n\nbody   {\n  color: var(--accent);\n}\n";
        let snippet = "export const kept = 'as it is';\n";
        fs::write(dir.join("app-1.js"), glue).unwrap();
        fs::write(dir.join("style-1.css"), css).unwrap();
        fs::write(dir.join("snippets/s.js"), snippet).unwrap();
        fs::write(dir.join("runner.js"), glue).unwrap();
        let index = format!(
            "<!doctype html>\n<link rel=\"stylesheet\" href=\"/async-tutor/style-1.css\" integrity=\"{}\"/>\n\
             <link rel=\"modulepreload\" href=\"./app-1.js\" crossorigin=\"anonymous\" integrity=\"{}\">\
             <link rel=\"modulepreload\" href=\"./snippets/s.js\" integrity=\"{}\">\n",
            integrity(css.as_bytes()),
            integrity(glue.as_bytes()),
            integrity(snippet.as_bytes()),
        );
        fs::write(dir.join("index.html"), &index).unwrap();
        trunk_output(root(), &dir).unwrap();
        let html = fs::read_to_string(dir.join("index.html")).unwrap();
        let linked = linked_with_integrity(&html);
        assert_eq!(linked.len(), 3, "{linked:?}");
        for (href, hash) in linked {
            let file = href
                .trim_start_matches("./")
                .trim_start_matches("/async-tutor/");
            let body = fs::read(dir.join(file)).unwrap();
            assert_eq!(hash, integrity(&body), "{file}'s hash is its new one");
        }
        for name in ["app-1.js", "runner.js"] {
            let small = fs::read_to_string(dir.join(name)).unwrap();
            assert!(small.len() < glue.len() / 2, "{name}: {small}");
            assert!(!small.contains("long comment"), "{name}: {small}");
            assert!(
                small.contains("export"),
                "{name} is still a module: {small}"
            );
        }
        let style = fs::read_to_string(dir.join("style-1.css")).unwrap();
        assert!(
            style.len() < css.len() * 2 / 3 && !style.contains("comment"),
            "{style}"
        );
        assert!(style.contains("body{color:var(--accent)}"), "{style}");
        assert_eq!(
            fs::read_to_string(dir.join("snippets/s.js")).unwrap(),
            snippet,
            "wasm-bindgen snippets are left alone"
        );
        let _ = fs::remove_dir_all(dir);
    }
}
