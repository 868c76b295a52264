//! Outputs are replaced whole or not at all.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Writes `bytes` to `path` whole: into a temp file beside it, then renamed over it, so a
/// signal, a full disk or a crash mid-write leaves the old file (or none), never half of
/// one. The file keeps its mode when it exists (0644 when new).
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mode = path.metadata().map_or(0o644, |m| m.permissions().mode() & 0o7777);
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    let _removed = crate::interrupt::RemovedOnInterrupt::new(temp.path());
    temp.write_all(bytes)?;
    temp.as_file().set_permissions(std::fs::Permissions::from_mode(mode))?;
    temp.as_file().sync_all()?;
    temp.persist(path).map(drop).map_err(|e| e.error)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_file_is_replaced_whole_keeping_its_mode_and_leaving_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.xml");
        super::write(&path, b"new file").unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o644);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        super::write(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "a temp file was left beside it");
        let missing = dir.path().join("no-such-dir/report.xml");
        assert!(super::write(&missing, b"x").is_err());
    }
}
