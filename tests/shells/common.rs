//! What the shell tests share: offline nix with a call log, and small assertions.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use libtest_mimic::Failed;

use crate::support::{Project, git};

/// Holds the machine's nix store for one test at a time, across processes: builds of two
/// tests at once (or of two copies of the suite) fail at random with "SQLite database is
/// busy" and a builder killed by signal 9.
pub fn nix_store_lock() -> std::fs::File {
    let path = std::env::temp_dir().join("envtruth-tests-nix-store.lock");
    let file =
        std::fs::File::options().create(true).truncate(false).write(true).open(&path).expect("lock file");
    file.lock().expect("lock the nix store");
    file
}

pub fn which(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|dir| dir.join(program)).find(|p| p.is_file())
}

pub fn ensure(condition: bool, what: impl FnOnce() -> String) -> Result<(), Failed> {
    if condition { Ok(()) } else { Err(what().into()) }
}

/// Offline nix: a wrapper that logs every call, an empty registry, no substituters,
/// and a cache directory shared by the runs of one test.
pub struct Nix {
    pub dir: tempfile::TempDir,
}

impl Nix {
    pub fn new() -> Nix {
        let dir = tempfile::tempdir().expect("temp dir");
        let real = which("nix").expect("nix on PATH");
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).expect("mkdir");
        let wrapper = bin.join("nix");
        let log = dir.path().join("nix-calls.log");
        std::fs::write(
            &wrapper,
            format!("#!/bin/sh\necho \"$*\" >> '{}'\nexec '{}' \"$@\"\n", log.display(), real.display()),
        )
        .expect("wrapper");
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        std::fs::write(dir.path().join("registry.json"), r#"{"flakes":[],"version":2}"#).expect("registry");
        Nix { dir }
    }

    pub fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    /// The project with nix's offline settings, the wrapper first on PATH, and git
    /// tracking every file.
    pub fn project(&self, project: Project) -> Project {
        git(project.root(), &["init", "-q"]);
        git(project.root(), &["add", "-A"]);
        self.configure(project)
    }

    pub fn configure(&self, project: Project) -> Project {
        let config = format!(
            "experimental-features = nix-command flakes\nsandbox = false\nsubstituters =\nflake-registry = {}\n",
            self.dir.path().join("registry.json").display()
        );
        let path = format!(
            "{}:{}",
            self.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        project
            .env("NIX_CONFIG", config)
            .env("XDG_CACHE_HOME", self.cache().display().to_string())
            .env("PATH", path)
    }

    /// How many times `nix develop` ran so far.
    pub fn evaluations(&self) -> usize {
        let log = std::fs::read_to_string(self.dir.path().join("nix-calls.log")).unwrap_or_default();
        log.lines().filter(|line| line.split(' ').any(|word| word == "develop")).count()
    }
}
