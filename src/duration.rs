//! Human durations in check files: `500ms`, `20s`, `5m`, `1h`, `30d`, `1m30s`, read by
//! humantime.
//!
//! A bare number is refused: "timeout: 5" could mean seconds or minutes, and a
//! gate should not guess.

use std::time::Duration;

/// Parses a duration with units (`500ms`, `1m30s`, `30d`); the error says how to write one.
pub fn parse(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let hint = "write a number with a unit: ms, s, m, h or d (e.g. `30s`, `5m`, `1m30s`)";
    if text.is_empty() {
        return Err(format!("empty duration; {hint}"));
    }
    if text.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("duration `{text}` has no unit; {hint}"));
    }
    // A deadline past this would overflow the clock; nothing a check waits for takes a year.
    const LONGEST: Duration = Duration::from_secs(366 * 86_400);
    match humantime::parse_duration(text) {
        Ok(long) if long > LONGEST => Err(format!("duration `{text}` is too large; {hint}")),
        Ok(duration) => Ok(duration),
        Err(err) => Err(match err {
            humantime::DurationError::NumberOverflow => format!("duration `{text}` is too large; {hint}"),
            humantime::DurationError::UnknownUnit { unit, .. } => {
                format!("unknown unit `{unit}` in duration `{text}`; {hint}")
            }
            _ => format!("invalid duration `{text}`; {hint}"),
        }),
    }
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
        if secs >= 86_400 && secs.is_multiple_of(86_400) {
            return format!("{}d", secs / 86_400);
        }
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
        assert_eq!(parse("30d"), Ok(Duration::from_secs(30 * 86_400)));
        assert!(parse("5x").unwrap_err().contains("unknown unit `x`"));
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
        assert_eq!(display(Duration::from_secs(30 * 86_400)), "30d");
    }
}
