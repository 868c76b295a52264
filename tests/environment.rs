//! This repository's own environment truths (`checks/`), run by `cargo test`.

fn main() -> std::process::ExitCode {
    envtruth::main()
}
