//! The command line a newcomer meets: a version, a help that names the program, its
//! commands, examples and variables, and libtest's no-op flags accepted but unseen.

use crate::support::Project;

#[test]
fn version_and_help_say_what_envtruth_is_and_how_to_call_it() {
    let project =
        Project::new().check("truths:\n  - {truth: t, run: {cmd: 'true', exit: 0, max_duration: 1m}}\n");
    let out = project.run(&["--version"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, format!("envtruth {}\n", env!("CARGO_PKG_VERSION")).as_str())
    );
    let help = project.run(&["--help"]).stdout;
    for part in [
        "Usage: envtruth [OPTIONS] [FILTER]",
        "  signoff",
        "  cache-key",
        "Examples:",
        "ENVTRUTH_SHELL",
        "ENVTRUTH_TAP",
        "Exit codes:",
    ] {
        assert!(help.contains(part), "{part} missing from:\n{help}");
    }
    for hidden in ["--bench", "--nocapture", "--show-output", "Usefull"] {
        assert!(!help.contains(hidden), "{hidden} shown in:\n{help}");
    }
    // cargo and nextest pass them; they must keep working.
    let out = project.run(&["--bench", "--nocapture", "--show-output"]);
    assert_eq!(out.code, 0, "{}", out.all());
    let out = project.run(&["--json", "r.json"]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        std::fs::read_to_string(project.path("r.json")).unwrap().ends_with("}\n"),
        "the JSON file ends without a newline"
    );
}

#[test]
fn cache_key_prints_a_key_per_nix_shell_and_runs_nothing() {
    let project = Project::new()
        .declared_shells()
        .file("flake.nix", "{ outputs = _: { }; }\n")
        .file("checks/a.yaml", "truths:\n  - {truth: a, run: 'touch ran-a'}\n")
        .file("checks/b.yaml", "shell: {nix: \".#ci\"}\ntruths:\n  - {truth: b, run: 'touch ran-b'}\n")
        .file("checks/c.yaml", "shell: host\ntruths:\n  - {truth: c, run: 'touch ran-c'}\n");
    let out = project.run(&["cache-key"]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    // Without nix on PATH there is no key to give, and an empty key is refused; with it,
    // one per nix shell.
    if std::process::Command::new("nix").arg("--version").output().is_err() {
        assert_eq!(out.code, 2, "{}", out.all());
        assert!(
            out.stderr.contains("`nix` is not on PATH, and the cache key of `nix develop .`"),
            "{}",
            out.stderr
        );
    } else {
        assert!(out.stderr.is_empty() && out.code == 0, "{}", out.all());
        assert_eq!(lines.len(), 2, "{}", out.stdout);
        assert!(
            lines[0].ends_with("  nix develop .") && lines[1].ends_with("  nix develop .#ci"),
            "{}",
            out.stdout
        );
        assert!(lines.iter().all(|l| l.split("  ").next().is_some_and(|k| k.len() == 64)), "{}", out.stdout);
    }
    assert!(!project.path("ran-a").exists() && !project.path("ran-c").exists(), "cache-key ran a check");
}
