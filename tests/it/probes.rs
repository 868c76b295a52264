//! Every probe, passing and failing, asserting the evidence text.

use crate::support::{Project, assert_has_lines};

#[test]
fn run_passes_and_fails_with_exit_output_and_duration_evidence() {
    let out = Project::new()
        .check(
            r#"
truths:
  - truth: greeting works
    run: {cmd: "echo hello; echo fine >&2", stdout: ["^hello$"], stderr_excludes: ["error"]}
  - truth: broken command
    id: broken
    run: {cmd: "echo partial; echo 'error: boom' >&2; exit 3", stdout: ["^done$"], stderr_excludes: ["^error"]}
  - truth: argv form
    run: [sh, -c, "exit 4"]
  - truth: slow
    run: {cmd: "sleep 0.3", max_duration: 100ms}
  - truth: missing program
    run: [definitely-not-a-program-xyz]
"#,
        )
        .run(&["run"]);
    assert_eq!(out.code, 101, "{}", out.all());
    assert_eq!(out.status("env::truth::greeting-works"), "ok");
    let broken = out.failure("env::truth::broken");
    assert_has_lines(
        &broken,
        &[
            "broken command",
            "  defined at checks/env.yaml:5",
            "  shell: host",
            "  ✗ run exit status: expected exit 0, found exit 3",
            "  ✗ run stdout: expected a line matching /^done$/, found no line matches",
            "  ✗ run stderr: expected no line matching /^error/, found line `error: boom`",
            "  $ echo partial; echo 'error: boom' >&2; exit 3",
            "    stdout:\n    │ partial",
            "    stderr:\n    │ error: boom",
        ],
    );
    assert!(
        out.failure("env::truth::argv-form").contains("✗ run exit status: expected exit 0, found exit 4")
    );
    assert!(out.failure("env::truth::argv-form").contains("  $ sh -c 'exit 4'"));
    let slow = out.failure("env::truth::slow");
    assert!(slow.contains("✓ run exit status: expected exit 0, found exit 0"), "{slow}");
    assert!(slow.contains("✗ run duration: expected at most 100ms, found 3"), "{slow}");
    let missing = out.failure("env::truth::missing-program");
    assert!(
        missing
            .contains("found could not start: `definitely-not-a-program-xyz` not found on the shell's PATH"),
        "{missing}"
    );
}

#[test]
fn tools_resolve_on_path_and_compare_versions() {
    let project = Project::new()
        .script("bin/fake-tool", "echo 'fake-tool version 1.2.3 (build 2024-01-01)'")
        .script("bin/stderr-tool", "echo 'Python 3.12.7' >&2")
        .script("bin/silent-tool", "echo 'no number here'")
        .script(".venv/bin/venv-tool", "echo 'venv-tool 0.4.0'")
        .check(
            r#"
truths:
  - truth: tools in range
    tools:
      fake-tool: ">=1.2, <2"
      stderr-tool: "3.12"
      silent-tool: any
  - truth: tools out of range
    tools:
      fake-tool: "1.3"
      stderr-tool: {version: ">=3.13"}
      silent-tool: "1"
      absent-tool: any
  - truth: tools from nix
    tools:
      fake-tool: {from: nix}
  - truth: tools from the venv
    tools:
      venv-tool: {version: "0.4", from: venv}
  - truth: tools outside the venv
    tools:
      fake-tool: {from: venv}
"#,
        );
    let bin = project.path("bin");
    let project_root = project.root().to_path_buf();
    let path = format!("{}:{}", project.path(".venv/bin").display(), project.path_with("bin"));
    let out = project.env("PATH", path).run(&[]);
    assert_eq!(out.status("env::truth::tools-in-range"), "ok", "{}", out.all());
    let failed = out.failure("env::truth::tools-out-of-range");
    assert_has_lines(
        &failed,
        &[
            format!("✗ tools fake-tool: expected version 1.3, found 1.2.3 at {}/fake-tool", bin.display()),
            format!(
                "✗ tools stderr-tool: expected version >=3.13, found 3.12.7 at {}/stderr-tool",
                bin.display()
            ),
            format!(
                "✗ tools silent-tool: expected version 1, found no version in `silent-tool --version` at {}/silent-tool (it printed `no number here`)",
                bin.display()
            ),
            "✗ tools absent-tool: expected on PATH, found not on PATH (".to_string(),
        ],
    );
    assert_eq!(out.status("env::truth::tools-from-the-venv"), "ok", "{}", out.all());
    let outside = out.failure("env::truth::tools-outside-the-venv");
    assert!(
        outside.contains(&format!(
            "✗ tools fake-tool: expected on PATH from the virtualenv, found {}/fake-tool (outside the virtualenv {})",
            bin.display(),
            project_root.join(".venv").display()
        )),
        "{outside}"
    );
    let nix = out.failure("env::truth::tools-from-nix");
    assert!(nix.contains("✗ tools fake-tool: expected on PATH from /nix/store, found"), "{nix}");
    assert!(nix.contains("outside /nix/store)"), "{nix}");
}

#[test]
fn imports_report_each_module_with_its_version_or_error() {
    let out = Project::new()
        .file("pkg_ok/__init__.py", "__version__ = '4.5.6'\nprint('noise from the module')\n")
        .file("pkg_broken/__init__.py", "raise OSError('libgomp.so.1: cannot open shared object file')\n")
        .check(
            r#"
truths:
  - truth: modules load
    imports: [json, pkg_ok]
  - truth: modules break
    imports: [pkg_ok, pkg_broken, not_a_module_xyz]
  - truth: interpreter missing
    imports: [json]
    python: no-such-python --quiet
"#,
        )
        .run(&[]);
    assert_eq!(out.status("env::truth::modules-load"), "ok", "{}", out.all());
    let broken = out.failure("env::truth::modules-break");
    assert_has_lines(
        &broken,
        &[
            "✓ imports pkg_ok: expected imports, found imported, version 4.5.6",
            "✗ imports pkg_broken: expected imports, found OSError: libgomp.so.1: cannot open shared object file",
            "✗ imports not_a_module_xyz: expected imports, found ModuleNotFoundError: No module named 'not_a_module_xyz'",
            "    stdout:\n    │ noise from the module",
            // The command as run: the modules are arguments of one script, not `import a, b`.
            "  $ python3 -c '<import each, report each>' pkg_ok pkg_broken not_a_module_xyz\n",
        ],
    );
    let missing = out.failure("env::truth::interpreter-missing");
    assert!(
        missing.contains("✗ imports json: expected imports, found no result: the interpreter ended with could not start: `no-such-python` not found"),
        "{missing}"
    );
}

#[test]
fn files_check_existence_content_and_mode() {
    let project = Project::new()
        .file(".envrc", "use flake\n")
        .script("run.sh", "echo hi")
        .file("notes.txt", "TODO: fix\nall good\n")
        .check(
            r#"
truths:
  - truth: files hold
    files:
      .envrc: {contains: "use flake", excludes: "use nix", matches: "^use \\w+$"}
      run.sh: {executable: true}
      gone.txt: {exists: false}
  - truth: the environment makes a symlink out of the root
    id: make-link
    run: ln -s /etc/hostname link-out
  - truth: files do not hold
    after: [make-link]
    files:
      .envrc: {contains: ["use flake", "watch_file"], executable: true}
      notes.txt: {excludes: "TODO", matches: "^done"}
      missing.txt: {}
      run.sh: {exists: false}
      link-out: {}
"#,
        );
    // Made during the run, so only the probe can see where it leads (an existing one is
    // refused when the file loads).
    let out = project.run(&[]);
    assert_eq!(out.status("env::truth::files-hold"), "ok", "{}", out.all());
    let failed = out.failure("env::truth::files-do-not-hold");
    assert_has_lines(
        &failed,
        &[
            "✗ files .envrc: expected exists, contains `use flake`, contains `watch_file`, executable, found is not executable; does not contain `watch_file`",
            "✗ files notes.txt: expected exists, excludes `TODO`, matches /^done/, found contains `TODO` in line `TODO: fix`; does not match /^done/",
            "✗ files missing.txt: expected exists, found absent",
            "✗ files run.sh: expected absent, found exists",
            "✗ files link-out: expected exists, found leads outside the project root, to /etc/hostname",
        ],
    );
}

#[test]
fn env_checks_values_and_never_shows_secrets() {
    let out = Project::new()
        .env("ENVTRUTH_TEST_MODE", "strict-mode")
        .env("ENVTRUTH_API_TOKEN", "tok-very-secret-123")
        .check(
            r#"
truths:
  - truth: env holds
    env:
      ENVTRUTH_TEST_MODE: {equals: strict-mode}
      HOME: set
      ENVTRUTH_NEVER_SET: unset
  - truth: env does not hold
    env:
      ENVTRUTH_TEST_MODE: {contains: lax, matches: "^x"}
      ENVTRUTH_NEVER_SET: set
      HOME: unset
      ENVTRUTH_API_TOKEN: {equals: something-else}
  - truth: output hides secrets
    run: "echo token is $ENVTRUTH_API_TOKEN; exit 1"
"#,
        )
        .run(&[]);
    assert_eq!(out.status("env::truth::env-holds"), "ok", "{}", out.all());
    let failed = out.failure("env::truth::env-does-not-hold");
    assert_has_lines(
        &failed,
        &[
            "✗ env ENVTRUTH_TEST_MODE: expected set, containing `lax`, matching /^x/, found `strict-mode`",
            "✗ env ENVTRUTH_NEVER_SET: expected set, found unset",
            "✗ env HOME: expected unset, found `",
            "✗ env ENVTRUTH_API_TOKEN: expected set, equal to `***`, found `***`",
        ],
    );
    assert!(out.failure("env::truth::output-hides-secrets").contains("│ token is ***"));
    assert!(!out.all().contains("tok-very-secret-123"), "secret leaked:\n{}", out.all());
}

#[test]
fn libs_are_found_in_ld_library_path_directories() {
    let project = Project::new()
        .file("lib/libfoo.so.1", "")
        .file("checks/env.yaml", "truths:\n  - truth: libs\n    libs: [libfoo.so.1, libbar.so.2]\n");
    let lib = project.path("lib");
    let out = project.env("LD_LIBRARY_PATH", format!("/nonexistent:{}", lib.display())).run(&[]);
    let failed = out.failure("env::truth::libs");
    assert!(
        failed.contains(&format!(
            "✓ libs libfoo.so.1: expected in an LD_LIBRARY_PATH directory, found in {}",
            lib.display()
        )),
        "{failed}"
    );
    assert!(failed.contains("✗ libs libbar.so.2: expected in an LD_LIBRARY_PATH directory, found in none of the 2 LD_LIBRARY_PATH directories"), "{failed}");

    let unset = Project::new().check("truths:\n  - truth: libs\n    libs: [libfoo.so.1]\n");
    let mut command = unset.command(&[]);
    let out = command.env_remove("LD_LIBRARY_PATH").output().expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "✗ libs libfoo.so.1: expected in an LD_LIBRARY_PATH directory, found LD_LIBRARY_PATH is unset"
        ),
        "{stdout}"
    );
}

#[test]
fn artifacts_follow_gsd_semantics() {
    let out = Project::new()
        .file("flake.nix", "{\n  devShells = python312;\n}")
        .check(
            r#"
artifacts:
  - {path: flake.nix, provides: "dev shell", contains: python312, min_lines: 3, exports: [devShells]}
  - {path: flake.nix, contains: Python312, min_lines: 4, exports: [devShells, packages]}
  - {path: pyproject.toml, contains: polars}
"#,
        )
        .run(&[]);
    // The first and second share a path and so a name: the second is refused at load.
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(out.stderr.contains("error: checks/env.yaml:4:5: duplicate case name `env::artifact::flake.nix`, first defined at checks/env.yaml:3"), "{}", out.stderr);

    let out = Project::new()
        .file("flake.nix", "{\n  devShells = python312;\n}")
        .file("checks/good.yaml", "artifacts:\n  - {path: flake.nix, provides: dev shell, contains: python312, min_lines: 3, exports: [devShells]}\n")
        .file("checks/bad.yaml", "artifacts:\n  - {path: flake.nix, contains: Python312, min_lines: 4, exports: [devShells, packages]}\n  - {path: pyproject.toml, contains: polars}\n")
        .run(&[]);
    assert_eq!(out.status("good::artifact::flake.nix"), "ok", "{}", out.all());
    let stub = out.failure("bad::artifact::flake.nix");
    assert_has_lines(
        &stub,
        &[
            "✓ artifact flake.nix: expected exists, found exists",
            "✗ artifact min_lines: expected at least 4 lines, found Only 3 lines, need 4",
            "✗ artifact contains: expected contains `Python312`, found Missing pattern: Python312",
            "✓ artifact exports: expected exports `devShells`, found present",
            "✗ artifact exports: expected exports `packages`, found Missing export: packages",
        ],
    );
    assert!(!stub.contains("shell:"), "{stub}");
    let missing = out.failure("bad::artifact::pyproject.toml");
    assert!(
        missing.contains("✗ artifact pyproject.toml: expected exists, found File not found"),
        "{missing}"
    );
}

#[test]
fn key_links_follow_gsd_semantics() {
    let out = Project::new()
        .file("flake.nix", "env.LD_LIBRARY_PATH = makeLibraryPath runtimeLibs;\n")
        .file("pyproject.toml", "dependencies = [\"polars\"]\n")
        .check(
            r#"
key_links:
  - {from: flake.nix, to: LD_LIBRARY_PATH, via: env attribute, pattern: "LD_LIBRARY_PATH\\s*="}
  - {from: flake.nix, to: pyproject.toml, pattern: "depend\\w+"}
  - {from: flake.nix, to: runtimeLibs}
  - {from: flake.nix, to: libgcc.lib, pattern: "libgcc"}
  - {from: flake.nix, to: zlib}
  - {from: missing.nix, to: anything}
"#,
        )
        .run(&[]);
    assert_eq!(out.status("env::key_link::flake.nix->LD_LIBRARY_PATH"), "ok", "{}", out.all());
    assert_eq!(out.status("env::key_link::flake.nix->pyproject.toml"), "ok");
    assert_eq!(out.status("env::key_link::flake.nix->runtimeLibs"), "ok");
    assert!(out
        .failure("env::key_link::flake.nix->libgcc.lib")
        .contains("✗ key_link flake.nix: expected /libgcc/ in flake.nix or libgcc.lib, found Pattern not found in source or target"));
    assert!(out.failure("env::key_link::flake.nix->zlib").contains(
        "✗ key_link flake.nix: expected `zlib` referenced in flake.nix, found Target not referenced in source"
    ));
    assert!(out.failure("env::key_link::missing.nix->anything").contains(
        "✗ key_link missing.nix: expected `anything` referenced in missing.nix, found Source file not found"
    ));
}

#[test]
fn manual_truths_are_ignored_with_their_reason() {
    let project = Project::new().check("truths:\n  - truth: docs read well\n    manual: needs a human reader\n  - truth: t\n    run: 'true'\n");
    let out = project.run(&[]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(out.status("env::truth::docs-read-well"), "ignored");
    let out = project.run(&["--include-ignored"]);
    assert_eq!(out.status("env::truth::docs-read-well"), "ignored (manual: needs a human reader)");
    let listed = project.run(&["--list", "--ignored"]);
    assert_eq!(listed.stdout.trim(), "env::truth::docs-read-well: test");
}

#[test]
fn file_globs_check_every_match_and_a_glob_matching_nothing_fails() {
    let project = Project::new()
        .file("build.sh", "#!/usr/bin/env -S nix develop --command bash\n")
        .file("ci/deploy.sh", "#!/usr/bin/env -S nix develop --command bash\n")
        .file("ci/tools/lint.sh", "#!/bin/bash\n")
        .file(".venv/lib/vendored.sh", "#!/bin/sh\n")
        .file(".gitignore", ".venv/\n")
        .check(
            r#"
truths:
  - truth: top-level scripts run in the dev shell
    files:
      "*.sh": {contains: "nix develop"}
      "**/*.pyc": {exists: false}
  - truth: every script runs in the dev shell
    files:
      "**/*.sh": {contains: "nix develop"}
  - truth: there are makefiles
    files:
      "**/Makefile": {}
"#,
        );
    let expected_failures = |out: &crate::support::Output, files: usize| {
        assert_eq!(out.status("env::truth::top-level-scripts-run-in-the-dev-shell"), "ok", "{}", out.all());
        let every = out.failure("env::truth::every-script-runs-in-the-dev-shell");
        assert_has_lines(
            &every,
            &[
                "✓ files build.sh: expected exists, contains `nix develop`, found exists, as required",
                "✓ files ci/deploy.sh: expected exists, contains `nix develop`, found exists, as required",
                "✗ files ci/tools/lint.sh: expected exists, contains `nix develop`, found does not contain `nix develop`",
            ],
        );
        let none = out.failure("env::truth::there-are-makefiles");
        assert_has_lines(
            &none,
            &[&format!(
                "✗ files **/Makefile: expected at least one match, found no file matches, among the {files} files of the project"
            )],
        );
    };
    // Outside git every file counts, the virtualenv's too.
    let out = project.run(&[]);
    assert!(
        out.failure("env::truth::every-script-runs-in-the-dev-shell")
            .contains("✗ files .venv/lib/vendored.sh")
    );
    expected_failures(&out, 6);
    // In a work tree, what git ignores is not part of the project.
    crate::support::git(project.root(), &["init", "-q"]);
    let out = project.run(&["--json", "results.json"]);
    // Each match's evidence points at the glob's line.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(project.path("results.json")).unwrap()).unwrap();
    let lint = json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|case| case["evidence"].as_array().unwrap())
        .find(|item| item["item"] == "ci/tools/lint.sh")
        .unwrap();
    assert_eq!(lint["source"]["line"], 9, "{lint}");
    let every = out.failure("env::truth::every-script-runs-in-the-dev-shell");
    assert!(!every.contains(".venv"), "{every}");
    expected_failures(&out, 5);
}

#[test]
fn each_line_names_the_lines_that_do_not_match() {
    let out = Project::new()
        .file("requirements.txt", "# pinned\nsix==1.16.0\n\nnumpy>=1.26\nrequests\nflask~=3.0\ntorch\n")
        .file("good.txt", "six==1.16.0\n  # comment\nrich[jupyter]==13.7.1\n")
        .check(
            r#"
truths:
  - truth: requirements are pinned
    files:
      requirements.txt: {each_line: '^[A-Za-z0-9._-]+(\[[A-Za-z0-9,._-]+\])?==\S+$'}
      good.txt: {each_line: '^[A-Za-z0-9._-]+(\[[A-Za-z0-9,._-]+\])?==\S+$'}
"#,
        )
        .run(&[]);
    let failed = out.failure("env::truth::requirements-are-pinned");
    assert_has_lines(
        &failed,
        &[
            "found line 4 `numpy>=1.26`, line 5 `requests`, line 6 `flask~=3.0` and 1 more do not match",
            "✓ files good.txt",
        ],
    );
}

#[test]
fn packages_are_asked_of_dpkg_each_named() {
    let arch = std::process::Command::new("dpkg").arg("--print-architecture").output().expect("dpkg");
    let arch = String::from_utf8_lossy(&arch.stdout).trim().to_string();
    let project = Project::new().check(&format!(
        r#"
truths:
  - truth: packages installed
    packages:
      dpkg: any
      coreutils: ">=8"
      libc6:{arch}: any
  - truth: packages missing
    packages:
      dpkg: "<1"
      envtruth-no-such-package: any
"#
    ));
    let out = project.run(&[]);
    assert_eq!(out.status("env::truth::packages-installed"), "ok", "{}", out.all());
    let missing = out.failure("env::truth::packages-missing");
    assert_has_lines(
        &missing,
        &[
            "✗ packages dpkg: expected installed, version <1, found 1.",
            "✗ packages envtruth-no-such-package: expected installed, found not installed: dpkg knows no package `envtruth-no-such-package` (apt-get install envtruth-no-such-package)",
            "dpkg-query: no packages found matching envtruth-no-such-package",
        ],
    );
    // A machine without dpkg says so instead of calling every package missing.
    let out = project.env("PATH", "/nonexistent").run(&["packages-installed"]);
    assert_has_lines(
        &out.failure("env::truth::packages-installed"),
        &[
            "✗ packages dpkg: expected installed, found no answer from dpkg (`dpkg-query` not found on the shell's PATH",
            "this probe reads the package database of Debian and Ubuntu",
        ],
    );
}

#[test]
fn flake_locks_must_lock_every_input_to_a_revision() {
    let github = r#"{"locked": {"type": "github", "owner": "NixOS", "repo": "nixpkgs", "rev": "0123456789abcdef0123456789abcdef01234567", "narHash": "sha256-AAAA", "lastModified": 1}, "original": {"type": "github", "owner": "NixOS", "repo": "nixpkgs"}}"#;
    let path = r#"{"locked": {"type": "path", "path": "/home/me/base", "narHash": "sha256-AAAA", "lastModified": 1}, "original": {"type": "path", "path": "/home/me/base"}}"#;
    let lock = |nodes: &str| format!(r#"{{"nodes": {{{nodes}}}, "root": "root", "version": 7}}"#);
    let out = Project::new()
        .file("flake.nix", "{ outputs = _: { }; }\n")
        .file("flake.lock", lock(r#""root": {}"#))
        .file("api/flake.nix", "{ }\n")
        .file("api/flake.lock", lock(&format!(r#""root": {{"inputs": {{"nixpkgs": "nixpkgs"}}}}, "nixpkgs": {github}"#)))
        .file("train/flake.nix", "{ }\n")
        .file("train/flake.lock", lock(&format!(r#""root": {{"inputs": {{"base": "base", "nixpkgs": "nixpkgs"}}}}, "nixpkgs": {github}, "base": {path}"#)))
        .file("serve/flake.nix", "{ }\n")
        .file("broken/flake.nix", "{ }\n")
        .file("broken/flake.lock", "{ not json")
        .check(
            r#"
truths:
  - truth: the root and api flakes are locked
    flake_lock: [flake.nix, api]
  - truth: every flake is locked
    flake_lock: "**/flake.nix"
"#,
        )
        .run(&[]);
    assert_eq!(out.status("env::truth::the-root-and-api-flakes-are-locked"), "ok", "{}", out.all());
    assert_has_lines(
        &out.failure("env::truth::every-flake-is-locked"),
        &[
            "✓ flake_lock flake.lock: expected a flake.lock locking every input to a revision, found no inputs",
            "✓ flake_lock api/flake.lock: expected a flake.lock locking every input to a revision, found 1 input, each locked to a revision",
            "✗ flake_lock train/flake.lock: expected a flake.lock locking every input to a revision, found `base` (path:/home/me/base) is locked without a revision; point it at a git or GitHub URL and run `nix flake lock`",
            "✗ flake_lock serve/flake.lock: expected a flake.lock locking every input to a revision, found missing: run `nix flake lock` in serve and commit flake.lock",
            "✗ flake_lock broken/flake.lock: expected a flake.lock locking every input to a revision, found unreadable as a flake.lock: key must be a string at line 1 column 3",
        ],
    );
}

#[test]
fn a_venv_shell_activates_the_virtualenv() {
    let project = Project::new()
        .file("env/pyvenv.cfg", "home = /usr/bin\n")
        .script("env/bin/venv-tool", "echo 'venv-tool 2.0.1'")
        .check(
            r#"
shell: {venv: env}
truths:
  - truth: the virtualenv is active
    tools:
      venv-tool: {version: "2", from: venv}
    env:
      VIRTUAL_ENV: {matches: "/env$"}
      PYTHONHOME: unset
"#,
        )
        .declared_shells()
        .env("PYTHONHOME", "/somewhere");
    let out = project.run(&[]);
    assert_eq!(out.status("env::truth::the-virtualenv-is-active"), "ok", "{}", out.all());
    std::fs::remove_file(project.path("env/pyvenv.cfg")).unwrap();
    let out = project.run(&[]);
    assert_has_lines(
        &out.failure("env::truth::the-virtualenv-is-active"),
        &[
            "`env` is not a virtualenv (it has no pyvenv.cfg); create it with `python3 -m venv env` and install the requirements into it",
        ],
    );
}

#[test]
fn a_flake_lock_policy_names_each_input_that_breaks_it() {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let node = |owner: &str, repo: &str, branch: Option<&str>, days_old: u64| {
        let reference = branch.map_or(String::new(), |b| format!(r#", "ref": "{b}""#));
        format!(
            r#"{{"locked": {{"type": "github", "owner": "{owner}", "repo": "{repo}", "rev": "0123456789abcdef0123456789abcdef01234567", "lastModified": {}}}, "original": {{"type": "github", "owner": "{owner}", "repo": "{repo}"{reference}}}}}"#,
            now - days_old * 86_400
        )
    };
    let lock = format!(
        r#"{{"nodes": {{"root": {{"inputs": {{"nixpkgs": "nixpkgs", "utils": "utils", "tool": "tool"}}}}, "nixpkgs": {}, "utils": {}, "tool": {}}}, "root": "root", "version": 7}}"#,
        node("NixOS", "nixpkgs", Some("nixos-24.05"), 45),
        node("numtide", "flake-utils", None, 3),
        node("someone", "tool", None, 2),
    );
    let project = Project::new().file("flake.nix", "{ }\n").file("flake.lock", lock).check(
        r#"
truths:
  - truth: the lock keeps the policy
    flake_lock: {flakes: flake.nix, max_age: 30d, owners: [NixOS, numtide]}
  - truth: the lock follows our own branch list
    flake_lock: {max_age: 60d, branches: [nixos-24.05]}
  - truth: every input is pinned
    flake_lock: flake.nix
"#,
    );
    let out = project.run(&[]);
    let failure = out.failure("env::truth::the-lock-keeps-the-policy");
    assert_has_lines(
        &failure,
        &[
            "`nixpkgs` (github:NixOS/nixpkgs) was last modified 45 days ago, more than 30d; run `nix flake update nixpkgs`, and follows `nixos-24.05`, not one of nixos-unstable,",
            "`tool` (github:someone/tool) belongs to `someone`, not one of NixOS, numtide",
        ],
    );
    assert!(!failure.contains("`utils`"), "{failure}");
    assert_eq!(out.status("env::truth::the-lock-follows-our-own-branch-list"), "ok", "{}", out.all());
    assert_eq!(out.status("env::truth::every-input-is-pinned"), "ok", "{}", out.all());
}

#[test]
fn python_distributions_and_pip_check_in_one_interpreter() {
    let project = Project::new();
    let made = std::process::Command::new("python3")
        .args(["-m", "venv", ".venv"])
        .current_dir(project.root())
        .output();
    if !crate::support::required(
        made.is_ok_and(|o| o.status.success()),
        "`python3 -m venv`",
        "apt-get install python3-venv",
    ) {
        return;
    }
    let project = project.check(
        r#"
truths:
  - truth: pip is there, and new enough
    python: .venv/bin/python
    python_packages: {pip: ">=20", setuptools-or-not: any}
  - truth: pip is old
    python: .venv/bin/python
    python_packages: {pip: "<1"}
  - truth: no broken requirements
    python: .venv/bin/python
    pip_check: true
"#,
    );
    let out = project.run(&[]);
    let failure = out.failure("env::truth::pip-is-there-and-new-enough");
    assert!(failure.contains("✓ python_packages pip: expected installed, version >=20, found "), "{failure}");
    assert!(failure.contains("✗ python_packages setuptools-or-not: expected installed, found not installed in this interpreter (pip install setuptools-or-not)"), "{failure}");
    assert!(
        out.failure("env::truth::pip-is-old")
            .contains("✗ python_packages pip: expected installed, version <1, found"),
        "{}",
        out.all()
    );
    assert_eq!(out.status("env::truth::no-broken-requirements"), "ok", "{}", out.all());
    // A distribution whose requirement is missing: pip check names it.
    let site = std::fs::read_dir(project.path(".venv/lib"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path()
        .join("site-packages");
    let dist = site.join("fakepkg-1.0.dist-info");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("METADATA"),
        "Metadata-Version: 2.1\nName: fakepkg\nVersion: 1.0\nRequires-Dist: missing-dep-xyz\n",
    )
    .unwrap();
    let out = project.run(&["no-broken"]);
    assert!(
        out.failure("env::truth::no-broken-requirements")
            .contains("fakepkg 1.0 requires missing-dep-xyz, which is not installed"),
        "{}",
        out.all()
    );
}

#[test]
fn retry_waits_for_a_service_that_comes_up_after_a_moment() {
    // The "service" is up from the third try on; another never comes up.
    let out = Project::new()
        .check(
            r#"
truths:
  - truth: the service answers
    run: {cmd: "n=$(cat tries 2>/dev/null || echo 0); echo $((n+1)) > tries; test $n -ge 2", retry: {timeout: 10s, interval: 100ms}}
  - truth: the other service answers
    run: {cmd: "false", retry: {timeout: 500ms, interval: 100ms}}
"#,
        )
        .run(&[]);
    assert_eq!(out.status("env::truth::the-service-answers"), "ok", "{}", out.all());
    let failure = out.failure("env::truth::the-other-service-answers");
    assert!(
        failure.contains("✗ run retry: expected passes within 500ms, tried every 100ms, found "),
        "{failure}"
    );
    assert!(failure.contains("tries over"), "{failure}");
}

#[test]
fn a_check_that_cannot_fail_is_warned_about() {
    let out = Project::new()
        .check("truths:\n  - {truth: always fine, run: 'true'}\n  - {truth: says hello, run: {cmd: 'echo hello', stdout: '^hello$'}}\n")
        .run(&[]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        out.stdout.contains("warning: env::truth::always-fine (checks/env.yaml:2) cannot fail: `run` of a command that always succeeds proves nothing"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("env::truth::says-hello (checks/env.yaml:3) cannot fail"), "{}", out.stdout);
}
