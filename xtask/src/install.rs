//! Idempotent tool set-up from the registries only: wasm target, trunk, wasm-bindgen, browser, npm.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use crate::cmd::{probe, run_live};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const TRUNK_VERSION: &str = "0.21.14";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The npm packages of the end-to-end tests: Playwright drives Chromium, axe-core checks
/// accessibility. Their versions are the ones tests/e2e/package.json pins.
const NPM_PACKAGES: [&str; 2] = ["playwright-core", "axe-core"];

/// What the tools are for: `serve` needs no browser and only the editor's npm packages.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Serve,
    Test,
}

/// Checks every tool and installs what is missing or at the wrong version.
///
/// Every item is tried even after one failed, so one run names all the problems.
pub fn run(root: &Path, purpose: Purpose) -> Result<(), String> {
    println!("==> install");
    let started = Instant::now();
    let mut errors = Vec::new();
    let mut item = |result: Result<(), String>| {
        if let Err(err) = result {
            println!("FAILED {err}");
            errors.push(err);
        }
        let _ = std::io::stdout().flush();
    };
    item(wasm_target());
    item(trunk());
    item(wasm_bindgen(root));
    // The card's code editor is bundled into every build (`finish-site`).
    item(npm_packages(&root.join("editor")));
    if purpose == Purpose::Test {
        item(chromium());
        item(node_packages(root));
    }
    println!("<== install in {:.1}s", started.elapsed().as_secs_f64());
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n"))
    }
}

fn wasm_target() -> Result<(), String> {
    let installed = || {
        Command::new("rustup")
            .args(["target", "list", "--installed"])
            .output()
            .map(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .any(|l| l.trim() == WASM_TARGET)
            })
            .unwrap_or(false)
    };
    if installed() {
        println!("ok {WASM_TARGET}");
        return Ok(());
    }
    println!("installing {WASM_TARGET}");
    run_live(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    if installed() {
        Ok(())
    } else {
        Err(format!(
            "{WASM_TARGET} still missing after `rustup target add`"
        ))
    }
}

fn trunk() -> Result<(), String> {
    let want = format!("trunk {TRUNK_VERSION}");
    let check = || probe("trunk", &["--version"]).filter(|v| *v == want);
    cargo_install("trunk", TRUNK_VERSION, check, &["--locked"], "~15 min")
}

fn wasm_bindgen(root: &Path) -> Result<(), String> {
    let version = wasm_bindgen_version(root)?;
    let want = format!("wasm-bindgen {version}");
    let want_runner = format!("wasm-bindgen-test-runner {version}");
    let check = || {
        let cli = probe("wasm-bindgen", &["--version"]).filter(|v| *v == want)?;
        // The test runner must work too, and at the same version if it reports one.
        probe("wasm-bindgen-test-runner", &["--version"])
            .filter(|v| !v.starts_with("wasm-bindgen-test-runner ") || *v == want_runner)?;
        Some(cli)
    };
    // No `--locked`: a locked dependency version is missing from the registry mirror.
    cargo_install("wasm-bindgen-cli", &version, check, &[], "~8 min")
}

/// `ok <what check printed>`, else waits for a `cargo install` of the same crate already
/// running (a second one would only wait for its lock and rebuild), else installs it.
fn cargo_install(
    krate: &str,
    version: &str,
    check: impl Fn() -> Option<String>,
    extra: &[&str],
    note: &str,
) -> Result<(), String> {
    if let Some(found) = check() {
        println!("ok {found}");
        return Ok(());
    }
    if wait_for_running_install(krate)
        && let Some(found) = check()
    {
        println!("ok {found}");
        return Ok(());
    }
    println!("installing {krate} {version} (cargo install from crates.io, {note})");
    let mut install = Command::new("cargo");
    install.arg("install").args(extra).args([
        krate,
        "--version",
        version,
        // We only get here when the installed one is wrong or broken.
        "--force",
    ]);
    run_live(&mut install)?;
    match check() {
        Some(found) => {
            println!("ok {found}");
            Ok(())
        }
        None => Err(format!(
            "{krate} {version} was installed but its binaries do not report that version on PATH \
             (is an older copy earlier on PATH?)"
        )),
    }
}

/// Waits while another process runs `cargo install … <krate> …`; whether it had to wait.
fn wait_for_running_install(krate: &str) -> bool {
    let mut waited = false;
    let started = Instant::now();
    while let Some(pid) = running_install(krate) {
        if !waited {
            println!("waiting for the `cargo install {krate}` already running (pid {pid}) …");
            let _ = std::io::stdout().flush();
            waited = true;
        }
        thread::sleep(Duration::from_secs(5));
    }
    if waited {
        println!(
            "   … it ended after {:.0}s",
            started.elapsed().as_secs_f64()
        );
    }
    waited
}

/// A process (not us) whose command line is `cargo [+toolchain] install … <krate> …`.
fn running_install(krate: &str) -> Option<u32> {
    let me = std::process::id();
    for entry in fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == me {
            continue;
        }
        let Ok(raw) = fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = raw
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        if is_cargo_install_of(&args, krate) {
            return Some(pid);
        }
    }
    None
}

fn is_cargo_install_of(args: &[String], krate: &str) -> bool {
    let Some((program, rest)) = args.split_first() else {
        return false;
    };
    let is_cargo = Path::new(program).file_name().is_some_and(|n| n == "cargo");
    let subcommand = rest.iter().find(|a| !a.starts_with('+'));
    is_cargo && subcommand.is_some_and(|s| s == "install") && rest.iter().any(|a| a == krate)
}

/// The wasm-bindgen version the build uses, as `cargo pkgid` names it (cargo writes
/// Cargo.lock first if there is none, and fails if the build has several versions).
fn wasm_bindgen_version(root: &Path) -> Result<String, String> {
    let out = Command::new("cargo")
        .args(["pkgid", "wasm-bindgen"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo pkgid: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo pkgid wasm-bindgen failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let pkgid = String::from_utf8_lossy(&out.stdout);
    pkgid_version(pkgid.trim())
        .ok_or_else(|| format!("cargo pkgid wasm-bindgen printed no version: {pkgid}"))
}

/// The version in a package id: `registry+https://…#wasm-bindgen@0.2.130` (or the older
/// `…/wasm-bindgen#0.2.130`) → `0.2.130`.
pub fn pkgid_version(pkgid: &str) -> Option<String> {
    let (_, fragment) = pkgid.rsplit_once('#')?;
    let version = fragment.rsplit_once('@').map_or(fragment, |(_, v)| v);
    let first = version.chars().next()?;
    first.is_ascii_digit().then(|| version.to_string())
}

fn chromium() -> Result<(), String> {
    let present = || Path::new(CHROMIUM).is_file() && Path::new(CHROMEDRIVER).is_file();
    if !present() {
        let uid = probe("id", &["-u"]).unwrap_or_default();
        if uid != "0" {
            return Err(format!(
                "{CHROMIUM} or {CHROMEDRIVER} is missing: install the Debian packages \
                 `chromium` and `chromium-driver` (sudo apt-get install -y chromium chromium-driver)"
            ));
        }
        println!("installing chromium chromium-driver (apt-get)");
        run_live(
            Command::new("apt-get")
                .arg("update")
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )?;
        run_live(
            Command::new("apt-get")
                .args(["install", "-y", "chromium", "chromium-driver"])
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )?;
        if !present() {
            return Err(format!(
                "apt-get installed chromium and chromium-driver but {CHROMIUM} or {CHROMEDRIVER} \
                 is still missing"
            ));
        }
    }
    println!("ok chromium {CHROMIUM}");
    println!("ok chromedriver {CHROMEDRIVER}");
    Ok(())
}

fn node_packages(root: &Path) -> Result<(), String> {
    let dir = root.join("tests").join("e2e");
    let wanted = npm_wanted(&dir, Some(&NPM_PACKAGES))?;
    npm_ci(&dir, &wanted)
}

/// The packages `dir/package.json` pins (`name`, `version`): those named in `only`, or every
/// one of its `dependencies`.
fn npm_wanted(dir: &Path, only: Option<&[&str]>) -> Result<Vec<(String, String)>, String> {
    let manifest = dir.join("package.json");
    let text = fs::read_to_string(&manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    if let Some(only) = only {
        return only
            .iter()
            .map(|name| {
                json_string(&text, name)
                    .map(|want| (name.to_string(), want))
                    .ok_or_else(|| format!("{} does not list {name}", manifest.display()))
            })
            .collect();
    }
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let deps = json["dependencies"]
        .as_object()
        .ok_or_else(|| format!("{} has no dependencies", manifest.display()))?;
    deps.iter()
        .map(|(name, version)| {
            version
                .as_str()
                .map(|v| (name.clone(), v.to_owned()))
                .ok_or_else(|| format!("{}: {name} has no version", manifest.display()))
        })
        .collect()
}

/// The npm packages of `dir` (a folder with `package.json` and `package-lock.json`): `npm ci`
/// unless each of `wanted` is installed at its version.
pub fn npm_packages(dir: &Path) -> Result<(), String> {
    let wanted = npm_wanted(dir, None)?;
    npm_ci(dir, &wanted)
}

fn npm_ci(dir: &Path, wanted: &[(String, String)]) -> Result<(), String> {
    let node = probe("node", &["--version"]).ok_or(
        "`node` not found: install Node.js 20 or later (Debian package `nodejs`, with `npm`)",
    )?;
    println!("ok node {node}");
    let missing = || -> Vec<String> {
        wanted
            .iter()
            .filter(|(name, want)| {
                let path = dir.join("node_modules").join(name).join("package.json");
                let version = fs::read_to_string(path)
                    .ok()
                    .and_then(|t| json_string(&t, "version"));
                version.as_deref() != Some(want.as_str())
            })
            .map(|(name, want)| format!("{name} {want}"))
            .collect()
    };
    let todo = missing();
    if todo.is_empty() {
        println!("ok npm packages of {} ({})", dir.display(), wanted.len());
        return Ok(());
    }
    println!(
        "installing {} (npm ci in {})",
        todo.join(", "),
        dir.display()
    );
    run_live(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir),
    )?;
    let still = missing();
    if still.is_empty() {
        println!("ok npm packages of {} ({})", dir.display(), wanted.len());
        Ok(())
    } else {
        Err(format!(
            "npm ci did not install {} (is {}/package-lock.json current?)",
            still.join(", "),
            dir.display()
        ))
    }
}

/// The string value of the first `"key": "value"` pair in a JSON text (no escapes).
pub fn json_string(text: &str, key: &str) -> Option<String> {
    let quoted = format!("\"{key}\"");
    let mut from = 0;
    while let Some(pos) = text[from..].find(&quoted) {
        from += pos + quoted.len();
        let rest = text[from..].trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix('"') else {
            continue;
        };
        if let Some(end) = rest.find('"') {
            return Some(rest[..end].to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pkgid_versions() {
        let registry = "registry+https://github.com/rust-lang/crates.io-index#wasm-bindgen@0.2.130";
        assert_eq!(pkgid_version(registry).as_deref(), Some("0.2.130"));
        let bare = "path+file:///w/wasm-bindgen#0.2.99";
        assert_eq!(pkgid_version(bare).as_deref(), Some("0.2.99"));
        assert_eq!(pkgid_version("wasm-bindgen"), None);
    }

    #[test]
    fn reads_json_strings() {
        let manifest = r#"{ "name": "async-tutor-e2e", "private": true, "type": "module",
            "dependencies": { "playwright-core": "1.65.1" } }"#;
        assert_eq!(
            json_string(manifest, "playwright-core").as_deref(),
            Some("1.65.1")
        );
        let package = r#"{
  "name": "playwright-core",
  "version": "1.65.1",
  "engines": { "node": ">=20" }
}"#;
        assert_eq!(json_string(package, "version").as_deref(), Some("1.65.1"));
        assert_eq!(json_string(package, "private"), None);
    }

    #[test]
    fn recognises_running_installs() {
        let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let trunk = args(&[
            "/root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/cargo",
            "install",
            "--locked",
            "trunk",
            "--version",
            "0.21.14",
        ]);
        assert!(is_cargo_install_of(&trunk, "trunk"));
        assert!(!is_cargo_install_of(&trunk, "wasm-bindgen-cli"));
        assert!(is_cargo_install_of(
            &args(&["cargo", "+stable", "install", "wasm-bindgen-cli"]),
            "wasm-bindgen-cli"
        ));
        assert!(!is_cargo_install_of(
            &args(&["cargo", "build", "-p", "trunk"]),
            "trunk"
        ));
        assert!(!is_cargo_install_of(
            &args(&["rustc", "--crate-name", "trunk", "install"]),
            "trunk"
        ));
    }
}
