//! Text written into a YAML file by envtruth (a scaffolded check file, a sign-off's
//! frontmatter), so that it reads back as written whatever a plan holds.

/// Whether YAML refuses `c` in a file, or may take it for a line break: the control
/// characters (tab aside), NEL, the Unicode line and paragraph separators, a byte order
/// mark and the noncharacters U+FFFE and U+FFFF.
pub fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}')
}

/// `flow` (JSON, which is YAML's flow style) with each character YAML refuses written as a
/// `\u` escape; such characters can only stand inside its strings, where the escape means them.
pub fn escaped(flow: &str) -> String {
    flow.chars()
        .map(|c| match unsafe_char(c) {
            true => format!("\\u{:04X}", c as u32),
            false => c.to_string(),
        })
        .collect()
}

/// A YAML double-quoted scalar (a JSON string is one), with the characters YAML refuses escaped.
pub fn quoted(text: &str) -> String {
    escaped(&serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}")))
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn quoted_text_reads_back_as_written() {
        for text in [
            "plain",
            "a: b # c",
            "tab\there",
            "del\u{7f}",
            "nel\u{85}",
            "ls\u{2028}ps\u{2029}",
            "bom\u{feff}",
            "nul\0",
        ] {
            let yaml = format!("k: {}\n", quoted(text));
            let back: serde_yaml::Value = serde_yaml::from_str(&yaml).expect("loads");
            assert_eq!(back["k"].as_str(), Some(text), "{yaml}");
        }
    }
}
