//! The committed JSON Schema is what `envtruth schema` prints, and check files point at it.

use std::path::Path;

use crate::support::Project;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn the_committed_schema_is_up_to_date() {
    let out = Project::new().run(&["schema"]);
    assert_eq!(out.code, 0, "{}", out.all());
    let committed = std::fs::read_to_string(Path::new(ROOT).join("checks/envtruth.schema.json")).unwrap();
    assert!(
        out.stdout == committed,
        "checks/envtruth.schema.json is stale: run `cargo run -- schema > checks/envtruth.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(schema["additionalProperties"], false);
    let keys: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "artifacts",
            "capture_timeout",
            "key_links",
            "plan",
            "prohibitions",
            "shell",
            "shells",
            "timeout",
            "truths",
            "vars"
        ]
    );
}

#[test]
fn every_check_file_names_the_schema() {
    let mut files = Vec::new();
    for dir in std::fs::read_dir(Path::new(ROOT).join("fixtures/projects")).unwrap().flatten() {
        files.push(dir.path().join("checks"));
    }
    files.push(Path::new(ROOT).join("checks"));
    let mut checked = 0;
    for dir in files {
        for file in std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()) {
            if file.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            let first = text.lines().next().unwrap_or_default();
            let target = first
                .strip_prefix("# yaml-language-server: $schema=")
                .unwrap_or_else(|| panic!("{}: the first line must name the schema", file.display()));
            assert!(dir.join(target).is_file(), "{}: {target} does not exist", file.display());
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} check files found");
}

#[test]
fn the_first_run_example_shows_a_pass_and_a_failure_with_its_evidence() {
    let out = Project::fixture("first-run").run(&[]);
    assert_eq!(out.code, 101, "{}", out.all());
    assert_eq!(out.status("first::truth::git-and-bash-are-on-path"), "ok");
    assert_eq!(out.status("first::truth::the-project-says-what-it-is"), "ok");
    let failure = out.failure("first::truth::python3-is-3-99-or-newer");
    assert!(failure.contains("✗ tools python3: expected version >=3.99, found 3."), "{failure}");
}
