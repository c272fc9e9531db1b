//! What an edit may not do at build time: read files into the build.
//!
//! An edit runs in the browser, where it can fetch any URL, so a file read into the build could
//! leave the machine (a share link can carry anyone's code). `include_str!` and
//! `include_bytes!` are refused wherever they are named outside comments and strings, so a
//! macro cannot name them either; cargo runs with a cleared environment (`mod.rs`), so `env!`
//! finds nothing of the reader's. This is a fence, not a sandbox: README says what compiling
//! means.

/// The identifiers an edit may not use.
const REFUSED: [&str; 2] = ["include_str", "include_bytes"];

/// Why `source` is refused, if it is: the first refused name and its line.
pub fn check(source: &str) -> Result<(), String> {
    match identifiers(source).find(|(name, _)| REFUSED.contains(name)) {
        Some((name, line)) => Err(format!(
            "line {line}: `{name}!` is not allowed in an edit: it would read a file of this \
             machine into code that runs in the browser"
        )),
        None => Ok(()),
    }
}

/// The identifiers of Rust source outside comments, strings and character literals, with
/// their lines (from 1).
fn identifiers(source: &str) -> impl Iterator<Item = (&str, usize)> {
    let bytes = source.as_bytes();
    let mut found = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                line += 1;
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < bytes.len() {
                    if bytes[i..].starts_with(b"/*") {
                        depth += 1;
                        i += 2;
                    } else if bytes[i..].starts_with(b"*/") {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        line += usize::from(bytes[i] == b'\n');
                        i += 1;
                    }
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    line += usize::from(bytes[i] == b'\n');
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            // A raw string: r"…", r#"…"#, br##"…"##.
            b'r' if raw_string_hashes(&bytes[i + 1..]).is_some() => {
                let hashes = raw_string_hashes(&bytes[i + 1..]).unwrap_or(0);
                i += 2 + hashes;
                let end = [&[b'"'][..], &vec![b'#'; hashes]].concat();
                while i < bytes.len() && !bytes[i..].starts_with(&end) {
                    line += usize::from(bytes[i] == b'\n');
                    i += 1;
                }
                i += end.len();
            }
            // A character literal ('a', '\n', '\''), not a lifetime ('a).
            b'\'' if bytes.get(i + 2) == Some(&b'\'') || bytes.get(i + 1) == Some(&b'\\') => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            _ if b == b'_' || b.is_ascii_alphabetic() => {
                let start = i;
                while i < bytes.len() && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
                found.push((&source[start..i], line));
            }
            _ => i += 1,
        }
    }
    found.into_iter()
}

/// After an `r`: the number of `#`s of a raw string's opening, if one starts here.
fn raw_string_hashes(rest: &[u8]) -> Option<usize> {
    let hashes = rest.iter().take_while(|b| **b == b'#').count();
    (rest.get(hashes) == Some(&b'"')).then_some(hashes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_a_file_into_the_build_is_refused_however_it_is_named() {
        let direct = "fn main() {\n    let key = include_str!(\"/root/.ssh/id_rsa\");\n}\n";
        assert_eq!(
            check(direct).unwrap_err(),
            "line 2: `include_str!` is not allowed in an edit: it would read a file of this \
             machine into code that runs in the browser"
        );
        // Through a macro, which never writes the `!` after the name.
        let indirect = "macro_rules! m { ($f:ident) => { $f!(\"/etc/passwd\") } }\nconst X: &[u8] = m!(include_bytes);\n";
        assert!(
            check(indirect)
                .unwrap_err()
                .starts_with("line 2: `include_bytes!`")
        );
        assert!(check("#[doc = include_str!(\"x\")]\nfn f() {}").is_err());
    }

    #[test]
    fn comments_strings_and_other_names_are_fine() {
        let fine = r###"
            // include_str! would read a file; /* include_bytes! /* nested */ too */
            fn f<'a>(x: &'a str) -> char {
                let s = "include_str!(\"quoted\")";
                let r = r#"include_bytes!("raw")"#;
                let included_strings = 1;
                let c = '"';
                println!("{s}{r}{included_strings}{x}{c}");
                'x'
            }
        "###;
        assert_eq!(check(fine), Ok(()));
        assert_eq!(
            check(
                &std::fs::read_to_string(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../lessons/08-async-await/crawl.rs"
                ))
                .unwrap()
            ),
            Ok(())
        );
    }
}
