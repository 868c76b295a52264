//! SHA-256 digests as lowercase hex, as the cache, the sign-off and its fingerprint write them.

use sha2::{Digest, Sha256};

/// `bytes` (a finished digest) as lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of `bytes`, as lowercase hex.
pub fn sha256_hex(bytes: impl AsRef<[u8]>) -> String {
    hex(&Sha256::digest(bytes))
}
