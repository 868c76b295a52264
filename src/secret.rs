//! Keeping secrets out of evidence.
//!
//! Evidence ends up in terminals, CI logs, JUnit files and committed sign-off reports, so
//! it never shows the value of a secret-like variable (when a probe reports a variable,
//! when a command echoes one, when a file holds one), a URL's password, a bearer token in
//! a command line, or a token whose shape says what it is (`ghp_…`, `sk_live_…`, `AKIA…`). Every outcome passes through [`Secrets::scrub_outcome`] before any
//! sink sees it.
//!
//! Secret-like (DESIGN.md §5): the name contains TOKEN, SECRET, PASSW or CREDENTIAL, or one
//! of its `_`-separated words is KEY, PAT, PASS, AUTH, COOKIE or SESSION (GITHUB_PAT and
//! DB_PASS yes, PATH no); well-known non-secrets stay visible; values under 4 characters
//! are never masked (they would mask ordinary words everywhere).

use std::collections::HashMap;
use std::ffi::OsString;
use std::sync::LazyLock;

use regex::Regex;

use crate::outcome::Outcome;

/// Parts of a name that make it secret-like wherever they appear.
const INSIDE: [&str; 4] = ["TOKEN", "SECRET", "PASSW", "CREDENTIAL"];
/// Words of a name (split at `_`) that make it secret-like.
const WORDS: [&str; 6] = ["KEY", "PAT", "PASS", "AUTH", "COOKIE", "SESSION"];

/// What is shown instead of a secret.
pub const MASK: &str = "***";

/// Whether a variable's name says it holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let allowed = upper == "SSH_AUTH_SOCK" || upper == "SESSION_MANAGER" || upper.starts_with("XDG_SESSION_");
    !allowed
        && (INSIDE.iter().any(|part| upper.contains(part))
            || upper.split('_').any(|word| WORDS.contains(&word)))
}

/// The secret values of an environment, to scrub from any text shown.
#[derive(Debug, Default, Clone)]
pub struct Secrets {
    values: Vec<String>,
}

impl Secrets {
    /// Collects the values of the secret-like variables of `env`.
    pub fn of(env: &HashMap<OsString, OsString>) -> Secrets {
        let values = env
            .iter()
            .filter(|(name, _)| is_secret_name(&name.to_string_lossy()))
            .map(|(_, value)| value.to_string_lossy().into_owned());
        Secrets::default().with(values)
    }

    /// These secrets and `more`.
    pub fn with(mut self, more: impl IntoIterator<Item = String>) -> Secrets {
        self.values.extend(more.into_iter().filter(|value| value.chars().count() >= 4));
        // Longest first, so a secret containing another is masked whole.
        self.values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        self.values.dedup();
        self
    }

    /// These secrets and `other`'s.
    pub fn and(self, other: &Secrets) -> Secrets {
        self.with(other.values.iter().cloned())
    }

    /// `text` with every secret value, URL password and bearer token replaced by [`MASK`].
    pub fn scrub(&self, text: &str) -> String {
        static USERINFO: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]+:)[^/\s@]+@").expect("constant regex")
        });
        static BEARER: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]{4,}").expect("constant regex")
        });
        // `API_KEY=abcd` or `token: "abcd"` in a file or an output, whatever the environment.
        static ASSIGNED: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r#"\b([A-Za-z_][A-Za-z0-9_]*)(\s*[=:]\s*["']?)([^\s"'`,;]{4,})"#)
                .expect("constant regex")
        });
        // Tokens whose shape says what they are, whatever they are called.
        static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(
                // No word boundaries: `xghp_…` and `ghp_…_2` hold one too.
                r"gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}|(sk|rk|pk)_(live|test)_[A-Za-z0-9]{16,}|sk-(proj-|ant-)?[A-Za-z0-9_-]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|glpat-[A-Za-z0-9_-]{20,}|AIza[0-9A-Za-z_-]{35}|npm_[A-Za-z0-9]{36}",
            )
            .expect("constant regex")
        });
        let text =
            self.values.iter().fold(text.to_string(), |acc, secret| acc.replace(secret.as_str(), MASK));
        let text = TOKEN.replace_all(&text, MASK);
        let text = USERINFO.replace_all(&text, format!("${{1}}{MASK}@"));
        let text = BEARER.replace_all(&text, format!("${{1}}${{2}}{MASK}"));
        ASSIGNED
            .replace_all(&text, |caps: &regex::Captures<'_>| {
                match is_secret_name(&caps[1]) && &caps[3] != MASK {
                    true => format!("{}{}{MASK}", &caps[1], &caps[2]),
                    false => caps[0].to_string(),
                }
            })
            .into_owned()
    }

    /// The outcome with every text a sink could show scrubbed.
    pub fn scrub_outcome(&self, mut outcome: Outcome) -> Outcome {
        for item in &mut outcome.findings.evidence {
            for text in [&mut item.item, &mut item.expected, &mut item.found] {
                *text = self.scrub(text);
            }
        }
        for command in &mut outcome.findings.commands {
            command.command = self.scrub(&command.command);
            for line in command.stdout_tail.iter_mut().chain(command.stderr_tail.iter_mut()) {
                *line = self.scrub(line);
            }
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_follow_the_rule_and_its_allow_list() {
        for secret in [
            "GITHUB_TOKEN",
            "aws_secret_access_key",
            "GITHUB_PAT",
            "DB_PASS",
            "PASSWD",
            "CREDENTIALS",
            "API_KEY",
            "SESSION",
            "AUTH_HEADER",
        ] {
            assert!(is_secret_name(secret), "{secret}");
        }
        for plain in
            ["PATH", "SSH_AUTH_SOCK", "XDG_SESSION_TYPE", "SESSION_MANAGER", "KEYBOARD", "PATCH", "HOME"]
        {
            assert!(!is_secret_name(plain), "{plain}");
        }
    }

    #[test]
    fn values_urls_and_bearer_tokens_are_masked() {
        let env = HashMap::from([
            (OsString::from("API_TOKEN"), OsString::from("hunter22")),
            (OsString::from("DB_PASS"), OsString::from("no")),
            (OsString::from("PATH"), OsString::from("/bin")),
        ]);
        let secrets = Secrets::of(&env);
        assert_eq!(secrets.scrub("token=hunter22 path=/bin no"), "token=*** path=/bin no");
        assert_eq!(secrets.scrub("postgres://app:s3cr3t@db/x"), "postgres://app:***@db/x");
        assert_eq!(
            secrets.scrub("curl -H \"Authorization: Bearer sk-live.abc\" x"),
            "curl -H \"Authorization: Bearer ***\" x"
        );
        assert_eq!(secrets.scrub("https://example.com/a:b@c"), "https://example.com/a:b@c");
        assert_eq!(
            secrets.scrub("export STRIPE_KEY=sk_live_abc; PATH=/usr/bin"),
            "export STRIPE_KEY=***; PATH=/usr/bin"
        );
        assert_eq!(
            secrets.scrub("password: \"pa55word\" and the token file"),
            "password: \"***\" and the token file"
        );
        // Known token shapes, under any name or none.
        let github = format!("ghp_{}", "a1B2".repeat(9));
        assert_eq!(secrets.scrub(&format!("cloned with {github} ok")), "cloned with *** ok");
        assert_eq!(secrets.scrub("key sk_live_abcdefghijklmnop1234 set"), "key *** set");
        assert_eq!(secrets.scrub("AKIAABCDEFGHIJKLMNOP"), "***");
        assert_eq!(secrets.scrub("ghp_short and sk_live_x stay"), "ghp_short and sk_live_x stay");
        assert_eq!(secrets.scrub(&format!("x{github}_2")), "x***_2");
    }
}
