//! What a truth says a project file holds, in the few shapes that say it exactly: a file
//! that exists or is gone, text in backticks it holds, a package it lists, the keys of a
//! JSON file, what it imports, quoted text that no longer appears under a directory,
//! and wiring ("X imports Y") that one of the plan's own key links checks.

use std::sync::LazyLock;

use regex::Regex;

use super::plan_files::{Link, base_name, literal_key};
use super::{Clue, FILE, NEGATION, regex};

/// A `files:` entry for one path or glob, and what it recognised.
#[derive(Debug, Clone)]
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
    let (path, spec, what) = claimed(clue)?;
    // Written so that it names that path alone, and never a path a link leads out of.
    let (file, key) = match path.strip_suffix("/**") {
        Some(dir) => (dir, format!("{}/**", literal_key(dir))),
        None => (path.as_str(), literal_key(&path)),
    };
    if clue.project.leads_outside(file) {
        return None;
    }
    Some(FileClaim { path: key, spec, what })
}

/// The path (a directory's ending in `/**`), the conditions and what was recognised.
fn claimed(clue: &Clue<'_>) -> Option<(String, serde_json::Value, String)> {
    let truth = clue.truth.trim();
    let claim = |file: &str, spec: serde_json::Value, what: &str| {
        Some((clue.files.resolve(file)?, spec, format!("recognised: {what}")))
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
        let file = &c["file"];
        // A section named is checked in package.json; elsewhere no regex tells tables apart.
        let spec = match c.name("section").map(|s| s.as_str().to_lowercase()) {
            None => listed(c["text"].trim_matches('`'), file),
            // pyproject.toml's `[project]` array; its other sections are tables no regex reads.
            Some(section) if section == "dependencies" && file.ends_with("pyproject.toml") => {
                let (_, entry, _) = requirement(c["text"].trim_matches('`'));
                // Within `[project]` (lines up to the next table), an entry of its array: at a
                // line's start, or after `[` or `,`, never in a comment.
                let within = r"(?m)^\[project\][^\n]*\n(?:(?:[^\[\n][^\n]*)?\n)*?dependencies\s*=\s*\[";
                // A comment and a quoted string (`"uvicorn[standard]"`) are passed over whole.
                let items = r#"(?:[^\]#"']|"[^"\n]*"|'[^'\n]*'|#[^\n]*\n)*?"#;
                serde_json::json!({ "matches": [format!(r#"{within}{items}(?:\[|,|\n)\s*["']{entry}"#)] })
            }
            Some(_) if !file.ends_with("package.json") => return None,
            Some(section) => {
                let sections = if section.starts_with("dev") { "devDependencies" } else { "dependencies" };
                let (name, version) = package_version(c["text"].trim_matches('`'));
                serde_json::json!({ "matches": [json_entry(sections, name, version)] })
            }
        };
        return claim(file, spec, "a package the file lists");
    }
    if let Some(c) = DEPENDS.captures(truth) {
        return depends(clue, &c);
    }
    if let Some(c) = KEYS.captures(truth) {
        let keys: Vec<String> =
            AND_LIST.split(&c["keys"]).filter(|k| !k.is_empty()).map(|k| format!("\"{k}\"")).collect();
        return claim(&c["file"], serde_json::json!({ "contains": keys }), "the keys of a JSON file");
    }
    if let Some(c) = IMPORTS.captures(truth) {
        let pattern = imports(&c["module"], c["file"].ends_with(".py"));
        return claim(&c["file"], serde_json::json!({ "matches": [pattern] }), "what the file imports");
    }
    if let Some(c) = GONE_UNDER.captures(truth) {
        let text = c["text"][1..c["text"].len() - 1].trim_end_matches("...").trim_end_matches('…').trim();
        let dir = clue.files.resolve(c["dir"].trim_end_matches('/'))?;
        let spec = serde_json::json!({ "excludes": [text] });
        return (!text.is_empty()).then(|| {
            (format!("{dir}/**"), spec, "recognised: text that must be gone from a directory".into())
        });
    }
    linked(clue)
}

/// The conditions for "`package` is listed in `file`": the name as a whole entry (never
/// inside `requests-mock` or `[tool.pytest]`), and its version constraint when given.
fn listed(text: &str, file: &str) -> serde_json::Value {
    if file.ends_with(".json") {
        let (name, version) = package_version(text);
        return serde_json::json!({ "matches": [json_entry(JSON_SECTIONS, name, version)] });
    }
    let (name, requirement, bare) = requirement(text);
    // An entry, never `name = "x"` or a comment: a quoted string starting a line or after
    // `[`/`,` (pyproject.toml), a key of a table (Cargo.toml, Poetry: `serde = {...}`,
    // `serde.workspace = true`), or a line's start (requirements).
    let pattern = match (file.ends_with(".toml"), bare) {
        (true, true) => format!(r#"(^\s*|[\[,]\s*)["']{requirement}|^\s*{name}\s*(=|\.\w)"#),
        (true, false) => format!(r#"(^\s*|[\[,]\s*)["']{requirement}"#),
        (false, _) => format!(r"^\s*{requirement}"),
    };
    serde_json::json!({ "matches": [pattern] })
}

/// A Python requirement (`httpx>=0.27,<1`) as a regex, its name's, and whether it has no
/// constraint: the name ignores case, and `-`, `_` and `.` in it are one; each part of the
/// constraint follows in turn, spaces around them free, and no more digits after.
fn requirement(text: &str) -> (String, String, bool) {
    let (text_name, constraint) = match text.find(['<', '>', '=', '~', '^', '!']) {
        Some(at) => (text[..at].trim(), Some(text[at..].trim())),
        None => (text, None),
    };
    let name =
        format!("(?i:{})", regex::escape(text_name).replace(['-', '_'], "[-_.]").replace(r"\.", "[-_.]"));
    let requirement = match constraint {
        None => format!(r#"{name}\s*(["'<>=!~;\[,@]|$)"#),
        Some(constraint) => {
            let parts: Vec<String> = constraint
                .split(',')
                .map(|part| {
                    let part = part.trim();
                    let operator: String = part.chars().take_while(|c| "<>=~^!".contains(*c)).collect();
                    format!(
                        r"{}\s*{}",
                        regex::escape(&operator),
                        regex::escape(part[operator.len()..].trim())
                    )
                })
                .collect();
            format!(r#"{name}\s*{}(["'\s,;\]]|$)"#, parts.join(r"\s*,\s*"))
        }
    };
    (name, requirement, constraint.is_none())
}

/// `react@^18` as npm writes it: the name and the version; a scope's `@` (`@types/node`)
/// starts the name.
fn package_version(text: &str) -> (&str, Option<&str>) {
    match text.char_indices().skip(1).find(|(_, c)| *c == '@') {
        Some((at, _)) => (text[..at].trim(), Some(text[at + 1..].trim())),
        None => (text, None),
    }
}

/// "zod is a direct dependency at ^3.25.76", "a and b are installed in web/
/// devDependencies": an entry of the dependencies (or only the dev ones) of the package.json
/// the plan changes, or of a directory's. A pyproject.toml or Cargo.toml lists packages in
/// other tables too (build requirements, features, tool settings), which no regex tells apart.
fn depends(clue: &Clue<'_>, c: &regex::Captures<'_>) -> Option<(String, serde_json::Value, String)> {
    let manifest = match c.name("dir") {
        Some(dir) => format!("{}/package.json", dir.as_str().trim_end_matches('/')),
        None => clue.files.manifest()?.to_string(),
    };
    if !manifest.ends_with("package.json") {
        return None;
    }
    let version = c.name("version").map(|v| v.as_str());
    let kind =
        c.name("kind").or(c.name("noun")).or(c.name("section")).map(|k| k.as_str().trim().to_lowercase());
    let sections = match kind {
        Some(kind) if kind.starts_with("dev") => "devDependencies",
        Some(kind) if kind == "runtime" || kind == "dependencies" && c.name("section").is_some() => {
            "dependencies"
        }
        _ => "(?:dependencies|devDependencies)",
    };
    let written: Vec<&str> = AND_LIST.split(&c["names"]).filter(|n| !n.is_empty()).collect();
    // "Redis is a dependency" may mean a service; a package is named as written, in
    // backticks or lower case, unless its version is given.
    if version.is_none() && written.iter().any(|n| !n.starts_with('`') && n.chars().any(char::is_uppercase)) {
        return None;
    }
    if version.is_some() && written.len() != 1 {
        return None;
    }
    let patterns: Vec<String> =
        written.iter().map(|name| json_entry(sections, name.trim_matches('`'), version)).collect();
    let spec = serde_json::json!({ "matches": patterns });
    Some((clue.files.resolve(&manifest)?, spec, "recognised: packages the manifest lists".into()))
}

/// The regex for `name` (at `version`) as a key of one of package.json's top-level
/// `sections` objects. Those hold no braces, so the entries end at the first one, and a key
/// of another object (`"jest": {...}`, `engines`, `overrides`) is none. Top-level is a line
/// indented once as npm writes it (two spaces, or a tab), so that `dependencies` nested in
/// `pnpm.packageExtensions` or `config` is none either; a package.json on one line, or
/// indented four, fails the check, which says so, rather than passing on a nested entry. npm's names are compared without
/// case ("Zod", `JSONStream`).
fn json_entry(sections: &str, name: &str, version: Option<&str>) -> String {
    let value = version.map_or(String::new(), |v| format!(r#"\s*"{}""#, regex::escape(v)));
    format!(r#"(?m)^(?:\t|  |\{{\s*)"{sections}"\s*:\s*\{{[^{{}}]*"(?i:{})"\s*:{value}"#, regex::escape(name))
}

/// The regex for "`file` imports `name`": a Python `import name` (in a list too), `from name
/// import`, or `from m import name`; a JavaScript or TypeScript import or require of the
/// module `name`, or of the binding `name` when it is an identifier.
fn imports(name: &str, python: bool) -> String {
    let n = regex::escape(name);
    if python {
        return format!(
            r"^\s*(import\s+([\w.]+(\s+as\s+\w+)?\s*,\s*)*{n}\b|from\s+{n}(\.[\w.]+)?\s+import\b|from\s+[\w.]+\s+import\s+\(?\s*(\w+(\s+as\s+\w+)?\s*,\s*)*{n}\b)"
        );
    }
    // A statement's start, never a comment's or a string's: `import`/`export ... from`, the
    // `} from` closing a long import, `import(`, or a line that is no comment calling `require(`.
    let module = format!(
        r#"^\s*((import|export)\b[^'"]*\bfrom\s*|\}}\s*from\s*|import\s*\(?\s*)['"]{n}['"]|^\s*[^/*\s].*\b(require|import)\(\s*['"]{n}['"]\s*\)"#
    );
    let binding = r"[\s,{]";
    match IDENTIFIER.is_match(name) {
        true => format!(
            r"{module}|^\s*import\s+(type\s+)?(([\w$]+\s*,\s*)?\{{([^}}]*{binding})?{n}({binding}|\}})|{n}(\s*,|\s+from\b)|\*\s+as\s+{n}\s+from\b)"
        ),
        false => module,
    }
}

/// The plan's key link that checks the wiring the truth describes: the truth says its
/// file imports, calls or uses something, says nothing else (no negation but a closing
/// "not Y" it checks too, no second claim), and names, word for word, every word of the
/// link's pattern, one at least beside `import` and `from` ("`app.tsx` imports from
/// '../lib/shot'" and `from '\.\./lib/shot'`).
fn linked(clue: &Clue<'_>) -> Option<(String, serde_json::Value, String)> {
    let truth = clue.truth.trim();
    let wiring = WIRING.captures(truth)?;
    let not = NOT_TAIL.captures(truth);
    let claim = not.as_ref().map_or(truth, |c| &truth[..c.get(0).map_or(truth.len(), |m| m.start())]);
    if NEGATION.is_match(claim) || SECOND_CLAIM.is_match(claim) || QUALIFIED.is_match(claim) {
        return None;
    }
    let tokens: Vec<String> = claim
        .split_whitespace()
        .map(|t| t.trim_matches(|c: char| "'\"`(),;:".contains(c)).trim_end_matches('.').to_lowercase())
        .collect();
    let names = |link: &Link| base_name(&link.from) == base_name(&wiring["file"]);
    clue.files.links.iter().filter(|link| names(link)).find_map(|link| {
        let pattern = link.pattern.as_deref()?;
        let words = literal_words(pattern);
        let named: Vec<&String> =
            words.iter().filter(|w| !SYNTAX.contains(&w.to_lowercase().as_str())).collect();
        if words.len() < 2 || named.is_empty() || !named.iter().all(|w| tokens.contains(&w.to_lowercase())) {
            return None;
        }
        // `files: matches` takes the regex crate's syntax, compiled once per link.
        if !link.compiles() {
            return None;
        }
        let gone = not.as_ref().and_then(|c| c.name("path").or(c.name("word")));
        // "(not yet)", "(not anymore)" say when, not what.
        if gone.is_some_and(|g| NOT_WHAT.contains(&g.as_str().to_lowercase().as_str())) {
            return None;
        }
        let spec = match gone {
            Some(gone) => serde_json::json!({ "matches": [pattern], "excludes": [gone.as_str()] }),
            None => serde_json::json!({ "matches": [pattern] }),
        };
        let what = format!("recognised: the plan's key link from {} to {}", link.from, link.to);
        Some((clue.files.resolve(&link.from)?, spec, what))
    })
}

/// The words of import syntax: a truth says "imports", not the words themselves.
const SYNTAX: &[&str] = &["import", "from", "require", "use", "export", "mod", "include"];

/// The words a regex matches literally, of three characters or more: `import \{ theme \}
/// from "@scope/pkg"` gives `import`, `theme`, `from`, `@scope/pkg`. None for a regex with
/// classes, groups, alternatives or counts: the truth naming some of its words may claim
/// more than one match of it shows.
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
        r"^(?P<text>`[^`]+`|[\w@][\w@/.-]*(?:[<>=~^!]=?\s?[\w.*-]+)?) (?i:is (listed|declared|present|set|written|pinned)) in {FILE}(?i: (?P<section>dependencies|devDependencies|dev-dependencies|requirements))?\.?$"
    ))
});
/// "zod is a direct dependency at ^3.25.76", "a and b are installed in web/ devDependencies".
static DEPENDS: LazyLock<Regex> = LazyLock::new(|| {
    let name = r"`?[@\w][\w@/.-]*`?";
    regex(&format!(
        r"^(?P<names>{name}(?:(?:,? and |, ){name})*) (?i:(?:is|are) (?:(?:(?:a|an) )?(?P<kind>direct |runtime |dev |development |dev-)?(?P<noun>dependency|dependencies|devDependency|devDependencies|dev-dependency|dev-dependencies)(?: at (?P<version>[\^~]?\d+\.\d[\w.-]*?))?|(?:installed|listed|declared|added) in (?:`?(?P<dir>(?:[\w-][\w.-]*/)+)`? )?(?P<section>dependencies|devDependencies)))\.?$"
    ))
});
/// The objects of package.json that list packages.
const JSON_SECTIONS: &str = "(?:dependencies|devDependencies|peerDependencies|optionalDependencies)";
/// "package.json contains repository, bugs, and homepage fields".
static KEYS: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?i:the )?`?(?P<file>(?:[\w-][\w.-]*/)*[\w-][\w.-]*\.json)`? (?i:contains|has|includes|declares) (?i:the )?(?P<keys>[\w-]+(?:, [\w-]+)*,? (?i:and) [\w-]+) (?i:fields|keys|entries)\.?$",
    )
});
/// "storage.py imports uuid", "`app.ts` imports from '@scope/pkg'".
static IMPORTS: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r#"^{FILE} (?i:imports|now imports)(?: from)? ['"`]?(?P<module>(?:\.\.?/)*[@\w][\w@./-]*?)['"`]?\.?$"#
    ))
});
/// "`app.tsx` imports theme from '@scope/ui'", "cli.py calls load_config()".
static WIRING: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"^{FILE} (?i:now )?(?i:imports|calls|uses|requires|references|re-exports|exports|registers|wires|mounts|reads|loads) "
    ))
});
/// A closing "not" naming a relative path or, in parentheses, one word.
static NOT_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(?:,\s*not\s+(?:raw\s+|from\s+)?(?P<path>\.\.?/[\w./@-]+)(?:\s+paths?|\s+imports?)?|\(not\s+(?P<word>[\w.-]+)\))\s*\.?$",
    )
});
/// "No 'from oldpkg' imports remain in src/newpkg/".
static GONE_UNDER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"^(?i:no) (?P<text>'[^']+'|"[^"]+"|`[^`]+`)(?: [\w-]+){0,2} (?i:remains?|is left|are left|appears?) (?i:in|under|anywhere in) `?(?P<dir>(?:[\w-][\w.-]*/)+)`?\.?$"#,
    )
});
static IDENTIFIER: LazyLock<Regex> = LazyLock::new(|| regex(r"^[A-Za-z_$][\w$]*$"));
/// A second claim beside the wiring: "... and calls it at startup", "...; X is gone", "&
/// calls it", ", calls it", "+ calls it", ". It calls it".
static SECOND_CLAIM: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\s(and|but|or|then|while|so)\s|[;,&+]|[.!?]\s+\S"));
/// Words that say where, when or how often, which one match of a pattern does not show.
static QUALIFIED: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(nowhere|everywhere|place|replacing|replaces|unless|only|twice|thrice|once|times|when|if|conditionally|lazily|instead|except|first|last|before|after)\b",
    )
});
/// What "(not X)" may name that is no text to exclude.
const NOT_WHAT: &[&str] = &[
    "yet", "anymore", "always", "ever", "now", "here", "there", "again", "only", "really", "needed",
    "required", "used", "all",
];
static AND_LIST: LazyLock<Regex> = LazyLock::new(|| regex(r",?\s+(?:and\s+)?|,"));
static CLASS_ESCAPE: LazyLock<Regex> = LazyLock::new(|| regex(r"\\[a-zA-Z]"));
static ESCAPED: LazyLock<Regex> = LazyLock::new(|| regex(r"\\(.)"));

#[cfg(test)]
mod tests {
    use regex::Regex;

    use super::{file_claim, imports, listed, literal_words};
    use crate::clue::plan_files::{Link, PlanFiles};
    use crate::clue::{Clue, Project};

    fn matches(pattern: &str, text: &str) -> bool {
        Regex::new(pattern).unwrap().is_match(text)
    }

    #[test]
    fn imports_are_found_however_they_are_written() {
        let python = |name| imports(name, true);
        for line in ["import uuid", "import os, uuid", "import os, uuid as u", "from uuid import uuid4"] {
            assert!(matches(&python("uuid"), line), "{line}");
        }
        assert!(matches(&python("uuid4"), "from uuid import uuid4"));
        assert!(matches(&python("uuid4"), "from uuid import (UUID, uuid4)"));
        assert!(!matches(&python("uuid"), "import uuidx"));
        let script = |name| imports(name, false);
        assert!(matches(&script("React"), "import React from 'react'"));
        assert!(matches(&script("useState"), "import { useState, useEffect } from 'react'"));
        assert!(matches(&script("@/lib/db"), r#"import { db } from "@/lib/db";"#));
        assert!(matches(&script("@/lib/db"), r#"const db = require("@/lib/db")"#));
        assert!(!matches(&script("@/lib/db"), r#"import { db } from "@/lib/dbx""#));
        assert!(matches(&script("react"), "} from 'react';"));
        assert!(matches(&script("./settings"), "import { load } from './settings';"));
        assert!(!matches(&script("./settings"), "import { load } from './settings2';"));
        for line in [
            "// import React from 'react'",
            "const s = 'import React'",
            "import { React$ } from 'x'",
            "import React$x from 'x'",
            "// require('React')",
        ] {
            assert!(!matches(&script("React"), line), "{line}");
        }
    }

    #[test]
    fn a_listed_package_is_a_whole_entry() {
        let pattern = |text, file| listed(text, file)["matches"][0].as_str().unwrap().to_string();
        let pytest = pattern("pytest", "pyproject.toml");
        assert!(matches(&pytest, r#"dev = ["pytest>=8", "ruff"]"#));
        assert!(!matches(&pytest, "[tool.pytest.ini_options]"));
        assert!(!matches(&pytest, r#"dev = ["pytest-cov"]"#));
        assert!(!matches(&pattern("requests", "pyproject.toml"), r#"dependencies = ["requests-mock"]"#));
        assert!(matches(&pattern("gffutils>=0.13", "pyproject.toml"), r#"  "gffutils >= 0.13","#));
        assert!(!matches(&pattern("gffutils>=0.13", "pyproject.toml"), r#"  "gffutils>=0.12","#));
        // package.json: a key of a dependencies object, never of another one.
        let deps =
            |entry: &str| format!("{{\n  \"name\": \"x\",\n  \"dependencies\": {{\n    {entry}\n  }}\n}}");
        let multi = |pattern: &str, text: &str| Regex::new(pattern).unwrap().is_match(text);
        assert!(multi(&pattern("react", "package.json"), &deps(r#""react": "^18.2.0","#)));
        assert!(multi(&pattern("react@^18.2.0", "package.json"), &deps(r#""react": "^18.2.0","#)));
        assert!(multi(&pattern("@types/node", "package.json"), &deps(r#""@types/node": "^20""#)));
        assert!(multi(&pattern("JSONStream", "package.json"), &deps(r#""JSONStream": "^1""#)));
        assert!(!multi(
            &pattern("jest", "package.json"),
            r#"{"jest": {"testEnvironment": "node"}, "dependencies": {"vitest": "1"}}"#
        ));
        assert!(!multi(&pattern("node", "package.json"), r#"{"engines": {"node": ">=18"}}"#));
        assert!(!matches(&pattern("requests", "pyproject.toml"), r#"name = "requests""#));
        assert!(!matches(&pattern("requests", "pyproject.toml"), "# requests"));
        assert!(!matches(&pattern("requests>=2.31", "pyproject.toml"), r#"  "requests>=2.310","#));
        assert!(matches(&pattern("requests>=2.31,<3", "pyproject.toml"), r#"  "requests >= 2.31, <3","#));
        assert!(matches(&pattern("requests", "requirements.txt"), "requests==2.32.3"));
        assert!(!matches(&pattern("requests", "requirements.txt"), "requests-mock"));
        assert!(matches(&pattern("django", "requirements.txt"), "Django>=4.2"));
        assert!(matches(&pattern("ruamel.yaml", "requirements.txt"), "ruamel-yaml==0.18"));
        assert!(matches(
            &pattern("serde", "Cargo.toml"),
            r#"serde = { version = "1", features = ["derive"] }"#
        ));
        assert!(matches(&pattern("tokio", "Cargo.toml"), r#"tokio = "1.36""#));
        assert!(matches(&pattern("insta", "Cargo.toml"), "insta.workspace = true"));
        assert!(matches(&pattern("fastapi", "pyproject.toml"), r#"fastapi = "^0.110""#));
        assert!(!matches(&pattern("requests", "pyproject.toml"), r#"name = "requests""#));
        assert!(!multi(&pattern("react", "package.json"), &deps(r#""react-dom": "^18.2.0""#)));
    }

    #[test]
    fn wiring_takes_the_key_link_only_for_a_plain_positive_claim() {
        let link = Link::new(
            "src/app/cli.py".into(),
            "src/app/settings.py".into(),
            Some(r"from app\.settings import load".into()),
        );
        let files = PlanFiles::new(["src/app/[id]/cli.py".to_string()], vec![link]);
        let project = Project::default();
        let claim = |truth| {
            let clue =
                Clue { truth, plan: &[], runners: &[], elsewhere: &[], files: &files, project: &project };
            file_claim(&clue).map(|c| (c.path, c.spec.to_string()))
        };
        assert_eq!(
            claim("cli.py imports load from app.settings (not oldsettings)"),
            Some((
                "src/app/cli.py".into(),
                r#"{"excludes":["oldsettings"],"matches":["from app\\.settings import load"]}"#.into()
            ))
        );
        for truth in [
            "cli.py imports load from app.config instead of app.settings",
            "cli.py no longer imports load from app.settings",
            "cli.py imports load from app.settings and calls it at startup",
            "cli.py imports load from app.settings1",
            "cli.py imports load from app.settings & calls it",
            "cli.py imports load from app.settings, calls it",
            "cli.py imports load from app.settings. It calls it.",
            "cli.py imports load from app.settings only in tests",
            "cli.py imports load from app.settings in place of oldsettings",
            "cli.py imports load from app.settings (not yet)",
        ] {
            assert_eq!(claim(truth), None, "{truth}");
        }
        // A path with glob characters is named literally.
        let page = PlanFiles::new(["app/[id]/page.tsx".to_string()], Vec::new());
        let clue = Clue {
            truth: "page.tsx imports db",
            plan: &[],
            runners: &[],
            elsewhere: &[],
            files: &page,
            project: &project,
        };
        assert_eq!(file_claim(&clue).map(|c| c.path).as_deref(), Some("app/[[]id]/page.tsx"));
    }

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

    #[test]
    fn a_dependency_is_looked_up_in_the_manifest_the_plan_changes() {
        let project = Project::default();
        let claim = |truth, paths: &[&str]| {
            let files = PlanFiles::new(paths.iter().map(|p| p.to_string()), Vec::new());
            let clue =
                Clue { truth, plan: &[], runners: &[], elsewhere: &[], files: &files, project: &project };
            file_claim(&clue).map(|c| (c.path, c.spec))
        };
        let web = ["web/package.json", "web/package-lock.json", "web/src/app.ts"];
        let manifest = r#"{
  "name": "web",
  "dependencies": {
    "zod": "^3.25.0",
    "react": "^18.2.0"
  },
  "devDependencies": {
    "vitest": "^3.0.0"
  }
}"#;
        let holds = |spec: &serde_json::Value| {
            spec["matches"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| Regex::new(p.as_str().unwrap()).unwrap().is_match(manifest))
        };
        let (path, spec) = claim("Zod is a direct dependency at ^3.25.0", &web).unwrap();
        assert_eq!(path, "web/package.json");
        assert!(holds(&spec), "{spec}");
        assert!(!holds(&claim("zod is a dependency at ^3.24.0", &web).unwrap().1));
        assert!(holds(&claim("`react` and zod are dependencies", &web).unwrap().1));
        assert!(!holds(&claim("react and zod are devDependencies", &web).unwrap().1));
        assert!(holds(&claim("vitest is a dev dependency", &web).unwrap().1));
        assert!(!holds(&claim("react is a dev dependency", &web).unwrap().1), "react is no dev dependency");
        assert!(!holds(&claim("vitest is a runtime dependency", &web).unwrap().1));
        let (path, spec) = claim("vitest and react are installed in web/ devDependencies", &[]).unwrap();
        assert_eq!(path, "web/package.json");
        assert!(!holds(&spec), "react is in dependencies");
        // A sentence's full stop ends it, and a name's case is npm's.
        assert!(holds(&claim("zod is a dependency at ^3.25.0.", &web).unwrap().1));
        assert!(holds(&claim("`Zod` is a dependency", &web).unwrap().1));
        // A dependencies object nested in another (pnpm's packageExtensions) is none.
        let nested = "{\n  \"pnpm\": {\n    \"packageExtensions\": {\n      \"foo\": {\n        \"dependencies\": {\"zod\": \"^3.25.0\"}\n      }\n    }\n  },\n  \"dependencies\": {\"react\": \"^18\"}\n}";
        let spec = claim("zod is a dependency", &web).unwrap().1;
        assert!(!Regex::new(spec["matches"][0].as_str().unwrap()).unwrap().is_match(nested));
        // A section named is that section.
        let files = |truth| claim(truth, &web).map(|c| c.1);
        let dev = files("zod is listed in web/package.json devDependencies").unwrap();
        assert!(
            !Regex::new(dev["matches"][0].as_str().unwrap()).unwrap().is_match(manifest),
            "zod is in dependencies"
        );
        assert_eq!(claim("pytest is listed in pyproject.toml dev-dependencies", &[]), None);
        let pyproject = "[build-system]\nrequires = [\"hatchling\"]\n\n[project]\ndependencies = [\n    \"httpx>=0.27\",\n]\n";
        let in_project = |truth| {
            let spec = files(truth).unwrap();
            Regex::new(spec["matches"][0].as_str().unwrap()).unwrap().is_match(pyproject)
        };
        assert!(in_project("httpx>=0.27 is listed in pyproject.toml dependencies"));
        assert!(!in_project("hatchling is listed in pyproject.toml dependencies"), "a build requirement");
        // Keys of other objects are no dependencies.
        let other = r#"{"jest": {"x": 1}, "bin": {"mytool": "cli.js"}, "overrides": {"zod": "^3.25.0"}, "peerDependencies": {"react": "^18.2.0"}}"#;
        for truth in [
            "jest is a dependency",
            "mytool is a dependency",
            "zod is a dependency at ^3.25.0",
            "react is a dependency",
        ] {
            let spec = claim(truth, &web).unwrap().1;
            let pattern = spec["matches"][0].as_str().unwrap();
            assert!(!Regex::new(pattern).unwrap().is_match(other), "{truth}");
        }
        for (truth, paths) in [
            // A service, not a package; no manifest; two manifests.
            ("Redis is a dependency", &web[..]),
            ("zod is a dependency", &["src/app.ts"][..]),
            ("zod is a dependency", &["package.json", "web/package.json"][..]),
            // Only package.json says which of its tables lists a package in a way a regex reads.
            ("`httpx` is a dependency", &["pyproject.toml"][..]),
            ("serde is a dependency", &["Cargo.toml"][..]),
            ("zod and react are dependencies at ^3", &web[..]),
            // A removal: a literal or a regex cannot tell a config key from an entry.
            ("axios is removed from dependencies", &web[..]),
            // A glob names many manifests.
            ("zod is a dependency", &["packages/*/package.json"][..]),
        ] {
            assert_eq!(claim(truth, paths), None, "{truth}");
        }
    }
}
