//! Reading check files and plans with a size limit, so a wrong file (a log, a dataset
//! saved as YAML) costs an error, not its size in memory.

use std::path::Path;

/// The largest check file or plan envtruth reads. Ten thousand truths take well under
/// 1 MiB; anything bigger is a mistake.
pub const MAX_FILE_BYTES: u64 = 4 << 20;

/// The bytes of `path`, or `Ok(None)` when it holds more than [`MAX_FILE_BYTES`]
/// (never reading more than that).
pub fn read(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_FILE_BYTES).then_some(bytes))
}

/// The text of `path` when it is a regular file within [`MAX_FILE_BYTES`]; none for a FIFO,
/// a device or a directory (opening a FIFO would wait for a writer forever), or when absent.
pub fn read_regular(path: &Path) -> Option<String> {
    let bytes =
        path.metadata().ok().filter(std::fs::Metadata::is_file).and_then(|_| read(path).ok().flatten())?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// The message for a file over [`MAX_FILE_BYTES`]; `what` is "check file" or "plan".
pub fn too_big(what: &str) -> String {
    format!(
        "the file is larger than {} MiB, too big for a {what}; is this the file you meant? split it if so",
        MAX_FILE_BYTES >> 20
    )
}
