//! Where each node of a YAML document starts, by path (`truths/3/after/0`).
//!
//! serde_yaml reports a location only for its own errors; a decoded value carries no
//! position. Every case needs the line of its definition (failure messages, reports,
//! GitHub annotations) and checks made after decoding (unknown `after` ids, cycles,
//! duplicate names) must point at a line too, so the text is walked once more with
//! yaml-rust2's event parser, which marks every event.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A position in a file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

/// Positions of the nodes of one document. A mapping entry is found at its key.
#[derive(Debug, Default)]
pub struct Locations {
    positions: HashMap<String, Position>,
}

impl Locations {
    /// Indexes `text`; a document the parser rejects gives an empty index (serde_yaml
    /// has already reported the syntax error with its own position by then).
    pub fn of(text: &str) -> Locations {
        let mut walker = Walker::default();
        let _ = Parser::new_from_str(text).load(&mut walker, false);
        Locations { positions: walker.positions }
    }

    /// The position of `path`, or of its nearest indexed ancestor.
    pub fn find(&self, path: &str) -> Position {
        let mut path = path;
        loop {
            if let Some(position) = self.positions.get(path) {
                return *position;
            }
            match path.rfind('/') {
                Some(cut) => path = &path[..cut],
                None => return self.positions.get("").copied().unwrap_or(Position { line: 1, column: 1 }),
            }
        }
    }
}

enum Frame {
    Sequence {
        path: String,
        next: usize,
    },
    /// `keys`: how many keys were seen, since the first one places the mapping itself.
    Mapping {
        path: String,
        key: Option<String>,
        keys: usize,
    },
}

#[derive(Default)]
struct Walker {
    stack: Vec<Frame>,
    positions: HashMap<String, Position>,
}

impl Walker {
    /// Records a node starting at `mark`; returns its path, or None for a mapping key.
    fn enter(&mut self, key_text: Option<&str>, mark: Marker) -> Option<String> {
        let position = Position { line: mark.line(), column: mark.col() + 1 };
        let path = match self.stack.last_mut() {
            None => String::new(),
            Some(Frame::Sequence { path, next }) => {
                *next += 1;
                format!("{path}/{}", *next - 1)
            }
            Some(Frame::Mapping { path, key, keys }) => match key.take() {
                Some(key) => format!("{path}/{key}"),
                None => {
                    // A key: its position stands for the whole entry, and the first key's
                    // for the mapping (the parser marks a block mapping's start late).
                    let key = key_text.unwrap_or("?").to_string();
                    let entry = if path.is_empty() { key.clone() } else { format!("{path}/{key}") };
                    if *keys == 0 {
                        let placed = self.positions.entry(path.clone()).or_insert(position);
                        if (placed.line, placed.column) > (position.line, position.column) {
                            *placed = position;
                        }
                    }
                    *keys += 1;
                    self.positions.entry(entry).or_insert(position);
                    if let Some(Frame::Mapping { key: slot, .. }) = self.stack.last_mut() {
                        *slot = Some(key);
                    }
                    return None;
                }
            },
        };
        let path = path.trim_start_matches('/').to_string();
        self.positions.entry(path.clone()).or_insert(position);
        Some(path)
    }
}

impl MarkedEventReceiver for Walker {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(text, ..) => {
                self.enter(Some(&text), mark);
            }
            Event::Alias(_) => {
                self.enter(None, mark);
            }
            Event::SequenceStart(..) => {
                if let Some(path) = self.enter(None, mark) {
                    self.stack.push(Frame::Sequence { path, next: 0 });
                } else {
                    // A complex key: a placeholder frame keeps the nesting right.
                    self.stack.push(Frame::Sequence { path: "?".into(), next: 0 });
                }
            }
            Event::MappingStart(..) => {
                let path = self.enter(None, mark).unwrap_or_else(|| "?".into());
                self.stack.push(Frame::Mapping { path, key: None, keys: 0 });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "shell: host\ntruths:\n  - truth: a\n    after: [x, y]\n  - {truth: b, files: {.envrc: {contains: use}}}\n";

    #[test]
    fn finds_entries_items_and_flow_nodes() {
        let at = Locations::of(DOC);
        assert_eq!(at.find("shell"), Position { line: 1, column: 1 });
        assert_eq!(at.find("truths/0"), Position { line: 3, column: 5 });
        assert_eq!(at.find("truths/0/after"), Position { line: 4, column: 5 });
        assert_eq!(at.find("truths/0/after/1"), Position { line: 4, column: 16 });
        assert_eq!(at.find("truths/1").line, 5);
        assert_eq!(at.find("truths/1/files/.envrc"), Position { line: 5, column: 24 });
    }

    #[test]
    fn an_unknown_path_falls_back_to_its_parent() {
        let at = Locations::of(DOC);
        assert_eq!(at.find("truths/0/nothing/here"), Position { line: 3, column: 5 });
        assert_eq!(Locations::of(": : :\n\t").find("x").line, 1);
    }
}
