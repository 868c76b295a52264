//! The five example projects of the README, each passing as shipped and failing, with
//! the right messages, when broken the way real projects break.

use std::path::Path;
use std::process::Command;

use libtest_mimic::Failed;

use crate::Check;
use crate::common::{Nix, ensure};
use crate::support::{self, Project, git};

/// The tests of this file: name, the program each needs, the test.
pub const TESTS: &[(&str, &str, Check)] = &[
    ("examples::python_ml", "nix", example_python_ml),
    ("examples::python_ml_broken", "nix", example_python_ml_broken),
    ("examples::composed_flakes", "nix", example_composed_flakes),
    ("examples::composed_flakes_broken", "nix", example_composed_flakes_broken),
    ("examples::three_shells", "nix", example_three_shells),
    ("examples::three_shells_broken", "nix", example_three_shells_broken),
    ("examples::nix_first", "nix", example_nix_first),
    ("examples::nix_first_broken", "nix", example_nix_first_broken),
    ("examples::debian_venv", "python3", example_debian_venv),
    ("examples::debian_venv_broken", "python3", example_debian_venv_broken),
];

/// Example 3: the same truths across three dev shells, a timed build and a rebuild check.
fn example_three_shells() -> Result<(), Failed> {
    let nix = Nix::new();
    let out = nix.project(Project::fixture("three-shells")).run(&[]);
    ensure(out.code == 0, || out.all())?;
    for shell in [".#default", ".#full", ".#ci"] {
        for truth in [
            "every-dev-shell-names-itself-in-shell-name",
            "bash-and-coreutils-are-on-path-in-every-dev-shell",
        ] {
            let name = format!("shells::truth::{truth}@{shell}");
            ensure(out.status(&name) == "ok", || format!("{name}:\n{}", out.all()))?;
        }
    }
    ensure(out.status("package::truth::build") == "ok", || out.all())?;
    ensure(out.status("package::truth::building-the-package-twice-gives-the-same-output") == "ok", || {
        out.all()
    })?;
    // Three shells, three evaluations, whatever the number of truths in each.
    ensure(nix.evaluations() == 3, || format!("{} evaluations, expected 3", nix.evaluations()))
}

/// Example 3, broken: a package whose output changes on every build.
fn example_three_shells_broken() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = Project::fixture("three-shells");
    let flake = std::fs::read_to_string(project.path("flake.nix"))?
        .replace("echo 'hello from the package' > $out", "echo build $RANDOM$RANDOM > $out");
    let out = nix.project(project.file("flake.nix", flake)).run(&[]);
    ensure(out.code == 101, || out.all())?;
    ensure(out.status("package::truth::build") == "ok", || out.all())?;
    let failed = out.failure("package::truth::building-the-package-twice-gives-the-same-output");
    ensure(
        failed.contains("✗ run exit status: expected exit 0, found exit 1")
            && failed.contains("may not be deterministic"),
        || failed.clone(),
    )
}

/// Example 1: Python, uv, ruff and cmake in a nix dev shell with the native libraries,
/// `uv sync` from a committed lock, and an import that loads libgomp.
fn example_python_ml() -> Result<(), Failed> {
    let nix = Nix::new();
    let out = nix.project(Project::fixture("python-ml")).run(&[]);
    all_passed(
        &out,
        &[
            "python-env::truth::nix-develop-gives-python-3-10-or-newer-uv-ruff-and-cmake",
            "python-env::truth::ld-library-path-holds-libstdc-libgomp-and-zlib",
            "python-env::truth::envrc-holds-use-flake",
            "python-env::truth::uv-sync",
            "python-env::truth::import-mlstack-loads-without-libgomp-errors",
            "python-env::truth::uv-lock-exists-and-is-tracked-by-git",
            "python-env::artifact::pyproject.toml",
            "python-env::key_link::pyproject.toml->uv.lock",
        ],
    )
}

/// Example 1, broken: the shell's LD_LIBRARY_PATH lost the libraries and uv.lock is not
/// committed.
fn example_python_ml_broken() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = Project::fixture("python-ml");
    let flake = std::fs::read_to_string(project.path("flake.nix"))?.replace(
        "LD_LIBRARY_PATH = \"/usr/lib/x86_64-linux-gnu\";",
        "LD_LIBRARY_PATH = \"/opt/nothing-here\";",
    );
    let project = nix.project(project.file("flake.nix", flake));
    git(project.root(), &["rm", "-q", "--cached", "uv.lock"]);
    let out = project.run(&[]);
    ensure(out.code == 101, || out.all())?;
    statuses(
        &out,
        &[
            ("python-env::truth::nix-develop-gives-python-3-10-or-newer-uv-ruff-and-cmake", "ok"),
            ("python-env::truth::ld-library-path-holds-libstdc-libgomp-and-zlib", "FAILED"),
            ("python-env::truth::envrc-holds-use-flake", "ok"),
            ("python-env::truth::uv-sync", "ok"),
            ("python-env::truth::uv-lock-exists-and-is-tracked-by-git", "FAILED"),
        ],
    )?;
    failure_says(
        &out,
        "python-env::truth::ld-library-path-holds-libstdc-libgomp-and-zlib",
        &[
            "✗ libs libgomp.so.1: expected in an LD_LIBRARY_PATH directory, found in none of the 1 LD_LIBRARY_PATH directories",
        ],
    )?;
    failure_says(
        &out,
        "python-env::truth::uv-lock-exists-and-is-tracked-by-git",
        &["error: pathspec 'uv.lock' did not match any file(s) known to git"],
    )
}

/// The flake.lock at `lock` with `input` locked as `nix flake lock` locks a `path:` input:
/// a narHash (kept, if the input had one), no revision.
fn path_input(lock: &Path, input: &str, path: &str) -> Result<String, Failed> {
    let mut lock: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(lock)?)?;
    let nar_hash = lock["nodes"][input]["locked"]["narHash"].as_str().unwrap_or("sha256-AAAA").to_string();
    lock["nodes"][input] = serde_json::json!({
        "locked": {"lastModified": 1795000000, "narHash": nar_hash, "path": path, "type": "path"},
        "original": {"path": path, "type": "path"}
    });
    lock["nodes"]["root"]["inputs"][input] = input.into();
    Ok(serde_json::to_string_pretty(&lock)?)
}

/// Asserts that exactly `names` ran, each passing.
fn all_passed(out: &support::Output, names: &[&str]) -> Result<(), Failed> {
    ensure(out.code == 0, || out.all())?;
    for name in names {
        ensure(out.status(name) == "ok", || format!("{name} did not pass:\n{}", out.all()))?;
    }
    let ran = out.stdout.lines().filter(|l| l.starts_with("test ") && l.contains(" ... ")).count();
    ensure(ran == names.len(), || format!("{ran} cases ran, expected {}:\n{}", names.len(), out.all()))
}

/// Asserts that the failure message of case `name` holds every one of `parts`.
fn failure_says(out: &support::Output, name: &str, parts: &[&str]) -> Result<(), Failed> {
    let failure = out.failure(name);
    match parts.iter().find(|part| !failure.contains(*part)) {
        Some(missing) => Err(format!("{name}: no `{missing}` in:\n{failure}").into()),
        None => Ok(()),
    }
}

/// Asserts the status (`ok`, `FAILED`) of each named case.
fn statuses(out: &support::Output, expected: &[(&str, &str)]) -> Result<(), Failed> {
    for (name, status) in expected {
        ensure(out.status(name) == *status, || format!("{name} is not {status}:\n{}", out.all()))?;
    }
    Ok(())
}

/// Example 5 with its virtualenv made by its own setup.sh (pip reaches PyPI).
fn debian_venv() -> Result<Project, Failed> {
    let project = Project::fixture("debian-venv");
    git(project.root(), &["init", "-q"]);
    let setup = Command::new(project.path("setup.sh")).output()?;
    ensure(setup.status.success(), || {
        format!("setup.sh failed:\n{}", String::from_utf8_lossy(&setup.stderr))
    })?;
    Ok(project)
}

/// Example 5: a Debian machine without Nix, its packages, virtualenv and requirements.
fn example_debian_venv() -> Result<(), Failed> {
    let out = debian_venv()?.run(&[]);
    all_passed(
        &out,
        &[
            "machine::truth::the-system-packages-python3-python3-venv-git-and-ca-certificates",
            "machine::truth::the-virtualenv-venv-provides-python-3-and-pip",
            "machine::truth::every-line-of-requirements-txt-pins-its-package-with",
            "machine::truth::import-reports-and-its-dependencies-load-in-the-virtualenv",
            "machine::truth::pip-check-finds-no-broken-requirements",
            "machine::artifact::setup.sh",
            "machine::key_link::setup.sh->requirements.txt",
        ],
    )
}

/// Example 5, broken: a requirement loosened to `>=` and `six` uninstalled behind pip's back.
fn example_debian_venv_broken() -> Result<(), Failed> {
    let project = debian_venv()?;
    let requirements = std::fs::read_to_string(project.path("requirements.txt"))?
        .replace("python-dateutil==2.9.0.post0", "python-dateutil>=2.8");
    let project = project.file("requirements.txt", requirements);
    let pip = Command::new(project.path(".venv/bin/pip")).args(["uninstall", "-q", "-y", "six"]).output()?;
    ensure(pip.status.success(), || String::from_utf8_lossy(&pip.stderr).into_owned())?;
    let out = project.run(&[]);
    ensure(out.code == 101, || out.all())?;
    statuses(
        &out,
        &[
            ("machine::truth::the-system-packages-python3-python3-venv-git-and-ca-certificates", "ok"),
            ("machine::truth::the-virtualenv-venv-provides-python-3-and-pip", "ok"),
            ("machine::truth::every-line-of-requirements-txt-pins-its-package-with", "FAILED"),
            ("machine::truth::import-reports-and-its-dependencies-load-in-the-virtualenv", "FAILED"),
            ("machine::truth::pip-check-finds-no-broken-requirements", "FAILED"),
        ],
    )?;
    failure_says(
        &out,
        "machine::truth::every-line-of-requirements-txt-pins-its-package-with",
        &["found line 2 `python-dateutil>=2.8` does not match"],
    )?;
    failure_says(
        &out,
        "machine::truth::import-reports-and-its-dependencies-load-in-the-virtualenv",
        &["✗ imports reports: expected imports, found ModuleNotFoundError: No module named 'six'"],
    )?;
    failure_says(
        &out,
        "machine::truth::pip-check-finds-no-broken-requirements",
        &["│ python-dateutil 2.9.0.post0 requires six, which is not installed."],
    )
}

/// Example 4: a nix-first policy over scripts, flake locks and where tools come from.
fn example_nix_first() -> Result<(), Failed> {
    let nix = Nix::new();
    let out = nix.project(Project::fixture("nix-first")).run(&[]);
    all_passed(
        &out,
        &[
            "policy::truth::every-shell-script-in-the-repository-runs-through-the-dev-shell",
            "policy::truth::every-flake-has-a-flake-lock-with-every-input-locked-to-a",
            "policy::truth::the-pure-dev-shell-gives-bash-python3-and-cmake-from-nix-store",
            "policy::truth::scripts-lint-sh-passes-in-the-pure-dev-shell",
            "policy::artifact::flake.nix",
            "policy::key_link::scripts/lint.sh->flake.nix",
        ],
    )
}

/// Example 4, broken: a script with a host shebang, a `path:` input in a lock, and cmake
/// dropped from the toolchain while the shell's PATH falls back to /usr/bin.
fn example_nix_first_broken() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = Project::fixture("nix-first").script("scripts/release.sh", "echo release");
    let lock = path_input(&project.path("deploy/flake.lock"), "shared", "/home/dev/shared")?;
    let flake = std::fs::read_to_string(project.path("flake.nix"))?
        .replace("python3 cmake\";", "python3\";")
        .replace(r#"PATH = "${toolchain}/bin";"#, r#"PATH = "${toolchain}/bin:/usr/bin:/bin";"#);
    let out = nix.project(project.file("deploy/flake.lock", lock).file("flake.nix", flake)).run(&[]);
    ensure(out.code == 101, || out.all())?;
    statuses(&out, &[("policy::truth::scripts-lint-sh-passes-in-the-pure-dev-shell", "ok")])?;
    failure_says(
        &out,
        "policy::truth::every-shell-script-in-the-repository-runs-through-the-dev-shell",
        &["✓ files scripts/lint.sh", "✗ files scripts/release.sh: expected exists, matches"],
    )?;
    failure_says(
        &out,
        "policy::truth::every-flake-has-a-flake-lock-with-every-input-locked-to-a",
        &[
            "✗ flake_lock deploy/flake.lock: expected a flake.lock locking every input to a revision, found `shared` (path:/home/dev/shared) is locked without a revision",
        ],
    )?;
    failure_says(
        &out,
        "policy::truth::the-pure-dev-shell-gives-bash-python3-and-cmake-from-nix-store",
        &[
            "✓ tools python3: expected version 3 from /nix/store, found 3.",
            "✗ tools cmake: expected on PATH from /nix/store, found /usr/bin/cmake (outside /nix/store)",
        ],
    )
}

/// Example 2, with the base flake's source in the store as if fetched from GitHub before:
/// the services lock `github:acme/platform` to a revision and its narHash, and nix uses a
/// store path with that hash without the network.
fn composed_flakes(nix: &Nix) -> Result<Project, Failed> {
    let project = Project::fixture("composed-flakes");
    let snapshot = tempfile::tempdir()?;
    let source = snapshot.path().join("source");
    std::fs::create_dir(&source)?;
    for file in ["flake.nix", "flake.lock"] {
        std::fs::copy(project.path(file), source.join(file))?;
    }
    let hash = Command::new("nix")
        .args(["--extra-experimental-features", "nix-command", "hash", "path"])
        .arg(&source)
        .output()?;
    let hash = String::from_utf8_lossy(&hash.stdout).trim().to_string();
    let locked = std::fs::read_to_string(project.path("api/flake.lock"))?;
    ensure(locked.contains(&format!("\"narHash\": \"{hash}\"")), || {
        format!("the base flake changed: set the base narHash in api/ and train/flake.lock to {hash}")
    })?;
    let added = Command::new("nix-store").arg("--add").arg(&source).output()?;
    ensure(added.status.success(), || String::from_utf8_lossy(&added.stderr).into_owned())?;
    Ok(nix.project(project))
}

/// Example 2: a base flake and service flakes in subdirectories taking it by GitHub URL.
fn example_composed_flakes() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = composed_flakes(&nix)?;
    let cases = [
        "base::truth::nix-develop-of-the-base-flake-gives-python3-from-its-python-env",
        "api::truth::nix-develop-dir-api-gives-the-api-service-python3-from-the-base",
        "train::truth::nix-develop-dir-train-gives-the-train-service-python3-from-the",
        "policy::truth::the-service-flakes-take-the-base-flake-by-its-github-url-never-a",
        "policy::truth::every-flake-lock-locks-its-inputs-to-a-revision",
        "api::artifact::flake.nix",
        "api::key_link::api/flake.nix->flake.nix",
    ];
    all_passed(&project.run(&[]), &cases)?;
    ensure(nix.evaluations() == 3, || format!("{} evaluations, expected one per flake", nix.evaluations()))?;
    all_passed(&project.run(&[]), &cases)?;
    ensure(nix.evaluations() == 3, || "a second run evaluated again".into())?;
    // A service's own lock decides its shell: changing it must not reuse a cached one. The
    // key covers every flake file of the repository, so all three shells evaluate again.
    let lock = std::fs::read_to_string(project.path("api/flake.lock"))?.replace("1795000000", "1795000001");
    let project = project.file("api/flake.lock", lock);
    all_passed(&project.run(&[]), &cases)?;
    ensure(nix.evaluations() == 6, || {
        format!("{} evaluations after api/flake.lock changed, expected 3 more", nix.evaluations())
    })
}

/// Example 2, broken: the train service takes the base by a `path:` input, locked without a
/// revision. Its shell still evaluates here (this store holds that content), which is why
/// the policy must catch it.
fn example_composed_flakes_broken() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = composed_flakes(&nix)?;
    let flake = std::fs::read_to_string(project.path("train/flake.nix"))?
        .replace("\"github:acme/platform\"", "\"path:/home/dev/platform\"");
    let lock = path_input(&project.path("train/flake.lock"), "base", "/home/dev/platform")?;
    let project = project.file("train/flake.nix", flake).file("train/flake.lock", lock);
    git(project.root(), &["add", "-A"]);
    let out = project.run(&[]);
    ensure(out.code == 101, || out.all())?;
    statuses(
        &out,
        &[
            ("base::truth::nix-develop-of-the-base-flake-gives-python3-from-its-python-env", "ok"),
            ("api::truth::nix-develop-dir-api-gives-the-api-service-python3-from-the-base", "ok"),
            ("train::truth::nix-develop-dir-train-gives-the-train-service-python3-from-the", "ok"),
            ("policy::truth::the-service-flakes-take-the-base-flake-by-its-github-url-never-a", "FAILED"),
            ("policy::truth::every-flake-lock-locks-its-inputs-to-a-revision", "FAILED"),
        ],
    )?;
    failure_says(
        &out,
        "policy::truth::the-service-flakes-take-the-base-flake-by-its-github-url-never-a",
        &[
            "✓ files api/flake.nix",
            "found contains `\"path:` in line `inputs.base.url = \"path:/home/dev/platform\";`",
        ],
    )?;
    failure_says(
        &out,
        "policy::truth::every-flake-lock-locks-its-inputs-to-a-revision",
        &[
            "✗ flake_lock train/flake.lock: expected a flake.lock locking every input to a revision, found `base` (path:/home/dev/platform) is locked without a revision",
        ],
    )
}
