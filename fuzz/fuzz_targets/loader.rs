//! Any bytes as a check file: the loader returns cases or located errors, never panics,
//! hangs or runs away with memory (libFuzzer's -timeout and -rss_limit_mb catch those).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    static ROOT: OnceLock<tempfile::TempDir> = OnceLock::new();
    let root = ROOT.get_or_init(|| tempfile::tempdir().expect("a temp dir for the fuzzed check file"));
    std::fs::write(root.path().join("fuzzed.yaml"), bytes).expect("writing the fuzzed check file");
    if let Err(errors) = envtruth::Harness::new(root.path()).checks("fuzzed.yaml").case_names() {
        assert!(!errors.is_empty());
        for error in errors {
            // Every message is renderable and names the file.
            assert!(error.to_string().contains("fuzzed.yaml"), "{error}");
        }
    }
});
