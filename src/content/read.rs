//! A content file's JSON, as the browser parsed it, read into a [`LessonContent`] by hand: the
//! shape serde writes (`crates/protocol/src/content.rs`), without serde's deserializer in the
//! page's wasm.

use wasm_bindgen::{JsCast, JsValue};

use super::{LessonContent, Segment, SnippetText};
use crate::js_read::{self, field as get};

/// Reads a parsed content file; the error names what is missing or of the wrong kind.
pub fn lesson_content(json: &JsValue) -> Result<LessonContent, String> {
    Ok(LessonContent {
        segments: items(json, "segments")?
            .iter()
            .map(|s| segment(&s))
            .collect::<Result<_, _>>()?,
        snippets: items(json, "snippets")?
            .iter()
            .map(|s| snippet(&s))
            .collect::<Result<_, _>>()?,
    })
}

fn segment(value: &JsValue) -> Result<Segment, String> {
    if let Some(html) = get(value, "Html").as_string() {
        return Ok(Segment::Html(html));
    }
    let card = get(value, "Snippet");
    if card.is_object() {
        return Ok(Segment::Snippet {
            id: string(&card, "id")?,
            title: optional(&card, "title")?,
        });
    }
    let compare = get(value, "Compare");
    if compare.is_object() {
        return Ok(Segment::Compare {
            a: pair(&get(&compare, "a")).ok_or("Compare: `a` is not two strings")?,
            b: pair(&get(&compare, "b")).ok_or("Compare: `b` is not two strings")?,
            title: optional(&compare, "title")?,
            sides: match get(&compare, "sides") {
                v if js_read::absent(&v) => None,
                v => Some(pair(&v).ok_or("Compare: `sides` is not two strings")?),
            },
        });
    }
    Err("a segment is neither Html, Snippet nor Compare".into())
}

fn snippet(value: &JsValue) -> Result<SnippetText, String> {
    Ok(SnippetText {
        lesson: string(value, "lesson")?,
        id: string(value, "id")?,
        title: string(value, "title")?,
        source: string(value, "source")?,
        html: string(value, "html")?,
        focus_html: optional(value, "focus_html")?,
    })
}

fn items(value: &JsValue, key: &str) -> Result<js_sys::Array, String> {
    get(value, key)
        .dyn_into()
        .map_err(|_| format!("`{key}` is not a list"))
}

fn string(value: &JsValue, key: &str) -> Result<String, String> {
    get(value, key)
        .as_string()
        .ok_or_else(|| format!("`{key}` is not a string"))
}

fn optional(value: &JsValue, key: &str) -> Result<Option<String>, String> {
    match get(value, key) {
        v if js_read::absent(&v) => Ok(None),
        v => v
            .as_string()
            .map(Some)
            .ok_or_else(|| format!("`{key}` is not a string")),
    }
}

fn pair(value: &JsValue) -> Option<(String, String)> {
    let array: &js_sys::Array = value.dyn_ref()?;
    (array.length() == 2).then_some(())?;
    Some((array.get(0).as_string()?, array.get(1).as_string()?))
}
