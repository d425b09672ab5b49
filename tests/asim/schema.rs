//! `asim schema`: the JSON Schema shipped in `docs/scenario.schema.json`
//! is what the binary prints, every shipped scenario is valid under it
//! (checked by a real JSON Schema validator), and it rejects the invalid
//! fixtures whose fault is one of shape.

use crate::{asim, root, scenario_files};
use serde_json::Value;

/// A YAML document as JSON, the way yaml-language-server sees it.
fn yaml_to_json(text: &str) -> Value {
    use yaml_rust2::Yaml;
    fn conv(y: &Yaml) -> Value {
        match y {
            Yaml::Real(s) => s
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or(Value::String(s.clone()), Value::Number),
            Yaml::Integer(i) => Value::from(*i),
            Yaml::String(s) => Value::String(s.clone()),
            Yaml::Boolean(b) => Value::Bool(*b),
            Yaml::Array(a) => Value::Array(a.iter().map(conv).collect()),
            Yaml::Hash(h) => Value::Object(
                h.iter()
                    .map(|(k, v)| {
                        let key = match k {
                            Yaml::String(s) | Yaml::Real(s) => s.clone(),
                            Yaml::Integer(i) => i.to_string(),
                            Yaml::Boolean(b) => b.to_string(),
                            _ => "?".to_owned(),
                        };
                        (key, conv(v))
                    })
                    .collect(),
            ),
            Yaml::Null | Yaml::BadValue | Yaml::Alias(_) => Value::Null,
        }
    }
    let docs = yaml_rust2::YamlLoader::load_from_str(text).expect("valid YAML");
    docs.first().map_or(Value::Null, conv)
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("docs/scenario.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

#[test]
fn the_shipped_schema_is_what_asim_prints() {
    let run = asim(&["schema"]);
    assert_eq!(run.code, 0);
    let shipped = std::fs::read_to_string(root().join("docs/scenario.schema.json")).unwrap();
    assert!(run.stdout == shipped, "docs/scenario.schema.json is stale: run `asim schema > docs/scenario.schema.json`");
}

#[test]
fn every_shipped_scenario_is_valid_under_the_schema() {
    let v = validator();
    let mut files = scenario_files();
    for dir in ["tests/limits", "tests/seed"] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "yaml") {
                files.push(p);
            }
        }
    }
    assert!(files.len() > 40);
    for f in &files {
        let doc = yaml_to_json(&std::fs::read_to_string(f).unwrap());
        let errors: Vec<String> =
            v.iter_errors(&doc).map(|e| format!("{} at {}", e, e.instance_path())).take(3).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", f.display());
    }
}

#[test]
fn the_schema_rejects_the_invalid_fixtures_of_shape() {
    let v = validator();
    // The others are faults inside Python code, names or types, which only
    // `asim check` can see (a schema cannot read Python).
    for name in ["empty_step", "expect_block", "not_a_map", "unknown_key", "unknown_step", "wrong_type"] {
        let text = std::fs::read_to_string(root().join(format!("tests/invalid/{name}.yaml"))).unwrap();
        assert!(!v.is_valid(&yaml_to_json(&text)), "{name} must be rejected by the schema");
    }
    // A step with two verbs, a modifier of another verb, a handler typo.
    for text in [
        "main:\n  - print: a\n    sleep: 1\n",
        "main:\n  - print: a\n    as: x\n",
        "main:\n  - try: [{print: a}]\n    except: [{mach: ValueError, do: []}]\n",
        "main:\n  - with: lock\n    then: []\n",
    ] {
        assert!(!v.is_valid(&yaml_to_json(text)), "{text}");
    }
    // Modifiers in their place are accepted.
    for text in [
        "main:\n  - with: lock\n    do: [{print: a}]\n",
        "main:\n  - if: x\n    then: [{print: a}]\n    else: [{print: b}]\n",
        "main:\n  - wait_for: f()\n    timeout: null\n    as: r\n",
    ] {
        let errors: Vec<String> = v.iter_errors(&yaml_to_json(text)).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{text}: {errors:?}");
    }
}

#[test]
fn generated_scenarios_with_every_construct_are_valid_under_the_schema() {
    let v = validator();
    for seed in 0..300 {
        let text = crate::gen::scenario(seed);
        let errors: Vec<String> =
            v.iter_errors(&yaml_to_json(&text)).map(|e| format!("{} at {}", e, e.instance_path())).take(3).collect();
        assert!(errors.is_empty(), "seed {seed}: {errors:?}\n{text}");
    }
}
