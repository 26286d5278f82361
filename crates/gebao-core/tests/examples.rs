//! Every manifest in `examples/` loads.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests and benches fail by panicking

use std::path::Path;

#[test]
fn every_example_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("examples/ exists") {
        let path = entry.expect("readable").path();
        if path.extension().is_some_and(|e| e == "toml") {
            let bytes = std::fs::read(&path).expect("readable");
            if let Err(e) = gebao_core::manifest::load::load_bytes(&bytes) {
                panic!("{} does not load: {:#?}", path.display(), e.diagnostics());
            }
            n += 1;
        }
    }
    assert!(n > 0 || std::env::var_os("GEBAO_NO_EXAMPLES").is_some(), "no examples found");
}
