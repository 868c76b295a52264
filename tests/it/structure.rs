//! The modules of `src/` import one another without cycles: data flows one way (files ->
//! spec -> cases -> trials -> outcomes -> sinks), so a module never needs one that needs it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Which top-level modules each module of `dir` names as `crate::MODULE` (a directory
/// module, such as `probe/`, counts as one).
fn imports(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut files = vec![dir.to_path_buf()];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().flatten().map(|entry| entry.path()));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = path.strip_prefix(dir).unwrap();
        let first = relative.components().next().unwrap().as_os_str().to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let used = graph.entry(module.clone()).or_default();
        for line in text.lines().filter(|line| !line.trim_start().starts_with("//")) {
            for (at, _) in line.match_indices("crate::") {
                let name: String =
                    line[at + 7..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if !name.is_empty() && name != module {
                    used.insert(name);
                }
            }
        }
    }
    graph
}

/// A cycle of the graph (its first module repeated at the end), if it has one.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        module: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        trail: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = trail.iter().position(|m| m == module) {
            let mut found = trail[start..].to_vec();
            found.push(module.to_string());
            return Some(found);
        }
        if done.contains(module) {
            return None;
        }
        trail.push(module.to_string());
        for next in graph.get(module).into_iter().flatten() {
            if let Some(found) = visit(next, graph, trail, done) {
                return Some(found);
            }
        }
        trail.pop();
        done.insert(module.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|module| visit(module, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_modules_of_src_import_each_other_without_cycles() {
    let graph = imports(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(graph.len() > 20, "only {} modules found: {graph:?}", graph.len());
    assert!(graph["run"].contains("sink"), "the import reader missed `run -> sink`: {graph:?}");
    if let Some(found) = cycle(&graph) {
        panic!("import cycle: {}; move what both need into a module of its own", found.join(" -> "));
    }
}

#[test]
fn a_cycle_is_found_and_named() {
    let edges = [("load", "plan"), ("plan", "bounded"), ("plan", "load"), ("sink", "outcome")];
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in edges {
        graph.entry(from.into()).or_default().insert(to.into());
    }
    assert_eq!(cycle(&graph), Some(vec!["load".into(), "plan".into(), "load".into()]));
    graph.get_mut("plan").unwrap().remove("load");
    assert_eq!(cycle(&graph), None);
}
