//! Keeping secrets out of evidence.
//!
//! Evidence ends up in terminals, CI logs, JUnit files and committed sign-off reports,
//! so values of secret-like variables never appear in it: not when a probe reports a
//! variable, and not when a command echoes one into its output.

use std::collections::HashMap;
use std::ffi::OsString;

const MARKERS: [&str; 4] = ["TOKEN", "SECRET", "PASSWORD", "KEY"];

/// What is shown instead of a secret.
pub const MASK: &str = "***";

/// Whether a variable's name says it holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    MARKERS.iter().any(|marker| upper.contains(marker))
}

/// The secret values of an environment, to scrub from any text shown.
#[derive(Debug, Default, Clone)]
pub struct Secrets {
    values: Vec<String>,
}

impl Secrets {
    /// Collects the values of the secret-like variables of `env`.
    pub fn of(env: &HashMap<OsString, OsString>) -> Secrets {
        let mut values: Vec<String> = env
            .iter()
            .filter(|(name, _)| is_secret_name(&name.to_string_lossy()))
            .map(|(_, value)| value.to_string_lossy().into_owned())
            // Very short values ("1", "no") would mask ordinary words everywhere.
            .filter(|value| value.len() >= 4)
            .collect();
        // Longest first, so a secret containing another is masked whole.
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        values.dedup();
        Secrets { values }
    }

    /// `text` with every secret value replaced by [`MASK`].
    pub fn scrub(&self, text: &str) -> String {
        self.values.iter().fold(text.to_string(), |acc, secret| acc.replace(secret.as_str(), MASK))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_values() {
        assert!(is_secret_name("GITHUB_TOKEN"));
        assert!(is_secret_name("aws_secret_access_key"));
        assert!(!is_secret_name("PATH"));
        let env = HashMap::from([
            (OsString::from("API_TOKEN"), OsString::from("hunter22")),
            (OsString::from("PATH"), OsString::from("/bin")),
        ]);
        assert_eq!(Secrets::of(&env).scrub("token=hunter22 path=/bin"), "token=*** path=/bin");
    }
}
