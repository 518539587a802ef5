//! The JSON Schemas under `schema/` are what `cpts_funding::schema` generates from the raw types
//! (`UPDATE_EXPECT=1` rewrites them), every ok input validates against its schema, and structural
//! mistakes the readers reject (unknown keys, missing keys, a list where a value goes) fail it.

use crate::fixtures::root;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn schema(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("schema").join(name)).expect("schema file");
    let v: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&v).unwrap_or_else(|e| panic!("{name} is not a valid schema: {e}"))
}

fn yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path)).collect()
}

fn files(dir: &str, pick: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root().join(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if pick(&p) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn schema_files_are_generated_from_the_raw_types() {
    let mut stale = Vec::new();
    for (name, text) in cpts_funding::schema::all() {
        let path = root().join("schema").join(name);
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
        }
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "schema/{stale:?} differ from the types: UPDATE_EXPECT=1 cargo test schema"
    );
}

#[test]
fn every_ok_input_validates_against_its_schema() {
    let mut failures = Vec::new();
    let mut check = |schema_name: &str, paths: Vec<PathBuf>, at_least: usize| {
        assert!(paths.len() >= at_least, "{schema_name}: only {} files", paths.len());
        let v = schema(schema_name);
        for p in paths {
            let e = errors(&v, &yaml(&p));
            if !e.is_empty() {
                failures.push(format!("{} against {schema_name}: {}", p.display(), e.join("; ")));
            }
        }
    };
    let named = |n: &'static str| move |p: &Path| p.file_name().is_some_and(|f| f == n);
    let mut contracts = files("fixtures/ok", named("contract.yaml"));
    contracts.extend(files("fixtures/budget", named("contract.yaml")));
    check("contract.schema.json", contracts, 5);
    check("scenario.schema.json", files("fixtures/budget", named("scenario.yaml")), 1);
    check("rules.schema.json", vec![root().join("rules/aci-cpts.yaml")], 1);
    let yaml_files = |p: &Path| p.extension().is_some_and(|e| e == "yaml");
    check("variant.schema.json", files("rules/variants", yaml_files), 3);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn structural_mistakes_fail_the_schema() {
    let v = schema("contract.schema.json");
    let ok = yaml(&root().join("fixtures/ok/t2-first-year-prorata/contract.yaml"));
    assert!(errors(&v, &ok).is_empty());
    // The fixtures the readers reject for an unknown key (with a suggestion), at any depth.
    for case in [
        "contract-unknown-key",
        "contract-nested-unknown-key",
        "contract-missing-key",
        "contract-missions-not-a-list",
    ] {
        let doc = yaml(&root().join("fixtures/err").join(format!("{case}.yaml")));
        assert!(!errors(&v, &doc).is_empty(), "{case} validates against contract.schema.json");
    }
    let mut bad = ok.clone();
    bad["missions"][0]["indicators"][0]["kind"] = "sometimes".into();
    assert!(!errors(&v, &bad).is_empty(), "an unknown indicator kind validates");
    let mut bad = ok;
    bad["results"][0]["contract_year"] = "one".into();
    assert!(!errors(&v, &bad).is_empty(), "a contract year as text validates");
    let r = schema("rules.schema.json");
    let mut rules = yaml(&root().join("rules/aci-cpts.yaml"));
    rules["tierz"] = Value::Null;
    assert!(!errors(&r, &rules).is_empty(), "an unknown key in the rules validates");
}
