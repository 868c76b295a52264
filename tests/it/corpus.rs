//! Every plan of the real-world corpus (`../shared/corpus`: 813 GSD plans from 36 public
//! projects) is loaded in-process, mirrored by a check file, as a user's would be. A
//! regression on real plans cannot land: at least 99.5% of the plans whose YAML is valid
//! and whose must-haves hold an item must load, and every plan with broken YAML must get
//! a message with its line and the fix.
//!
//! Without the corpus (a clone outside this workplace) the test is ignored with the reason;
//! under `CI=true` it fails instead, since CI always has it.

use std::path::{Path, PathBuf};

/// The least share of loadable plans that must load.
const BAR: f64 = 0.995;

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    dir.join("MANIFEST.tsv").is_file().then_some(dir)
}

/// Where a plan goes inside its temp project: its own path when it is a plain relative
/// `.md` path, else a made-up phase path (template extracts are named `PATH#Lx-Ly`).
fn relative_path(path: &str) -> String {
    let plain = path.ends_with(".md") && !path.contains('#') && !path.starts_with('/');
    match plain && !path.split('/').any(|part| part == "..") {
        true => path.to_string(),
        false => ".planning/phases/00-example/00-01-PLAN.md".to_string(),
    }
}

/// How one plan loaded.
enum Loaded {
    Cases,
    /// Broken YAML: excluded from the bar, but its message must name the fix.
    BadYaml(String),
    /// Must-haves without a single item: nothing to mirror.
    Empty,
    Refused(String),
}

fn load(corpus: &Path, file: &str, path: &str) -> Loaded {
    let project = tempfile::tempdir().expect("temp dir");
    let relative = relative_path(path);
    let target = project.path().join(&relative);
    std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
    std::fs::copy(corpus.join(file), &target).expect("copy plan");
    std::fs::create_dir_all(project.path().join("checks")).expect("mkdir");
    let mirror = format!("plan: {}\nshell: host\n", serde_json::to_string(&relative).expect("json"));
    std::fs::write(project.path().join("checks/mirror.yaml"), mirror).expect("mirror");
    match envtruth::Harness::new(project.path()).checks("checks/mirror.yaml").case_names() {
        Ok(_) => Loaded::Cases,
        Err(errors) => {
            let message = errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
            if message.contains("is not valid YAML") || message.contains("cannot be read:") {
                Loaded::BadYaml(message)
            } else if message.starts_with("no cases:") {
                Loaded::Empty
            } else {
                Loaded::Refused(message)
            }
        }
    }
}

#[test]
fn every_real_plan_with_must_haves_loads() {
    let Some(corpus) = corpus() else {
        crate::support::required(false, "../shared/corpus", "put the corpus beside the checkout");
        return;
    };
    let manifest = std::fs::read_to_string(corpus.join("MANIFEST.tsv")).expect("manifest");
    let mut lines = manifest.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).expect("column");
    let (kind, path, has, file) = (column("kind"), column("path"), column("has_must_haves"), column("file"));
    let (mut loaded, mut loadable, mut plans) = (0, 0, 0);
    let mut refused = Vec::new();
    let mut hintless = Vec::new();
    for line in lines {
        let row: Vec<&str> = line.split('\t').collect();
        if row[kind] != "plan" {
            continue;
        }
        plans += 1;
        let outcome = load(&corpus, row[file], row[path]);
        if row[has] != "yes" {
            continue;
        }
        match outcome {
            Loaded::Cases => {
                loaded += 1;
                loadable += 1;
            }
            Loaded::Refused(message) => {
                loadable += 1;
                refused.push(format!("{}: {message}", row[file]));
            }
            Loaded::BadYaml(message) if !message.contains("; ") => hintless.push(message),
            Loaded::BadYaml(_) | Loaded::Empty => {}
        }
    }
    assert!(plans >= 800, "only {plans} plans in the manifest");
    let share = loaded as f64 / loadable as f64;
    assert!(
        share >= BAR,
        "{loaded} of {loadable} loadable plans load ({:.1}%, the bar is {:.1}%); refused:\n{}",
        share * 100.0,
        BAR * 100.0,
        refused.join("\n")
    );
    assert!(hintless.is_empty(), "YAML errors without a fix:\n{}", hintless.join("\n"));
}

/// What `init` should propose for each hand-labelled truth of the corpus
/// (`tests/corpus/init-labels.tsv`, by file and truth index, labelled before the rules
/// were written): `none` means no probe is right, so any proposal is a wrong one.
struct Label {
    file: String,
    index: usize,
    category: String,
}

/// The least share of init's proposals on labelled truths that must be right.
const PRECISION: f64 = 0.95;
/// The least share of environment-like labelled truths init must propose a probe for. The
/// issue's goal is 0.80; most labelled truths are prose about a file ("R3.6 rule exists in
/// CLAUDE.md"), claim more than one command shows, or name commands the plans run in
/// another directory, which no rule can turn into a check without guessing, so this is a
/// ratchet at what the rules reach today (31 of 172), not the goal.
const RECALL: f64 = 0.18;

#[test]
fn init_proposes_only_right_probes_for_hand_labelled_truths() {
    let Some(corpus) = corpus() else {
        crate::support::required(false, "../shared/corpus", "put the corpus beside the checkout");
        return;
    };
    let labels =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/init-labels.tsv"))
            .expect("labels");
    let labels: Vec<Label> = labels
        .lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            Label {
                file: cells[0].into(),
                index: cells[1].parse().expect("index"),
                category: cells[2].into(),
            }
        })
        .collect();
    let mut proposals = std::collections::HashMap::new();
    let (mut right, mut wrong, mut wanted) = (0, Vec::new(), 0);
    for label in &labels {
        let probes = proposals.entry(label.file.clone()).or_insert_with(|| {
            let scaffold = envtruth::init(
                &corpus,
                &corpus.join(&label.file),
                Some(Path::new("-")),
                envtruth::FromShell::No,
            )
            .expect("init");
            let lines: Vec<&str> = scaffold.text.lines().collect();
            let probes: Vec<String> = lines
                .windows(2)
                .filter(|pair| pair[0].trim_start().starts_with("- truth:"))
                .map(|pair| pair[1].trim().split(':').next().unwrap_or_default().to_string())
                .collect();
            probes
        });
        let probe = probes.get(label.index).map_or("missing", String::as_str);
        let expected = match label.category.as_str() {
            "none" => None,
            "tests" | "build" | "lint" | "command" => Some("run"),
            other => Some(other),
        };
        if expected.is_some() {
            wanted += 1;
        }
        match (probe, expected) {
            ("manual", _) => {}
            (probe, Some(kind)) if probe == kind => {
                right += 1;
            }
            (probe, _) => wrong.push(format!(
                "{}#{}: proposed {probe}, labelled {}",
                label.file, label.index, label.category
            )),
        }
    }
    let precision = right as f64 / (right + wrong.len()).max(1) as f64;
    // Every right proposal is for an environment-like truth: `none` has no right probe.
    let recall = right as f64 / wanted.max(1) as f64;
    eprintln!(
        "init on {} labelled truths: {right} right, {} wrong; {right} of {wanted} environment-like found",
        labels.len(),
        wrong.len()
    );
    assert!(
        precision >= PRECISION,
        "precision {precision:.3} < {PRECISION}; wrong proposals:\n{}",
        wrong.join("\n")
    );
    assert!(recall >= RECALL, "recall {recall:.3} < {RECALL} ({right} of {wanted})");
}
