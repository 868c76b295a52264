//! Any bytes as a GSD PLAN.md mirrored by a check file: the frontmatter reader returns
//! cases or errors naming the plan, never panics, hangs or runs away with memory.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    static ROOT: OnceLock<tempfile::TempDir> = OnceLock::new();
    let root = ROOT.get_or_init(|| {
        let root = tempfile::tempdir().expect("a temp dir for the fuzzed plan");
        std::fs::write(root.path().join("mirror.yaml"), "plan: PLAN.md\nshell: host\n")
            .expect("writing the mirroring check file");
        root
    });
    std::fs::write(root.path().join("PLAN.md"), bytes).expect("writing the fuzzed plan");
    if let Err(errors) = envtruth::Harness::new(root.path()).checks("mirror.yaml").case_names() {
        for error in errors {
            let message = error.to_string();
            assert!(message.contains("PLAN.md") || message.contains("mirror.yaml"), "{message}");
        }
    }
});
