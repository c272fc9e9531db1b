//! `cargo xtask bench`: build crates/bench for the browser, assemble the bench site, run it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd::run_live;
use crate::install::{CHROMIUM, WASM_TARGET};

/// Where the bench site is assembled, relative to the repository root.
pub const SITE: &str = "target/bench-site";

/// Where the course is built (release) for the big-runs section, relative to the root.
pub const BIG_SITE: &str = "target/bench-big-site";

/// Files copied into the site: (from, to), relative to the root and to the site.
const SITE_FILES: &[(&str, &str)] = &[
    ("tests/bench/index.html", "index.html"),
    ("tests/bench/bench.js", "bench.js"),
    ("www/sw.js", "sw.js"),
    ("www/slow-web.js", "slow-web.js"),
];

/// The commands of a bench run, in order (file copies happen between the second and third).
pub fn commands(root: &Path, smoke: bool) -> Vec<Command> {
    let wasm = target_dir(root)
        .join(WASM_TARGET)
        .join("release")
        .join("bench.wasm");
    let site = root.join(SITE);
    let mut build = Command::new("cargo");
    build.args(["build", "--release", "--target", WASM_TARGET, "-p", "bench"]);
    let mut bindgen = Command::new("wasm-bindgen");
    bindgen
        .args(["--target", "web", "--out-dir"])
        .arg(site.join("pkg"))
        .args(["--out-name", "bench"])
        .arg(&wasm);
    let mut node = Command::new("node");
    node.arg(root.join("tests").join("bench").join("run.mjs"))
        .arg(&site)
        .env("CHROMIUM", CHROMIUM);
    if smoke {
        node.arg("--smoke");
    }
    let mut all = vec![build, bindgen, node];
    if !smoke {
        // Big runs: the heaviest cards of the course itself, at their maximum knobs.
        let mut site = Command::new("trunk");
        site.args(["build", "--release", "--dist"])
            .arg(root.join(BIG_SITE));
        let mut big = Command::new("node");
        big.arg(root.join("tests").join("bench").join("big-runs.mjs"))
            .arg(root.join(BIG_SITE))
            .env("CHROMIUM", CHROMIUM);
        // Page load: navigation to lesson 1's first finished run, cold and warm, on that build.
        let mut load = Command::new("node");
        load.arg(root.join("tests").join("bench").join("page-load.mjs"))
            .arg(root.join(BIG_SITE))
            .env("CHROMIUM", CHROMIUM);
        // Edit → run with `cargo xtask serve` (which it starts), and the editor's size.
        let mut edit = Command::new("node");
        edit.arg(root.join("tests").join("bench").join("edit.mjs"))
            .env("CHROMIUM", CHROMIUM);
        all.extend([site, big, load, edit]);
    }
    for c in &mut all {
        c.current_dir(root);
    }
    all
}

/// Cargo's target directory: `CARGO_TARGET_DIR` if set, else `<root>/target`.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// Copies the page, its module and the slow web into the site.
fn copy_site_files(root: &Path) -> Result<(), String> {
    let site = root.join(SITE);
    for (from, to) in SITE_FILES {
        let (from, to) = (root.join(from), site.join(to));
        fs::copy(&from, &to)
            .map_err(|e| format!("copy {} -> {}: {e}", from.display(), to.display()))?;
    }
    Ok(())
}

/// Builds, assembles and runs the benchmarks; the table is printed by run.mjs.
pub fn run(root: &Path, smoke: bool) -> Result<(), String> {
    let site = root.join(SITE);
    if site.exists() {
        fs::remove_dir_all(&site).map_err(|e| format!("clean {}: {e}", site.display()))?;
    }
    fs::create_dir_all(&site).map_err(|e| format!("create {}: {e}", site.display()))?;
    for (i, mut command) in commands(root, smoke).into_iter().enumerate() {
        run_live(&mut command)?;
        if i == 1 {
            copy_site_files(root)?;
        }
    }
    if !smoke {
        // The first visit's bytes, from the same release build.
        let loaded = crate::size::first_visit(&root.join(BIG_SITE))?;
        print!("{}", crate::size::table(&loaded));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::describe;

    #[test]
    fn builds_binds_then_runs_the_site() {
        let root = Path::new("/r");
        let plan: Vec<String> = commands(root, true).iter().map(describe).collect();
        assert!(
            plan[0].ends_with("cargo build --release --target wasm32-unknown-unknown -p bench")
        );
        assert!(
            plan[1].starts_with("wasm-bindgen --target web --out-dir /r/target/bench-site/pkg")
        );
        assert!(plan[1].contains("--out-name bench"));
        assert!(plan[1].ends_with("/wasm32-unknown-unknown/release/bench.wasm"));
        assert!(plan[2].ends_with("node /r/tests/bench/run.mjs /r/target/bench-site --smoke"));
        let full: Vec<String> = commands(root, false).iter().map(describe).collect();
        assert!(!full[2].contains("--smoke"));
        // The full bench adds the big runs: the course built for release, then its heaviest cards.
        assert!(full[3].ends_with("trunk build --release --dist /r/target/bench-big-site"));
        assert!(full[4].ends_with("node /r/tests/bench/big-runs.mjs /r/target/bench-big-site"));
        assert!(full[5].ends_with("node /r/tests/bench/page-load.mjs /r/target/bench-big-site"));
        assert!(full[6].ends_with("node /r/tests/bench/edit.mjs"));
        assert_eq!(
            plan.len(),
            3,
            "--smoke skips the big runs, the page load and edit → run"
        );
        for (from, _) in SITE_FILES {
            assert!(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("..")
                    .join(from)
                    .is_file()
            );
        }
    }
}
