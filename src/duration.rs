//! Human durations in check files: `500ms`, `20s`, `5m`, `1h`, `1m30s`.
//!
//! A bare number is refused: "timeout: 5" could mean seconds or minutes, and a
//! gate should not guess.

use std::time::Duration;

/// Parses `500ms`, `20s`, `5m`, `1h` and sums like `1m30s`.
pub fn parse(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let hint = "write a number with a unit: ms, s, m or h (e.g. `30s`, `5m`, `1m30s`)";
    if text.is_empty() {
        return Err(format!("empty duration; {hint}"));
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if digits == 0 {
            return Err(format!("invalid duration `{text}`; {hint}"));
        }
        let number: u64 =
            rest[..digits].parse().map_err(|_| format!("duration `{text}` is too large; {hint}"))?;
        rest = &rest[digits..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ms" => Duration::from_millis(1),
            "s" => Duration::from_secs(1),
            "m" => Duration::from_secs(60),
            "h" => Duration::from_secs(3600),
            "" => return Err(format!("duration `{text}` has no unit; {hint}")),
            other => return Err(format!("unknown unit `{other}` in duration `{text}`; {hint}")),
        };
        rest = &rest[unit_len..];
        let part = u32::try_from(number)
            .ok()
            .and_then(|n| unit.checked_mul(n))
            .ok_or_else(|| format!("duration `{text}` is too large; {hint}"))?;
        total = total.checked_add(part).ok_or_else(|| format!("duration `{text}` is too large; {hint}"))?;
    }
    Ok(total)
}

/// Formats a duration the way it is written in check files, for messages.
pub fn display(duration: Duration) -> String {
    let ms = duration.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 && !ms.is_multiple_of(1000) {
        format!("{:.2}s", duration.as_secs_f64())
    } else if ms < 60_000 {
        format!("{}s", ms / 1000)
    } else {
        let secs = duration.as_secs();
        match (secs / 3600, secs % 3600 / 60, secs % 60) {
            (0, m, 0) => format!("{m}m"),
            (0, m, s) => format!("{m}m{s}s"),
            (h, 0, 0) => format!("{h}h"),
            (h, m, s) => format!("{h}h{m}m{s}s"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_sums() {
        assert_eq!(parse("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse("20s"), Ok(Duration::from_secs(20)));
        assert_eq!(parse("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse("1m30s"), Ok(Duration::from_secs(90)));
    }

    #[test]
    fn refuses_bare_numbers_and_unknown_units() {
        assert!(parse("5").unwrap_err().contains("has no unit"));
        assert!(parse("5d").unwrap_err().contains("unknown unit `d`"));
        assert!(parse("").unwrap_err().contains("empty duration"));
        assert!(parse("99999999999999999999s").unwrap_err().contains("too large"));
    }

    #[test]
    fn displays_as_written() {
        assert_eq!(display(Duration::from_millis(20)), "20ms");
        assert_eq!(display(Duration::from_millis(1500)), "1.50s");
        assert_eq!(display(Duration::from_secs(2)), "2s");
        assert_eq!(display(Duration::from_secs(300)), "5m");
        assert_eq!(display(Duration::from_secs(90)), "1m30s");
    }
}
