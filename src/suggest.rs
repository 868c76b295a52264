//! "Did you mean": the closest known word to a misspelt one.

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    nearest(word, candidates).filter(|candidate| distance(word, candidate) <= limit)
}

/// The candidate closest to `word` by edit distance, however far.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates.into_iter().min_by_key(|candidate| distance(word, candidate))
}

/// Levenshtein distance over characters.
pub fn distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_and_ignores_strangers() {
        assert_eq!(closest("tols", ["truth", "tools", "timeout"]), Some("tools"));
        assert_eq!(closest("stdout_exclude", ["stdout", "stdout_excludes"]), Some("stdout_excludes"));
        assert_eq!(closest("banana", ["truth", "tools"]), None);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
