//! Load + check + render of a generated manifest with 1,000 fields and 200 purposes.
//! Run: `cargo bench -p gebao --bench manifest`; figures in docs/benchmarks.md.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests and benches fail by panicking

use criterion::{Criterion, criterion_group, criterion_main};
use gebao_core::manifest::load::load_manifest;
use gebao_core::rules::check;
use gebao_core::text::Lang;
use gebao_policy::{Document, Format, render};
use std::fmt::Write;
use std::hint::black_box;

const FIELDS: usize = 1000;
const PURPOSES: usize = 200;

/// The clean manifest's head (policy, controller, rights, …) with 1,000 generated fields,
/// 200 purposes of 5 fields each, 100 scenarios and 50 recipients appended.
fn generated() -> String {
    let clean = include_str!("../../gebao-core/src/rules/testdata/clean.toml");
    let head = clean.split("[[fields]]").next().unwrap_or(clean);
    let tail_start = clean.find("[[cookies]]").unwrap_or(clean.len());
    let tail = &clean[tail_start..];
    let tail = tail.split("[[pia]]").next().unwrap_or(tail).to_owned();
    let categories = ["basic", "phone", "device", "usage-records", "network-identity", "education-work", "other"];
    let mut s = head.to_owned();
    for i in 0..FIELDS {
        let c = categories[i % categories.len()];
        let _ =
            writeln!(s, "[[fields]]\nid = \"f{i}\"\nname = \"字段{i}\"\nname_en = \"Field {i}\"\ncategory = \"{c}\"\n");
    }
    for p in 0..PURPOSES {
        let fields: Vec<String> = (0..5).map(|k| format!("\"f{}\"", p * 5 + k)).collect();
        let _ = writeln!(
            s,
            "[[purposes]]\nid = \"p{p}\"\nname = \"目的{p}\"\nname_en = \"Purpose {p}\"\ndescription = \"用途说明{p}\"\nfunction = \"additional\"\nbasis = \"consent\"\nfields = [{}]\nconsent = {{ withdraw = \"我的-设置-隐私\", reprompt_after = \"48 hours\" }}\nretention = {{ period = \"1 year\", then = \"delete\" }}\n",
            fields.join(", ")
        );
    }
    for sc in 0..100 {
        let _ = writeln!(
            s,
            "[[scenarios]]\nid = \"s{sc}\"\nname = \"场景{sc}\"\npurposes = [\"p{}\", \"p{}\"]\nprompt = \"提示{sc}\"\n",
            sc * 2,
            sc * 2 + 1
        );
    }
    for r in 0..50 {
        let _ = writeln!(
            s,
            "[[recipients]]\nid = \"r{r}\"\nname = \"SDK{r}\"\nkind = \"sdk\"\ncompany = \"公司{r}\"\ncontact = \"c{r}@example.cn\"\npurposes = [\"p{r}\"]\npurpose = \"用途{r}\"\nfields = [\"f{}\"]\nmethod = \"SDK收集\"\npolicy_url = \"https://example.cn/{r}\"\nseparate_consent = true\ndeletion = {{ via = \"api\", address = \"https://example.cn/del\" }}\n",
            r * 5
        );
    }
    s.push_str(&tail);
    s
}

fn bench(c: &mut Criterion) {
    let text = generated();
    let m = match load_manifest(&text) {
        Ok(m) => m,
        Err(e) => panic!("the generated manifest does not load: {:?}", e.diagnostics()),
    };
    assert_eq!((m.fields.len(), m.purposes.len()), (FIELDS, PURPOSES));
    let mut g = c.benchmark_group("manifest_1000_fields_200_purposes");
    g.sample_size(20);
    g.bench_function("load", |b| b.iter(|| load_manifest(black_box(&text))));
    g.bench_function("check", |b| b.iter(|| check(black_box(&m), Some(&text))));
    g.bench_function("render_policy_zh_html", |b| {
        b.iter(|| render(black_box(&m), Document::Policy, Lang::ZhCn, Format::Html))
    });
    g.bench_function("load_check_render", |b| {
        b.iter(|| {
            let m = load_manifest(black_box(&text)).ok();
            let findings = m.as_ref().map(|m| check(m, Some(&text)));
            let html = m.as_ref().map(|m| render(m, Document::Policy, Lang::ZhCn, Format::Html));
            (findings, html)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
