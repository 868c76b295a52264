//! Text made short enough for evidence and reports.

/// Cuts `text` after `limit` characters, marking the cut with `…`.
pub fn shorten(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}
