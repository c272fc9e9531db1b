//! Reading values JavaScript hands the page (options, messages, parsed JSON) by hand, with
//! messages in serde's words: the page's wasm carries no deserializer.

use wasm_bindgen::{JsCast, JsValue};

/// `value[key]` (`undefined` when absent or when `value` is not an object).
pub fn field(value: &JsValue, key: &str) -> JsValue {
    if !value.is_object() {
        return JsValue::UNDEFINED;
    }
    js_sys::Reflect::get(value, &key.into()).unwrap_or_default()
}

/// True for `undefined` and `null`: a field left out.
pub fn absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// Fails on a field of `object` that is not in `known`.
pub fn only_fields(object: &JsValue, known: &[&str]) -> Result<(), String> {
    let Some(object) = object.dyn_ref::<js_sys::Object>() else {
        return Err(format!(
            "invalid type: {}, expected an object",
            kind(object)
        ));
    };
    for key in js_sys::Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !known.contains(&key.as_str()) {
            return Err(format!("unknown field `{key}`, expected {}", one_of(known)));
        }
    }
    Ok(())
}

/// The variant a string names among `variants`.
pub fn variant<T: Copy>(value: &JsValue, variants: &[(&str, T)]) -> Result<T, String> {
    let Some(name) = value.as_string() else {
        return Err(format!("invalid type: {}, expected a string", kind(value)));
    };
    variants
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let names: Vec<&str> = variants.iter().map(|(n, _)| *n).collect();
            format!("unknown variant `{name}`, expected {}", one_of(&names))
        })
}

/// A boolean.
pub fn boolean(value: &JsValue) -> Result<bool, String> {
    value
        .as_bool()
        .ok_or_else(|| format!("invalid type: {}, expected a boolean", kind(value)))
}

/// What a value is, as an error says it.
pub fn kind(value: &JsValue) -> String {
    if let Some(s) = value.as_string() {
        format!("string \"{s}\"")
    } else if let Some(n) = value.as_f64() {
        format!("number {n}")
    } else if let Some(b) = value.as_bool() {
        format!("boolean `{b}`")
    } else if value.is_null() {
        "null".into()
    } else if value.is_undefined() {
        "undefined".into()
    } else if js_sys::Array::is_array(value) {
        "a list".into()
    } else {
        "an object".into()
    }
}

fn one_of(names: &[&str]) -> String {
    match names {
        [one] => format!("`{one}`"),
        _ => {
            let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!("one of {}", quoted.join(", "))
        }
    }
}
