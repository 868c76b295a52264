//! Reading the files checks look into: only regular files (a FIFO would block forever),
//! streamed line by line so memory stays flat whatever the file's size (a 2 GB file costs
//! a buffer, not 2 GB), and a bounded window for the rare pattern that spans lines.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// Longest line kept (by `search` and by the pattern checks of a command's output); the
/// rest of a longer line is read past, not kept.
const LINE_LIMIT: usize = 64 * 1024;

/// How much of a file a pattern that spans lines is searched in.
pub const WINDOW: u64 = 8 << 20;

/// A regular file opened for reading; anything else is refused with what it is.
pub fn open(path: &Path) -> Result<File, String> {
    let kind = path.metadata().map_err(|err| format!("unreadable: {err}"))?.file_type();
    if kind.is_dir() {
        return Err("is a directory".into());
    }
    if !kind.is_file() {
        use std::os::unix::fs::FileTypeExt;
        let what = if kind.is_fifo() {
            "a named pipe"
        } else if kind.is_socket() {
            "a socket"
        } else {
            "a device"
        };
        return Err(format!("is not a regular file ({what}), so it is not read"));
    }
    File::open(path).map_err(|err| format!("unreadable: {err}"))
}

/// Calls `visit` with each line (numbered from 1, lossy UTF-8, without its line end, cut
/// at 64 KiB) until it returns false; returns how many `\n` the file holds (GSD counts
/// lines as pieces of `split('\n')`: that number plus one).
pub fn lines(file: File, mut visit: impl FnMut(usize, &str) -> bool) -> io::Result<u64> {
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let (mut number, mut newlines) = (0, 0);
    loop {
        line.clear();
        let (ended, had_newline) = read_capped_line(&mut reader, &mut line)?;
        if ended && line.is_empty() && !had_newline {
            return Ok(newlines);
        }
        number += 1;
        newlines += u64::from(had_newline);
        let text = String::from_utf8_lossy(&line);
        if !visit(number, text.trim_end_matches('\r')) {
            // The rest is still counted, for `min_lines`.
            let mut rest = [0u8; 64 * 1024];
            loop {
                let n = reader.read(&mut rest)?;
                if n == 0 {
                    return Ok(newlines);
                }
                newlines += rest[..n].iter().filter(|b| **b == b'\n').count() as u64;
            }
        }
        if ended {
            return Ok(newlines);
        }
    }
}

/// Reads one line into `line`, keeping at most [`LINE_LIMIT`] bytes; returns (at the end
/// of the file, the line ended with `\n`).
pub fn read_capped_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<(bool, bool)> {
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok((true, false));
        }
        let (chunk, found) = match buffer.iter().position(|b| *b == b'\n') {
            Some(at) => (&buffer[..at], Some(at + 1)),
            None => (buffer, None),
        };
        let room = LINE_LIMIT.saturating_sub(line.len());
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let used = found.unwrap_or(buffer.len());
        reader.consume(used);
        if found.is_some() {
            return Ok((false, true));
        }
    }
}

/// The first [`WINDOW`] bytes of a file as text, and whether the file is longer, for a
/// pattern that can span lines.
pub fn window(file: File) -> io::Result<(String, bool)> {
    let mut bytes = Vec::new();
    file.take(WINDOW + 1).read_to_end(&mut bytes)?;
    let cut = bytes.len() as u64 > WINDOW;
    bytes.truncate(WINDOW as usize);
    Ok((String::from_utf8_lossy(&bytes).into_owned(), cut))
}

/// Whether a pattern written as `text` can match across a line end, and so needs the window.
pub fn spans_lines(text: &str) -> bool {
    text.contains('\n') || text.contains("\\n") || text.contains("(?s") || text.contains("\\s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_numbered_and_line_ends_counted_as_gsd_counts_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, "one\r\ntwo\nthree").unwrap();
        let mut seen = Vec::new();
        let newlines = lines(open(&path).unwrap(), |n, line| {
            seen.push((n, line.to_string()));
            true
        })
        .unwrap();
        assert_eq!(seen, [(1, "one".to_string()), (2, "two".into()), (3, "three".into())]);
        assert_eq!(newlines, 2);
        let stopped = lines(open(&path).unwrap(), |n, _| n < 1).unwrap();
        assert_eq!(stopped, 2, "the lines after a stop are still counted");
    }

    #[test]
    fn only_regular_files_are_opened() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(open(dir.path()).unwrap_err(), "is a directory");
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        assert_eq!(open(&fifo).unwrap_err(), "is not a regular file (a named pipe), so it is not read");
    }
}
