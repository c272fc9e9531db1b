//! English and Chinese asides compared: the same code (syntax trees, docstrings aside) and the same output blocks.

use std::path::Path;
use std::process::{Command, Stdio};

use super::compare::normalize;
use super::extract::Expected;

/// Compares the syntax trees of code pairs, docstrings removed. Reads `<k>.en.py` and
/// `<k>.zh.py` for k in 0..count from the folder in argv[1]; prints one line per pair:
/// `k<TAB>SAME`, `k<TAB>DIFF<TAB>en line<TAB>zh line` or `k<TAB>ERROR<TAB>message`.
const SAME_CODE_PY: &str = r#"
import ast, os, sys

def tree(path):
    with open(path, encoding="utf-8") as f:
        source = f.read()
    module = ast.parse(source)
    for node in ast.walk(module):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if (body and isinstance(body[0], ast.Expr)
                    and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                node.body = body[1:] or [ast.Pass()]
    return module

folder, count = sys.argv[1], int(sys.argv[2])
for k in range(count):
    trees = []
    for lang in ("en", "zh"):
        try:
            trees.append(tree(os.path.join(folder, f"{k}.{lang}.py")))
        except SyntaxError as e:
            print(f"{k}\tERROR\t{lang}: line {e.lineno}: {e.msg}")
            break
    if len(trees) < 2:
        continue
    if ast.dump(trees[0]) == ast.dump(trees[1]):
        print(f"{k}\tSAME")
        continue
    en, zh = (ast.unparse(t).splitlines() for t in trees)
    for i in range(max(len(en), len(zh))):
        a = en[i] if i < len(en) else "(end)"
        b = zh[i] if i < len(zh) else "(end)"
        if a != b:
            print(f"{k}\tDIFF\t{a}\t{b}")
            break
    else:
        print(f"{k}\tDIFF\t(same text, different trees)\t")
"#;

/// For each (en, zh) code pair: `None` when they are the same code, else how they differ.
pub fn same_code(pairs: &[(&str, &str)], scratch: &Path) -> Vec<Option<String>> {
    if pairs.is_empty() {
        return Vec::new();
    }
    let failed = |why: String| vec![Some(why); pairs.len()];
    if let Err(e) = std::fs::create_dir_all(scratch) {
        return failed(format!("cannot create {}: {e}", scratch.display()));
    }
    for (k, (en, zh)) in pairs.iter().enumerate() {
        for (lang, code) in [("en", en), ("zh", zh)] {
            if let Err(e) = std::fs::write(scratch.join(format!("{k}.{lang}.py")), code) {
                return failed(format!("cannot write to {}: {e}", scratch.display()));
            }
        }
    }
    let out = Command::new("python3")
        .args(["-c", SAME_CODE_PY])
        .arg(scratch)
        .arg(pairs.len().to_string())
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::null())
        .output();
    let out = match out {
        Ok(out) if out.status.success() => out,
        Ok(out) => {
            return failed(format!(
                "the en/zh comparison failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Err(e) => {
            return failed(format!(
                "could not run python3 for the en/zh comparison: {e}"
            ));
        }
    };
    let mut result = failed("the en/zh comparison gave no answer".to_string());
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let parts: Vec<&str> = line.split('\t').collect();
        let Some(k) = parts.first().and_then(|k| k.parse::<usize>().ok()) else {
            continue;
        };
        let Some(slot) = result.get_mut(k) else {
            continue;
        };
        *slot = match parts.get(1..).unwrap_or_default() {
            ["SAME"] => None,
            ["DIFF", en, zh] => Some(format!(
                "the code differs (comments and docstrings aside): en `{en}`, zh `{zh}`"
            )),
            ["ERROR", message] => Some(format!("syntax error in the {message}")),
            _ => Some(format!(
                "unexpected answer from the en/zh comparison: {line}"
            )),
        };
    }
    result
}

/// `None` when the en and zh output blocks are the same, else the first difference.
pub(super) fn same_output(en: &Expected, zh: &Expected) -> Option<String> {
    if en.any_order != zh.any_order {
        return Some("one is `output any-order`, the other is not".to_string());
    }
    let (a, b) = (normalize(&en.text), normalize(&zh.text));
    for i in 0..a.len().max(b.len()) {
        if a.get(i) != b.get(i) {
            let show = |l: Option<&String>| l.map_or("(nothing)".to_string(), |l| format!("`{l}`"));
            return Some(format!(
                "line {}: en {}, zh {}",
                i + 1,
                show(a.get(i)),
                show(b.get(i))
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asides::python::have_python;

    fn expected(text: &str, any_order: bool) -> Expected {
        Expected {
            line: 1,
            any_order,
            text: text.to_string(),
        }
    }

    #[test]
    fn output_blocks_of_en_and_zh_must_agree() {
        let a = expected("x\ny\n", false);
        assert_eq!(same_output(&a, &expected("x \ny\n\n", false)), None);
        assert!(
            same_output(&a, &expected("x\nz\n", false))
                .unwrap()
                .contains("line 2")
        );
        assert!(same_output(&a, &expected("x\ny\n", true)).is_some());
    }

    #[test]
    fn en_and_zh_code_compared_without_comments_and_docstrings() {
        if !have_python() {
            return;
        }
        let en = "\"\"\"Fetch pages.\"\"\"\nimport time\n\ndef get(n):\n    \"\"\"One page.\"\"\"\n    return n  # the page\n\nprint(get(1))\n";
        let zh_comments = "\"\"\"抓取页面。\"\"\"\nimport time\n\n# 一页\ndef get(n):\n    return n  # 页面\n\nprint(get(1))\n";
        let zh_code = "import time\n\ndef get(n):\n    return n + 1\n\nprint(get(1))\n";
        let zh_string = "import time\n\ndef get(n):\n    return n\n\nprint(get(1), '页')\n";
        let broken = "def (:\n";
        let dir = std::env::temp_dir().join(format!("xtask-same-code-{}", std::process::id()));
        let got = same_code(
            &[
                (en, zh_comments),
                (en, zh_code),
                (en, zh_string),
                (en, broken),
            ],
            &dir,
        );
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(got[0], None, "comments and docstrings may differ");
        let why = got[1].clone().unwrap();
        assert!(
            why.contains("return n") && why.contains("return n + 1"),
            "{why}"
        );
        assert!(got[2].clone().unwrap().contains("页"));
        assert!(got[3].clone().unwrap().contains("syntax error in the zh"));
    }
}
