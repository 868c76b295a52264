//! The frontmatter written the way GSD's own template writes it: list items indented two
//! spaces under their key. Older GSD (get-shit-done-cc) reads frontmatter line by line,
//! and with items at the key's own column it takes a gap's `status: failed` for the
//! report's `status`.

/// A value of the frontmatter.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A scalar, written plain when that reads back the same, else double-quoted.
    Text(String),
    /// Keys in order.
    Map(Vec<(&'static str, Node)>),
    /// Items.
    List(Vec<Node>),
}

impl Node {
    /// A scalar.
    pub fn text(text: impl Into<String>) -> Node {
        Node::Text(text.into())
    }
}

/// The frontmatter's lines (without the `---` rulers).
pub fn emit(entries: &[(&'static str, Node)]) -> String {
    let mut out = String::new();
    map(entries, 0, &mut out);
    out
}

fn map(entries: &[(&'static str, Node)], indent: usize, out: &mut String) {
    for (key, value) in entries {
        out.push_str(&" ".repeat(indent));
        entry(key, value, indent, out);
    }
}

/// `key: value` at the current position (indentation written by the caller).
fn entry(key: &str, value: &Node, indent: usize, out: &mut String) {
    match value {
        Node::Text(text) => out.push_str(&format!("{key}: {}\n", scalar(text))),
        Node::Map(entries) if entries.is_empty() => out.push_str(&format!("{key}: {{}}\n")),
        Node::List(items) if items.is_empty() => out.push_str(&format!("{key}: []\n")),
        Node::Map(entries) => {
            out.push_str(&format!("{key}:\n"));
            map(entries, indent + 2, out);
        }
        Node::List(items) => {
            out.push_str(&format!("{key}:\n"));
            for item in items {
                out.push_str(&" ".repeat(indent + 2));
                out.push_str("- ");
                match item {
                    Node::Map(entries) if !entries.is_empty() => {
                        let (first, rest) = entries.split_first().expect("not empty");
                        entry(first.0, &first.1, indent + 4, out);
                        map(rest, indent + 4, out);
                    }
                    Node::Text(text) => out.push_str(&format!("{}\n", scalar(text))),
                    Node::Map(_) => out.push_str("{}\n"),
                    Node::List(_) => out.push_str("[]\n"),
                }
            }
        }
    }
}

/// A scalar on one line: plain when it is plain text YAML reads back as the same string
/// (no `: `, ` #`, leading indicator, number, boolean or null), else JSON's double quotes,
/// which YAML reads the same.
fn scalar(text: &str) -> String {
    let flat = text.replace(['\n', '\r'], " ");
    let plain = !flat.is_empty()
        && flat.trim() == flat
        && !flat.contains(": ")
        && !flat.contains(" #")
        && !flat.ends_with(':')
        && !flat.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`~".contains(c))
        && !flat.chars().any(|c| crate::yaml_text::unsafe_char(c) || matches!(c, '"' | '\\'))
        && serde_yaml::from_str::<serde_yaml::Value>(&flat).is_ok_and(|v| v.as_str() == Some(flat.as_str()));
    match plain {
        true => flat,
        false => crate::yaml_text::quoted(&flat),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_indented_under_their_key_as_gsd_writes_them() {
        let gap = Node::Map(vec![
            ("truth", Node::text("uv sync works")),
            ("status", Node::text("failed")),
            (
                "artifacts",
                Node::List(vec![Node::Map(vec![
                    ("path", Node::text("uv.lock")),
                    ("issue", Node::text("absent")),
                ])]),
            ),
            ("missing", Node::List(vec![Node::text("run: exit 0")])),
        ]);
        let text = emit(&[
            ("status", Node::text("gaps_found")),
            ("score", Node::text("1/2 must-haves verified")),
            ("gaps", Node::List(vec![gap])),
            ("human_verification", Node::List(Vec::new())),
        ]);
        assert_eq!(
            text,
            "status: gaps_found\nscore: 1/2 must-haves verified\ngaps:\n  - truth: uv sync works\n    status: failed\n    artifacts:\n      - path: uv.lock\n        issue: absent\n    missing:\n      - \"run: exit 0\"\nhuman_verification: []\n"
        );
        let back: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(back["gaps"][0]["artifacts"][0]["path"], "uv.lock");
    }

    #[test]
    fn scalars_read_back_as_written() {
        for text in [
            "plain words",
            "3.12",
            "true",
            "a: b",
            "# x",
            "- item",
            "line\nbreak",
            "",
            "`uv`",
            "say \"hi\"",
            "null",
            "x #y",
            "del\u{7f} and nel\u{85} and ls\u{2028}",
        ] {
            let yaml = format!("k: {}\n", scalar(text));
            let back: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
            assert_eq!(back["k"].as_str(), Some(text.replace('\n', " ").as_str()), "{yaml}");
        }
    }
}
