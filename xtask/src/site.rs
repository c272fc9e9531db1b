//! `finish-site`: the last touch on a trunk build (a `post_build` hook in Trunk.toml).
//!
//! On the build folder (trunk's staging dir, or one given by hand) it:
//! - writes each lesson's content files (`content/<lesson>.<lang>.<hash>.json`, see
//!   `crates/lesson-build`), which the page's index names and fetches when a lesson is read;
//! - names the build by a hash of every file's path and bytes, and writes that name into
//!   `index.html` as `<meta name="async-tutor-build">`; under `cargo xtask serve` it also writes
//!   the compile service's token (`ASYNC_TUTOR_COMPILE_TOKEN`) as
//!   `<meta name="async-tutor-compile">`, which a static build never has;
//! - writes `embed.html`: `index.html` with `data-page="embed"`, which the app renders as one
//!   card with no site chrome;
//! - writes the service worker's build block: the build name (its cache is
//!   `async-tutor-<build>`), whether it is a dev build, and the list of files to precache.
//!
//! Running it again on a finished folder gives the same result, or a new build name if a file
//! changed in between.

use std::fs;
use std::path::{Path, PathBuf};

/// Marks the service worker's generated block: everything from the line holding `BEGIN` to
/// the line holding `END` is replaced.
const BEGIN: &str = "// build:begin";
const END: &str = "// build:end";
/// The page's build meta tag, written after `<meta charset="utf-8">`.
const META_NAME: &str = "async-tutor-build";
/// The compile service's token tag, written beside it by `cargo xtask serve` builds.
const COMPILE_META: &str = "async-tutor-compile";
/// The meta tag naming the code editor's bundle (`xtask/src/editor.rs`), loaded on the first Edit.
const EDITOR_META: &str = "async-tutor-editor";
/// Where `cargo xtask serve` hands the compile service's token to this step (through trunk).
pub const COMPILE_TOKEN_ENV: &str = "ASYNC_TUTOR_COMPILE_TOKEN";
const CHARSET: &str = "<meta charset=\"utf-8\">";
/// What `embed.html` changes in `index.html`.
const HTML_OPEN: &str = "<html lang=\"en\">";
const EMBED_OPEN: &str = "<html lang=\"en\" data-page=\"embed\">";

/// What one run did.
#[derive(Debug, PartialEq, Eq)]
pub struct Finished {
    /// The build name: 16 hex digits.
    pub build: String,
    /// Files the service worker precaches, relative to the site's root.
    pub files: Vec<String>,
    /// Their total size in bytes.
    pub bytes: u64,
}

/// Finishes the site in `dir`; `dev` builds' service workers prefer the network (so
/// `trunk serve` reloads show fresh files) and take over at once.
pub fn finish(dir: &Path, dev: bool, editor: Option<&str>) -> Result<Finished, String> {
    let read = |name: &str| {
        fs::read_to_string(dir.join(name)).map_err(|e| format!("{}: {e}", dir.join(name).display()))
    };
    let index = without_build_meta(&read("index.html")?);
    let sw = read("sw.js")?;
    fs::write(dir.join("index.html"), &index).map_err(|e| format!("index.html: {e}"))?;

    // The name covers every file but the two this step derives (sw.js, embed.html).
    let mut files = Vec::new();
    walk(dir, dir, &mut files)?;
    // Nor host configuration (`_headers`) or hidden files: they are not part of the pages.
    files.retain(|f| {
        let name = f.rsplit('/').next().unwrap_or(f);
        f != "sw.js" && f != "embed.html" && !name.starts_with(['.', '_'])
    });
    files.sort();
    let mut hash = Fnv::new();
    let mut bytes = 0;
    for file in &files {
        let body = fs::read(dir.join(file)).map_err(|e| format!("{file}: {e}"))?;
        bytes += body.len() as u64;
        hash.write(file.as_bytes());
        hash.write(&[0]);
        hash.write(&(body.len() as u64).to_le_bytes());
        hash.write(&body);
    }
    let build = format!("{:016x}", hash.finish());

    let token = std::env::var(COMPILE_TOKEN_ENV)
        .ok()
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric()));
    let index = with_build_meta(&index, &build, token.as_deref(), editor)?;
    fs::write(dir.join("index.html"), &index).map_err(|e| format!("index.html: {e}"))?;
    let embed = embed_page(&index)?;
    bytes += embed.len() as u64;
    fs::write(dir.join("embed.html"), embed).map_err(|e| format!("embed.html: {e}"))?;
    files.push("embed.html".into());
    files.sort();

    // A page served with a compile token (`cargo xtask serve`, also --release) prefers the
    // network as a dev build does: the token is new each time serve starts, and a page from
    // the worker's cache would carry an old one, which the service refuses.
    let prefer_network = dev || token.is_some();
    let sw = with_build_block(&sw, &build_block(&build, prefer_network, &files))?;
    fs::write(dir.join("sw.js"), sw).map_err(|e| format!("sw.js: {e}"))?;
    Ok(Finished {
        build,
        files,
        bytes,
    })
}

/// Writes every lesson's content files into the site in `dir`, from `root`'s `lessons/`.
/// Returns the bytes written.
pub fn write_lessons(dir: &Path, root: &Path) -> Result<u64, String> {
    let lessons = root.join("lessons");
    let catalog = lesson_build::load(&lessons).map_err(|e| format!("lessons: {e}"))?;
    lesson_build::write_content(&catalog, dir)
}

/// The folder to finish: the argument, else trunk's `TRUNK_STAGING_DIR`; and whether the build
/// is a dev build (`--dev`, or trunk's `TRUNK_PROFILE=debug`).
pub fn target(args: &[String]) -> Result<(PathBuf, bool), String> {
    let mut dir = None;
    let mut dev = std::env::var("TRUNK_PROFILE").is_ok_and(|p| p == "debug");
    for arg in args {
        match arg.as_str() {
            "--dev" => dev = true,
            "--release" => dev = false,
            other if other.starts_with('-') => {
                return Err(format!("finish-site: unknown option `{other}`"));
            }
            other if dir.is_none() => dir = Some(PathBuf::from(other)),
            other => return Err(format!("finish-site: unexpected argument `{other}`")),
        }
    }
    let dir = dir
        .or_else(|| std::env::var_os("TRUNK_STAGING_DIR").map(PathBuf::from))
        .ok_or("finish-site: give the build folder (or run it as trunk's post_build hook)")?;
    Ok((dir, dev))
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            walk(root, &path, out)?;
        } else {
            let relative = path.strip_prefix(root).map_err(|e| e.to_string())?;
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
    Ok(())
}

fn without_build_meta(html: &str) -> String {
    html.lines()
        .filter(|line| {
            !line.contains(&format!("name=\"{META_NAME}\""))
                && !line.contains(&format!("name=\"{COMPILE_META}\""))
                && !line.contains(&format!("name=\"{EDITOR_META}\""))
        })
        .map(|line| format!("{line}\n"))
        .collect()
}

fn with_build_meta(
    html: &str,
    build: &str,
    compile: Option<&str>,
    editor: Option<&str>,
) -> Result<String, String> {
    let at = html
        .find(CHARSET)
        .ok_or_else(|| format!("index.html has no `{CHARSET}` to put the build name after"))?
        + CHARSET.len();
    let compile = compile
        .map(|token| format!("\n  <meta name=\"{COMPILE_META}\" content=\"{token}\">"))
        .unwrap_or_default()
        + &editor
            .map(|file| format!("\n  <meta name=\"{EDITOR_META}\" content=\"{file}\">"))
            .unwrap_or_default();
    Ok(format!(
        "{}\n  <meta name=\"{META_NAME}\" content=\"{build}\">{compile}{}",
        &html[..at],
        &html[at..]
    ))
}

fn embed_page(index: &str) -> Result<String, String> {
    if !index.contains(HTML_OPEN) {
        return Err(format!(
            "index.html has no `{HTML_OPEN}` to mark as the embed page"
        ));
    }
    Ok(index.replacen(HTML_OPEN, EMBED_OPEN, 1).replacen(
        "<title>Async Tutor</title>",
        "<title>Async Tutor · snippet</title>",
        1,
    ))
}

fn build_block(build: &str, dev: bool, files: &[String]) -> String {
    let mut block = format!(
        "{BEGIN} (written by `cargo xtask finish-site`; do not edit)\n\
         const BUILD = {};\nconst DEV = {dev};\nconst PRECACHE = [\n",
        js_string(build)
    );
    for file in files {
        block.push_str(&format!("  {},\n", js_string(file)));
    }
    block.push_str(&format!("];\n{END}\n"));
    block
}

fn with_build_block(sw: &str, block: &str) -> Result<String, String> {
    let (begin, end) = build_block_span(sw)?;
    Ok(format!("{}{block}{}", &sw[..begin], &sw[end..]))
}

/// Where sw.js's build block is: from the start of its `// build:begin` line to the end of
/// its `// build:end` line.
pub fn build_block_span(sw: &str) -> Result<(usize, usize), String> {
    let begin = sw
        .find(BEGIN)
        .ok_or_else(|| format!("sw.js has no `{BEGIN}` line"))?;
    let begin = sw[..begin].rfind('\n').map_or(0, |i| i + 1);
    let end = sw[begin..]
        .find(END)
        .map(|i| begin + i)
        .ok_or_else(|| format!("sw.js has no `{END}` line after `{BEGIN}`"))?;
    let end = sw[end..].find('\n').map_or(sw.len(), |i| end + i + 1);
    Ok((begin, end))
}

fn js_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// 64-bit FNV-1a: enough to tell builds apart (it names a cache; it guards nothing).
pub struct Fnv(u64);

impl Fnv {
    pub fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    pub fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "<!doctype html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n  <title>Async Tutor</title>\n</head>\n<body></body>\n</html>\n";
    const SW: &str = "'use strict';\n// build:begin\nconst BUILD = 'unbuilt';\nconst DEV = true;\nconst PRECACHE = [];\n// build:end\nself.x = 1;\n";

    fn site() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "xtask-site-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("icons")).unwrap();
        fs::write(dir.join("index.html"), INDEX).unwrap();
        fs::write(dir.join("sw.js"), SW).unwrap();
        fs::write(dir.join("app-1234.wasm"), [0u8, 97, 115, 109]).unwrap();
        fs::write(dir.join("icons").join("icon-192.png"), b"png").unwrap();
        fs::write(dir.join("_headers"), "/*\n").unwrap();
        dir
    }

    #[test]
    fn the_compile_token_goes_beside_the_build_name_and_a_second_run_replaces_both() {
        let html = "<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n</head>\n";
        let with = with_build_meta(html, "00ff", Some("abc123"), Some("editor-01.js")).unwrap();
        assert!(with.contains(
            "<meta name=\"async-tutor-build\" content=\"00ff\">\n  <meta name=\"async-tutor-compile\" content=\"abc123\">"
        ));
        assert!(with.contains("<meta name=\"async-tutor-editor\" content=\"editor-01.js\">"));
        let again = with_build_meta(&without_build_meta(&with), "0a0a", None, None).unwrap();
        assert!(
            !again.contains("async-tutor-compile"),
            "a static build has no token"
        );
        assert_eq!(again.matches("async-tutor-build").count(), 1);
        assert!(!again.contains("async-tutor-editor"));
    }

    #[test]
    fn names_the_build_and_lists_every_file_for_the_worker() {
        let dir = site();
        let done = finish(&dir, false, None).unwrap();
        assert_eq!(done.build.len(), 16);
        assert_eq!(
            done.files,
            [
                "app-1234.wasm",
                "embed.html",
                "icons/icon-192.png",
                "index.html"
            ]
        );
        let sw = fs::read_to_string(dir.join("sw.js")).unwrap();
        assert!(sw.starts_with("'use strict';\n// build:begin"));
        assert!(sw.contains(&format!("const BUILD = \"{}\";", done.build)));
        assert!(sw.contains("const DEV = false;"));
        assert!(sw.contains("  \"icons/icon-192.png\",\n"));
        assert!(
            !sw.contains("sw.js\""),
            "the worker does not precache itself"
        );
        assert!(sw.ends_with("// build:end\nself.x = 1;\n"));
        let index = fs::read_to_string(dir.join("index.html")).unwrap();
        assert!(index.contains(&format!(
            "<meta charset=\"utf-8\">\n  <meta name=\"async-tutor-build\" content=\"{}\">",
            done.build
        )));
        let embed = fs::read_to_string(dir.join("embed.html")).unwrap();
        assert!(embed.contains("<html lang=\"en\" data-page=\"embed\">"));
        assert!(embed.contains("<title>Async Tutor · snippet</title>"));
        assert!(embed.contains(&done.build));
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_second_run_is_the_same_until_a_file_changes() {
        let dir = site();
        let first = finish(&dir, false, None).unwrap();
        let sw = fs::read_to_string(dir.join("sw.js")).unwrap();
        let again = finish(&dir, false, None).unwrap();
        assert_eq!(first, again);
        assert_eq!(fs::read_to_string(dir.join("sw.js")).unwrap(), sw);
        let index = fs::read_to_string(dir.join("index.html")).unwrap();
        assert_eq!(index.matches("async-tutor-build").count(), 1);

        fs::write(dir.join("icons").join("icon-192.png"), b"png2").unwrap();
        let changed = finish(&dir, true, None).unwrap();
        assert_ne!(changed.build, first.build);
        let sw = fs::read_to_string(dir.join("sw.js")).unwrap();
        assert!(sw.contains("const DEV = true;"));
        assert_eq!(sw.matches("build:begin").count(), 1);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_folder_that_is_not_a_site_gets_a_clear_message() {
        let dir = site();
        fs::write(dir.join("sw.js"), "no markers").unwrap();
        let err = finish(&dir, false, None).unwrap_err();
        assert!(err.contains("sw.js has no `// build:begin` line"), "{err}");
        fs::remove_file(dir.join("index.html")).unwrap();
        let err = finish(&dir, false, None).unwrap_err();
        assert!(err.contains("index.html"), "{err}");
        fs::remove_dir_all(dir).unwrap();
    }
}
