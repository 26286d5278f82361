//! The English render of each seed manifest (`examples/`) carries no Chinese prose: every
//! manifest text that reaches the policy or its lists has an `_en` twin. Chinese may remain
//! only in names and addresses — the operator's and recipients' names, the product, postal
//! addresses and document titles in 《》 — which are proper names, not prose.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

use gebao_core::Manifest;
use gebao_policy::{Document, Format, Lang, render};

fn example(file: &str) -> Manifest {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(file);
    let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    gebao_core::load_manifest(&src).unwrap_or_else(|e| panic!("{file} does not load: {e:?}"))
}

fn is_cjk(ch: char) -> bool {
    ('\u{3400}'..='\u{9fff}').contains(&ch) || ('\u{f900}'..='\u{faff}').contains(&ch)
}

/// The names and addresses of a manifest, which an English text may quote as they are.
fn names(m: &Manifest) -> Vec<String> {
    let c = &m.controller;
    let mut names: Vec<String> = vec![c.name.clone(), c.product.clone()];
    names.extend(c.address.clone());
    names.extend(m.policy.title.clone());
    let contacts = [Some(&c.contact), c.complaints.as_ref(), c.officer.as_ref().map(|o| &o.contact)];
    names.extend(contacts.into_iter().flatten().filter_map(|ct| ct.post.clone()));
    for r in &m.recipients {
        names.push(r.name.clone());
        names.extend(r.company.clone());
    }
    names.extend(m.cookies.iter().filter_map(|ck| ck.provider.clone()));
    // Longest first, so that a name inside a longer one does not leave a remnant.
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    names.into_iter().filter(|n| n.chars().any(is_cjk)).collect()
}

/// The lines of a text that still have Chinese in them once names, addresses and document
/// titles (《…》) are taken out.
fn chinese_lines(text: &str, names: &[String]) -> Vec<String> {
    text.lines()
        .filter(|line| {
            let mut rest = (*line).to_owned();
            for n in names {
                rest = rest.replace(n.as_str(), "");
            }
            let mut bare = String::new();
            let mut depth = 0u32;
            for ch in rest.chars() {
                match ch {
                    '《' => depth += 1,
                    '》' => depth = depth.saturating_sub(1),
                    _ if depth == 0 => bare.push(ch),
                    _ => {}
                }
            }
            bare.chars().any(is_cjk)
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn english_renders_of_the_seeds_have_no_chinese_prose() {
    let mut report = String::new();
    for file in ["000-weibo.toml", "001-weimacms.toml", "002-lanhu.toml", "003-weimi.toml", "004-liaoliao.toml"] {
        let m = example(file);
        let names = names(&m);
        for doc in [Document::Policy, Document::CollectionList, Document::SharingList, Document::PermissionList] {
            for line in chinese_lines(&render(&m, doc, Lang::En, Format::Markdown), &names) {
                report.push_str(&format!("{file} {}: {line}\n", doc.as_str()));
            }
        }
    }
    assert!(report.is_empty(), "Chinese prose in the English renders:\n{report}");
}

#[test]
fn the_count_sees_chinese_prose() {
    let names = vec!["微博".to_owned()];
    assert_eq!(chinese_lines("Operated by 微博.\n《微博个人信息保护政策》\n", &names), Vec::<String>::new());
    assert_eq!(chinese_lines("You can do it at “手机客户端”.", &names).len(), 1);
}
