//! What a shell does to the environment it starts in: the variables it sets or changes,
//! those it unsets, and a PATH-like variable as what it puts before and after the
//! starting value. That, never the host's own variables, is what a cache entry stores:
//! applied over the environment of the run that uses it, a rotated token or a changed
//! host PATH is the current one, and no host secret is ever written to disk.
//!
//! Values that name the checkout (a shellHook's `export PROJECT_ROOT=$PWD`) are stored
//! relative to it and rebased on load, so an entry is right at any path: another clone,
//! another CI runner.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;

use super::Vars;

/// Variables that name the capture's own session: nix develop points the temp variables
/// at a build directory it deletes on exit, and the working directory is the capture's.
/// Commands get the current values instead.
const SESSION: [&str; 7] = ["TMPDIR", "TEMPDIR", "TMP", "TEMP", "NIX_BUILD_TOP", "PWD", "OLDPWD"];

/// Stands for the project root inside stored values.
const ROOT: &[u8] = b"\x1aENVTRUTH_ROOT\x1a";

/// The change a shell makes to its starting environment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Delta {
    /// The shell's whole environment replaces the starting one (a pure nix shell).
    replaces: bool,
    changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Change {
    Set(OsString, OsString),
    /// The starting value with this before and after it (`PATH=/nix/..:$PATH`).
    Around(OsString, OsString, OsString),
    Unset(OsString),
}

impl Delta {
    /// What the shell that gave `shell`, started in `host`, changed. A pure shell's
    /// environment is all its own.
    pub fn between(host: &Vars, shell: &Vars, pure: bool) -> Delta {
        let session = |name: &OsStr| SESSION.iter().any(|s| OsStr::new(s) == name);
        let mut changes: Vec<Change> = Vec::new();
        for (name, value) in shell.iter().filter(|(name, _)| !session(name)) {
            match host.get(name) {
                Some(before) if before == value && !pure => {}
                Some(before) if !pure && !before.is_empty() => match around(before, value) {
                    Some((head, tail)) => changes.push(Change::Around(name.clone(), head, tail)),
                    None => changes.push(Change::Set(name.clone(), value.clone())),
                },
                _ => changes.push(Change::Set(name.clone(), value.clone())),
            }
        }
        if !pure {
            changes.extend(
                host.keys()
                    .filter(|name| !shell.contains_key(*name) && !session(name))
                    .map(|name| Change::Unset(name.clone())),
            );
        }
        changes.sort_by(|a, b| a.name().cmp(b.name()));
        Delta { replaces: pure, changes }
    }

    /// The environment of a command: `host` changed as the shell changes it; a pure shell's
    /// keeps only the host's session variables.
    pub fn apply(&self, host: &Vars, root: &Path) -> Vars {
        let mut vars: Vars = match self.replaces {
            true => host
                .iter()
                .filter(|(name, _)| SESSION.iter().any(|s| OsStr::new(s) == *name))
                .map(|(n, v)| (n.clone(), v.clone()))
                .collect(),
            false => host.clone(),
        };
        let rebase = |value: &OsString| rebased(value, root);
        for change in &self.changes {
            match change {
                Change::Set(name, value) => {
                    vars.insert(name.clone(), rebase(value));
                }
                Change::Around(name, head, tail) => {
                    let mut value = rebase(head);
                    value.push(vars.get(name).cloned().unwrap_or_default());
                    value.push(rebase(tail));
                    vars.insert(name.clone(), value);
                }
                Change::Unset(name) => {
                    vars.remove(name);
                }
            }
        }
        vars
    }

    /// Stored form: NUL-separated records, `!pure` or `!impure` first, then `NAME=VALUE`,
    /// `+NAME=HEAD\x1eTAIL` and `-NAME`, with the root's path written as a token.
    pub fn to_bytes(&self, root: &Path) -> Vec<u8> {
        let mut out = match self.replaces {
            true => b"!pure\0".to_vec(),
            false => b"!impure\0".to_vec(),
        };
        let relative = |value: &OsString| relative(value, root);
        for change in &self.changes {
            match change {
                Change::Set(name, value) => record(&mut out, b"", name, &[&relative(value)]),
                Change::Around(name, head, tail) => {
                    record(&mut out, b"+", name, &[&relative(head), &relative(tail)])
                }
                Change::Unset(name) => {
                    out.push(b'-');
                    out.extend_from_slice(name.as_bytes());
                    out.push(0);
                }
            }
        }
        out
    }

    /// Reads the stored form; None when it is not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Delta> {
        let mut entries = bytes.split(|b| *b == 0).filter(|e| !e.is_empty());
        let mut delta = match entries.next()? {
            b"!pure" => Delta { replaces: true, changes: Vec::new() },
            b"!impure" => Delta::default(),
            _ => return None,
        };
        for entry in entries {
            match entry {
                [b'-', name @ ..] => delta.changes.push(Change::Unset(os(name))),
                [b'+', rest @ ..] => {
                    let at = rest.iter().position(|b| *b == b'=')?;
                    let (head, tail) =
                        rest[at + 1..].split_at(rest[at + 1..].iter().position(|b| *b == 0x1e)?);
                    delta.changes.push(Change::Around(os(&rest[..at]), os(head), os(&tail[1..])));
                }
                _ => {
                    let at = entry.iter().position(|b| *b == b'=')?;
                    delta.changes.push(Change::Set(os(&entry[..at]), os(&entry[at + 1..])));
                }
            }
        }
        Some(delta)
    }
}

impl Change {
    fn name(&self) -> &OsString {
        match self {
            Change::Set(name, _) | Change::Around(name, _, _) | Change::Unset(name) => name,
        }
    }
}

fn record(out: &mut Vec<u8>, mark: &[u8], name: &OsStr, values: &[&[u8]]) {
    out.extend_from_slice(mark);
    out.extend_from_slice(name.as_bytes());
    out.push(b'=');
    out.extend_from_slice(&values.join(&0x1e));
    out.push(0);
}

fn os(bytes: &[u8]) -> OsString {
    OsString::from_vec(bytes.to_vec())
}

/// `(head, tail)` when `value` is `head` + `before` + `tail` with `before` between `:`s.
fn around(before: &OsStr, value: &OsStr) -> Option<(OsString, OsString)> {
    let (before, value) = (before.as_bytes(), value.as_bytes());
    let at = value.windows(before.len()).position(|w| w == before)?;
    let (head, tail) = (&value[..at], &value[at + before.len()..]);
    let bounded = (head.is_empty() || head.ends_with(b":")) && (tail.is_empty() || tail.starts_with(b":"));
    bounded.then(|| (os(head), os(tail)))
}

/// `value` with the root's path written as a token.
fn relative(value: &OsStr, root: &Path) -> Vec<u8> {
    replace(value.as_bytes(), root.as_os_str().as_bytes(), ROOT)
}

/// `value` with the token written as the root's path.
fn rebased(value: &OsStr, root: &Path) -> OsString {
    os(&replace(value.as_bytes(), ROOT, root.as_os_str().as_bytes()))
}

fn replace(text: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    if from.is_empty() || from == b"/" {
        return text.to_vec();
    }
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.windows(from.len()).position(|w| w == from) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(to);
        rest = &rest[at + from.len()..];
    }
    out.extend_from_slice(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vars {
        pairs.iter().map(|(n, v)| (OsString::from(n), OsString::from(v))).collect()
    }

    #[test]
    fn only_what_the_shell_changes_is_kept_and_applied_over_the_current_environment() {
        let host = vars(&[
            ("PATH", "/usr/bin:/bin"),
            ("API_TOKEN", "old-token"),
            ("HOSTVAR", "x"),
            ("GONE", "y"),
            ("TMPDIR", "/tmp"),
        ]);
        let shell = vars(&[
            ("PATH", "/nix/store/abc/bin:/usr/bin:/bin:/extra"),
            ("API_TOKEN", "old-token"),
            ("HOSTVAR", "x"),
            ("FROM_HOOK", "/work/clone-a/data"),
            ("TMPDIR", "/tmp/nix-shell.1"),
        ]);
        let root = Path::new("/work/clone-a");
        let delta = Delta::between(&host, &shell, false);
        let stored = delta.to_bytes(root);
        assert!(!stored.windows(9).any(|w| w == b"old-token"), "a host secret was stored");
        assert!(!stored.windows(7).any(|w| w == b"HOSTVAR"));
        let back = Delta::from_bytes(&stored).unwrap();
        // A later run, in another clone, with a rotated token and another host PATH.
        let later = vars(&[
            ("PATH", "/opt/bin:/usr/bin"),
            ("API_TOKEN", "new-token"),
            ("HOSTVAR", "z"),
            ("TMPDIR", "/tmp/x"),
        ]);
        let applied = back.apply(&later, Path::new("/work/clone-b"));
        let get = |name: &str| applied.get(OsStr::new(name)).map(|v| v.to_string_lossy().into_owned());
        assert_eq!(get("PATH").as_deref(), Some("/nix/store/abc/bin:/opt/bin:/usr/bin:/extra"));
        assert_eq!(get("API_TOKEN").as_deref(), Some("new-token"));
        assert_eq!(get("HOSTVAR").as_deref(), Some("z"));
        assert_eq!(get("FROM_HOOK").as_deref(), Some("/work/clone-b/data"));
        assert_eq!(get("TMPDIR").as_deref(), Some("/tmp/x"));
        assert_eq!(get("GONE"), None);
    }

    #[test]
    fn a_pure_shell_replaces_the_environment() {
        let host = vars(&[("PATH", "/usr/bin"), ("HOSTVAR", "x"), ("TMPDIR", "/tmp")]);
        let shell = vars(&[("PATH", "/nix/store/abc/bin"), ("HOME", "/root")]);
        let delta =
            Delta::from_bytes(&Delta::between(&host, &shell, true).to_bytes(Path::new("/r"))).unwrap();
        let applied = delta.apply(&host, Path::new("/r"));
        assert_eq!(applied, vars(&[("PATH", "/nix/store/abc/bin"), ("HOME", "/root"), ("TMPDIR", "/tmp")]));
    }
}
