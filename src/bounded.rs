//! Reading check files and plans with a size limit, so a wrong file (a log, a dataset
//! saved as YAML) costs an error, not its size in memory.

use std::path::Path;

/// The largest check file or plan envtruth reads. Ten thousand truths take well under
/// 1 MiB; anything bigger is a mistake.
pub const MAX_FILE_BYTES: u64 = 4 << 20;

/// The bytes of `path`, or `Ok(None)` when it holds more than [`MAX_FILE_BYTES`]
/// (never reading more than that). Only a regular file is opened: opening a FIFO named
/// like a plan or a Makefile would wait for a writer forever.
pub fn read(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    if !path.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file (a directory, a FIFO or a device)"));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_FILE_BYTES).then_some(bytes))
}

/// The text of `path` when it is a regular file within [`MAX_FILE_BYTES`]; none otherwise.
pub fn read_text(path: &Path) -> Option<String> {
    read(path).ok().flatten().map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

/// The message for a file over [`MAX_FILE_BYTES`]; `what` is "check file" or "plan".
pub fn too_big(what: &str) -> String {
    format!(
        "the file is larger than {} MiB, too big for a {what}; is this the file you meant? split it if so",
        MAX_FILE_BYTES >> 20
    )
}
