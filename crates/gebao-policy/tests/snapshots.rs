//! Golden tests: the policy and the three lists of the rule tests' clean manifest, in both
//! languages and both formats. Review changes by reading the `.snap` files; accept them with
//! `INSTA_UPDATE=always cargo test -p gebao-policy`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests and benches fail by panicking

use gebao_core::Manifest;
use gebao_policy::{Document, Format, Lang, render};

fn clean() -> Manifest {
    let src = include_str!("../../gebao-core/src/rules/testdata/clean.toml");
    match gebao_core::load_manifest(src) {
        Ok(m) => m,
        Err(e) => panic!("clean.toml does not load: {e:?}"),
    }
}

fn name(doc: Document, lang: Lang, format: Format) -> String {
    let ext = match format {
        Format::Markdown => "md",
        Format::Html => "html",
    };
    format!("clean_{}_{}_{}", doc.as_str(), lang.code(), ext)
}

macro_rules! golden {
    ($test:ident, $doc:expr) => {
        #[test]
        fn $test() {
            let m = clean();
            for lang in [Lang::ZhCn, Lang::En] {
                for format in [Format::Markdown, Format::Html] {
                    insta::assert_snapshot!(name($doc, lang, format), render(&m, $doc, lang, format));
                }
            }
        }
    };
}

golden!(policy, Document::Policy);
golden!(collection_list, Document::CollectionList);
golden!(sharing_list, Document::SharingList);
golden!(permission_list, Document::PermissionList);

/// The five seed policies as manifests (`examples/`): every document, both languages, as
/// Markdown (the HTML page is the same content in the shell tested above).
fn example(file: &str) -> Manifest {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(file);
    let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match gebao_core::load_manifest(&src) {
        Ok(m) => m,
        Err(e) => panic!("{file} does not load: {e:?}"),
    }
}

macro_rules! golden_example {
    ($test:ident, $file:literal) => {
        #[test]
        fn $test() {
            let m = example($file);
            let stem = $file.trim_end_matches(".toml");
            for doc in [Document::Policy, Document::CollectionList, Document::SharingList, Document::PermissionList] {
                for lang in [Lang::ZhCn, Lang::En] {
                    let name = format!("{stem}_{}_{}", doc.as_str(), lang.code());
                    insta::assert_snapshot!(name, render(&m, doc, lang, Format::Markdown));
                }
            }
        }
    };
}

golden_example!(seed_000_weibo, "000-weibo.toml");
golden_example!(seed_001_weimacms, "001-weimacms.toml");
golden_example!(seed_002_lanhu, "002-lanhu.toml");
golden_example!(seed_003_weimi, "003-weimi.toml");
golden_example!(seed_004_liaoliao, "004-liaoliao.toml");
