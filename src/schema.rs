//! JSON Schemas of the input files (contract, rules, variant, scenario), generated from the raw
//! types that read them, so they cannot drift from what the readers accept: `deny_unknown_fields`
//! becomes `additionalProperties: false`, serde defaults make a key optional. One correction is
//! made to what schemars writes: the YAML reader takes any scalar where the raw type holds text
//! (amounts and dates are read as text, `max: 9000` as well as `max: "9000"`), so a plain string
//! becomes "a string, a number or a boolean". Editors use these files for completion and checks
//! (`# yaml-language-server: $schema=…`); they are checked in under `schema/` and a test keeps
//! them equal to what this module writes.

use serde_json::Value;

/// Every schema file: its name under `schema/` and its text.
pub fn all() -> Vec<(&'static str, String)> {
    vec![
        ("contract.schema.json", contract()),
        ("rules.schema.json", rules()),
        ("variant.schema.json", variant()),
        ("scenario.schema.json", scenario()),
    ]
}

/// A contract file (`fixtures/ok/*/contract.yaml`).
pub fn contract() -> String {
    finish(schemars::schema_for!(crate::input::raw::RawContract), "A CPTS contract file")
}

/// A rules file (`rules/aci-cpts.yaml`).
pub fn rules() -> String {
    finish(schemars::schema_for!(crate::rules::raw::RawRules), "An ACI CPTS rules file")
}

/// A variant file (`rules/variants/*.yaml`).
pub fn variant() -> String {
    finish(crate::variant::json_schema(), "A negotiation variant of the rules")
}

/// A scenario file (`budget --scenario FILE`).
pub fn scenario() -> String {
    finish(crate::budget::scenario_json_schema(), "A budget scenario file")
}

fn finish(schema: schemars::Schema, title: &str) -> String {
    let mut v = schema.to_value();
    widen(&mut v);
    if let Value::Object(m) = &mut v {
        m.insert("title".into(), Value::String(title.into()));
    }
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

/// A plain string (no `enum`, `const` or `pattern`) accepts any YAML scalar, as the reader does.
fn widen(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let plain =
                !m.contains_key("enum") && !m.contains_key("const") && !m.contains_key("pattern");
            if plain {
                let widened = match m.get("type") {
                    Some(Value::String(t)) if t == "string" => {
                        Some(vec!["string", "number", "boolean"])
                    }
                    Some(Value::Array(ts)) if ts.iter().any(|t| t == "string") => {
                        let mut out = vec!["string", "number", "boolean"];
                        if ts.iter().any(|t| t == "null") {
                            out.push("null");
                        }
                        Some(out)
                    }
                    _ => None,
                };
                if let Some(ts) = widened {
                    m.insert(
                        "type".into(),
                        Value::Array(ts.into_iter().map(|t| Value::String(t.into())).collect()),
                    );
                }
            }
            m.values_mut().for_each(widen);
        }
        Value::Array(a) => a.iter_mut().for_each(widen),
        _ => {}
    }
}
