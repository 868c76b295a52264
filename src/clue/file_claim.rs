//! What a truth says a project file holds, in the few shapes that say it exactly: a file
//! that exists or is gone, text in backticks it holds, a package it lists, the keys of a
//! JSON file, a module it imports, quoted text that no longer appears under a directory,
//! and wiring ("X imports Y") that one of the plan's own key links checks.

use std::sync::LazyLock;

use regex::Regex;

use super::plan_files::{Link, base_name};
use super::{Clue, FILE, regex};

/// A `files:` entry for one path or glob, and what it recognised.
#[derive(Debug, Clone, PartialEq)]
pub struct FileClaim {
    /// The path or glob, relative to the root.
    pub path: String,
    /// The entry's conditions, as JSON.
    pub spec: serde_json::Value,
    /// What was recognised, for the proposal's comment.
    pub what: String,
}

/// What `clue`'s truth says a file holds, when it says that exactly.
pub fn file_claim(clue: &Clue<'_>) -> Option<FileClaim> {
    let truth = clue.truth.trim();
    let claim = |file: &str, spec: serde_json::Value, what: &str| {
        let path = clue.files.resolve(file)?;
        Some(FileClaim { path, spec, what: format!("recognised: {what}") })
    };
    if let Some(c) = EXISTS.captures(truth) {
        let gone = !matches!(&c["verb"], "exists" | "is present");
        let what = if gone { "a file that must be gone" } else { "a file that must exist" };
        return claim(&c["file"], serde_json::json!({ "exists": !gone }), what);
    }
    if let Some(c) = HOLDS.captures(truth) {
        let key = if c.name("neg").is_some() { "excludes" } else { "contains" };
        return claim(&c["file"], serde_json::json!({ key: spans(&c["text"]) }), "a file's content");
    }
    if let Some(c) = LISTED.captures(truth) {
        let text = c["text"].trim_matches('`');
        return claim(&c["file"], serde_json::json!({ "contains": [text] }), "a file's content");
    }
    if let Some(c) = KEYS.captures(truth) {
        let keys: Vec<String> =
            AND_LIST.split(&c["keys"]).filter(|k| !k.is_empty()).map(|k| format!("\"{k}\"")).collect();
        return claim(&c["file"], serde_json::json!({ "contains": keys }), "the keys of a JSON file");
    }
    if let Some(c) = IMPORTS.captures(truth) {
        let module = regex::escape(&c["module"]);
        let pattern = match c["file"].ends_with(".py") {
            true => format!(r"^\s*(import|from)\s+{module}\b"),
            false => format!(r#"(from|import|require\()\s*['"]{module}['"]"#),
        };
        return claim(&c["file"], serde_json::json!({ "matches": [pattern] }), "a module the file imports");
    }
    if let Some(c) = GONE_UNDER.captures(truth) {
        let text = c["text"][1..c["text"].len() - 1].trim_end_matches("...").trim_end_matches('…').trim();
        let dir = c["dir"].trim_end_matches('/');
        if text.is_empty() || !crate::inside::stays_inside(dir) {
            return None;
        }
        return Some(FileClaim {
            path: format!("{dir}/**"),
            spec: serde_json::json!({ "excludes": [text] }),
            what: "recognised: text that must be gone from a directory".into(),
        });
    }
    linked(clue)
}

/// The plan's key link that checks the wiring the truth describes: the truth says its
/// file imports, calls or uses something, and names every word of the link's pattern, two
/// at least ("`app.tsx` imports from '../lib/shot'" and `from '\.\./lib/shot'`).
fn linked(clue: &Clue<'_>) -> Option<FileClaim> {
    let wiring = WIRING.captures(clue.truth.trim())?;
    let lower = clue.truth.to_lowercase();
    let names = |link: &Link| base_name(&link.from) == base_name(&wiring["file"]);
    clue.files.links.iter().filter(|link| names(link)).find_map(|link| {
        let path = clue.files.resolve(&link.from)?;
        let pattern = link.pattern.as_deref()?;
        // `files: matches` takes the regex crate's syntax; a pattern only fancy-regex reads stays the key link's.
        Regex::new(pattern).ok()?;
        let words = literal_words(pattern);
        (words.len() >= 2 && words.iter().all(|w| lower.contains(&w.to_lowercase()))).then(|| FileClaim {
            path,
            spec: serde_json::json!({ "matches": [pattern] }),
            what: format!("recognised: the plan's key link from {} to {}", link.from, link.to),
        })
    })
}

/// The words a regex matches literally, of three characters or more: `import \{ theme \}
/// from "@scope/pkg"` gives `import`, `theme`, `from`, `@scope/pkg`. None for a regex with
/// classes, groups or alternatives: the truth naming some of its words may claim more
/// than one match of it shows.
fn literal_words(pattern: &str) -> Vec<String> {
    if ESCAPED.replace_all(pattern, "").contains(['[', '(', '|', '{']) {
        return Vec::new();
    }
    let classes = CLASS_ESCAPE.replace_all(pattern, " ");
    let text = ESCAPED.replace_all(&classes, "$1");
    text.split(|c: char| c.is_whitespace() || "()|*+?^$[]{}\"'`,;:<>=".contains(c))
        .filter(|w| w.chars().filter(|c| c.is_alphanumeric()).count() >= 3)
        .map(str::to_string)
        .collect()
}

fn spans(text: &str) -> Vec<String> {
    text.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

static EXISTS: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"^(?i:(the )?(file )?){FILE} (?P<verb>exists|is present|(?i:no longer exists|is (deleted|removed)))\.?$"
    ))
});
static HOLDS: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"^(?i:(the )?(file )?){FILE} (?P<neg>(?i:does not |doesn't |no longer |never ))?(?i:contains?|holds?|includes?|has|lists?|declares?|defines?|sets?)( (?i:an?|the|a line|the line|an entry|a section( headed| titled)?|the key))?(?P<text> `[^`]+`(,? (?i:and )?`[^`]+`)*)( \([^()`]*\))?\.?$"
    ))
});
/// "`httpx` is listed in pyproject.toml", "pkg>=1.2 is declared in pyproject.toml dependencies".
static LISTED: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"^(?P<text>`[^`]+`|[\w@][\w@/.-]*(?:[<>=~^!]=?\s?[\w.*-]+)?) (?i:is (listed|declared|present|set|written|pinned)) in {FILE}(?i: (dependencies|devDependencies|dev-dependencies|requirements))?\.?$"
    ))
});
/// "package.json contains repository, bugs, and homepage fields".
static KEYS: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?i:the )?`?(?P<file>(?:[\w-][\w.-]*/)*[\w-][\w.-]*\.json)`? (?i:contains|has|includes|declares) (?i:the )?(?P<keys>[\w-]+(?:, [\w-]+)*,? (?i:and) [\w-]+) (?i:fields|keys|entries)\.?$",
    )
});
/// "storage.py imports uuid", "`app.ts` imports from '@scope/pkg'".
static IMPORTS: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r#"^{FILE} (?i:imports|now imports)(?: from)? ['"`]?(?P<module>[@\w][\w@./-]*?)['"`]?\.?$"#
    ))
});
/// "`app.tsx` imports theme from '@scope/ui'", "cli.py calls load_config()".
static WIRING: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"^{FILE} (?i:now )?(?i:imports|calls|uses|requires|references|re-exports|exports|registers|wires|mounts|reads|loads) "
    ))
});
/// "No 'from oldpkg' imports remain in src/newpkg/".
static GONE_UNDER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"^(?i:no) (?P<text>'[^']+'|"[^"]+"|`[^`]+`)(?: [\w-]+){0,2} (?i:remains?|is left|are left|appears?) (?i:in|under|anywhere in) `?(?P<dir>(?:[\w-][\w.-]*/)+)`?\.?$"#,
    )
});
static AND_LIST: LazyLock<Regex> = LazyLock::new(|| regex(r",?\s+(?:and\s+)?|,"));
static CLASS_ESCAPE: LazyLock<Regex> = LazyLock::new(|| regex(r"\\[a-zA-Z]"));
static ESCAPED: LazyLock<Regex> = LazyLock::new(|| regex(r"\\(.)"));

#[cfg(test)]
mod tests {
    use super::literal_words;

    #[test]
    fn a_patterns_literal_words_are_found() {
        assert_eq!(
            literal_words(r#"import \{ theme \} from "@scope/pkg""#),
            ["import", "theme", "from", "@scope/pkg"]
        );
        assert_eq!(literal_words(r"from '\.\./lib/shot'"), ["from", "../lib/shot"]);
        assert!(literal_words(r"\[x\] \*\*REQ-0[1234]\*\*").is_empty());
        assert!(literal_words(r"(foo|bar)Service").is_empty());
        assert_eq!(literal_words(r"name\s*=\s*.main"), ["name", ".main"]);
    }
}
