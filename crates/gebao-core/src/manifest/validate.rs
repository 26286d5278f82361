//! Structural checks that make a manifest unreadable when they fail: duplicate ids and
//! references to things that are not declared. (Legal findings are `rules`, not this.)

use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::manifest::Manifest;
use crate::source_map::SourceMap;
use std::collections::HashSet;

/// Collects every duplicate id and dangling reference, each placed in the source.
pub fn references(m: &Manifest, map: &SourceMap<'_>) -> Vec<Diagnostic> {
    let mut v = Validator { map, out: Vec::new() };

    let fields: Vec<&str> = m.fields.iter().map(|f| f.id.as_str()).collect();
    let purposes: Vec<&str> = m.purposes.iter().map(|p| p.id.as_str()).collect();
    let recipients: Vec<&str> = m.recipients.iter().map(|r| r.id.as_str()).collect();
    let scenarios: Vec<&str> = m.scenarios.iter().map(|s| s.id.as_str()).collect();
    let pias: Vec<&str> = m.pia.iter().map(|p| p.id.as_str()).collect();
    let datasets: Vec<&str> = m.datasets.iter().map(|d| d.id.as_str()).collect();
    let permissions: Vec<&str> = m.permissions.iter().map(|p| p.id.as_str()).collect();
    let cookies: Vec<&str> = m.cookies.iter().map(|c| c.name.as_str()).collect();

    v.unique("fields", "id", &fields);
    v.unique("purposes", "id", &purposes);
    v.unique("recipients", "id", &recipients);
    v.unique("scenarios", "id", &scenarios);
    v.unique("pia", "id", &pias);
    v.unique("datasets", "id", &datasets);
    v.unique("permissions", "id", &permissions);
    v.unique("cookies", "name", &cookies);

    for (i, p) in m.purposes.iter().enumerate() {
        for (j, f) in p.fields.iter().enumerate() {
            v.exists(&format!("purposes[{i}].fields[{j}]"), f.as_str(), &fields, "fields");
        }
        for (j, r) in p.requires.iter().enumerate() {
            v.exists(&format!("purposes[{i}].requires[{j}]"), r.as_str(), &purposes, "purposes");
        }
        if let Some(pia) = &p.pia {
            v.exists(&format!("purposes[{i}].pia"), pia.as_str(), &pias, "pia");
        }
    }
    for (i, s) in m.scenarios.iter().enumerate() {
        for (j, p) in s.purposes.iter().enumerate() {
            v.exists(&format!("scenarios[{i}].purposes[{j}]"), p.as_str(), &purposes, "purposes");
        }
        for (j, f) in s.fields.iter().flatten().enumerate() {
            v.exists(&format!("scenarios[{i}].fields[{j}]"), f.as_str(), &fields, "fields");
        }
        for (j, p) in s.permissions.iter().enumerate() {
            v.exists(&format!("scenarios[{i}].permissions[{j}]"), p.as_str(), &permissions, "permissions");
        }
    }
    for (i, r) in m.recipients.iter().enumerate() {
        for (j, p) in r.purposes.iter().enumerate() {
            v.exists(&format!("recipients[{i}].purposes[{j}]"), p.as_str(), &purposes, "purposes");
        }
        for (j, f) in r.fields.iter().enumerate() {
            v.exists(&format!("recipients[{i}].fields[{j}]"), f.as_str(), &fields, "fields");
        }
        if let Some(pia) = &r.pia {
            v.exists(&format!("recipients[{i}].pia"), pia.as_str(), &pias, "pia");
        }
    }
    if let Some(pia) = &m.storage.pia {
        v.exists("storage.pia", pia.as_str(), &pias, "pia");
    }
    for (i, p) in m.pia.iter().enumerate() {
        for (j, x) in p.purposes.iter().enumerate() {
            v.exists(&format!("pia[{i}].purposes[{j}]"), x.as_str(), &purposes, "purposes");
        }
        for (j, x) in p.recipients.iter().enumerate() {
            v.exists(&format!("pia[{i}].recipients[{j}]"), x.as_str(), &recipients, "recipients");
        }
    }
    for (i, d) in m.datasets.iter().enumerate() {
        let tables: Vec<&str> = d.tables.iter().map(|t| t.name.as_str()).collect();
        v.unique(&format!("datasets[{i}].tables"), "name", &tables);
        for (j, t) in d.tables.iter().enumerate() {
            let at = format!("datasets[{i}].tables[{j}]");
            match (&t.subject, &t.parent) {
                (None, None) => v.out.push(
                    Diagnostic::new(
                        "table-unlinked",
                        format!("表 `{}` 既没有 `subject`（用户 ID 列）也没有 `parent`（关联的上级表）", t.name),
                        format!("table `{}` has neither `subject` (the user id column) nor `parent` (the table it hangs off)", t.name),
                    )
                    .help("添加 `subject = \"user_id\"` 或 `parent = { table = \"users\", column = \"user_id\" }`", "add `subject = \"user_id\"` or `parent = { table = \"users\", column = \"user_id\" }`")
                    .at(map.span(&at), Some(at.clone())),
                ),
                (_, Some(rel)) => {
                    v.exists(&format!("{at}.parent.table"), &rel.table, &tables, "tables");
                    if rel.table == t.name {
                        v.out.push(
                            Diagnostic::new("table-self-parent", format!("表 `{}` 不能以自己为上级表", t.name), format!("table `{}` cannot be its own parent", t.name))
                                .at(map.span(&format!("{at}.parent.table")), Some(format!("{at}.parent.table"))),
                        );
                    }
                }
                _ => {}
            }
            for (col, c) in &t.columns {
                v.exists(&format!("{at}.columns.{col}.field"), c.field.as_str(), &fields, "fields");
            }
            if let Some(h) = &t.hold {
                v.exists(&format!("{at}.hold.purpose"), h.purpose.as_str(), &purposes, "purposes");
            }
            if let Some(r) = &t.retention {
                v.exists(&format!("{at}.retention.purpose"), r.purpose.as_str(), &purposes, "purposes");
            }
        }
        v.acyclic(i, d);
    }
    v.out
}

struct Validator<'m, 's> {
    map: &'m SourceMap<'s>,
    out: Vec<Diagnostic>,
}

impl Validator<'_, '_> {
    fn unique(&mut self, section: &str, key: &str, ids: &[&str]) {
        let mut seen = HashSet::new();
        for (i, id) in ids.iter().enumerate() {
            if !seen.insert(*id) {
                let first = ids.iter().position(|x| x == id).unwrap_or(0);
                let path = format!("{section}[{i}].{key}");
                self.out.push(
                    Diagnostic::new(
                        "duplicate-id",
                        format!("`{section}` 中的 {key} `{id}` 重复（第一次出现在第 {} 项）", first + 1),
                        format!("duplicate {key} `{id}` in `{section}` (first used by entry {})", first + 1),
                    )
                    .help(
                        "每个 id 只能声明一次：改名或合并这两项",
                        "each id may be declared once: rename or merge the two entries",
                    )
                    .at(self.map.span(&path), Some(path)),
                );
            }
        }
    }

    fn exists(&mut self, path: &str, id: &str, declared: &[&str], section: &str) {
        if declared.contains(&id) {
            return;
        }
        let mut d = Diagnostic::new(
            "dangling-reference",
            format!("引用了未声明的 `{id}`：`{section}` 中没有这个 id"),
            format!("`{id}` is not declared in `{section}`"),
        )
        .at(self.map.span(path), Some(path.to_owned()));
        d = match did_you_mean(id, declared.iter().copied()) {
            Some(best) => d.help(format!("是否想写 `{best}`？"), format!("did you mean `{best}`?")),
            None => d.help(
                format!("请在 `{section}` 中声明 `{id}`，或改为已声明的 id"),
                format!("declare `{id}` in `{section}`, or use a declared id"),
            ),
        };
        self.out.push(d);
    }

    /// Parent links must end at a table with a subject column, never loop.
    fn acyclic(&mut self, i: usize, d: &crate::manifest::Dataset) {
        for (j, t) in d.tables.iter().enumerate() {
            let mut seen = vec![t.name.as_str()];
            let mut cur = t;
            while let Some(rel) = &cur.parent {
                let Some(next) = d.tables.iter().find(|x| x.name == rel.table) else { break };
                if seen.contains(&next.name.as_str()) {
                    let path = format!("datasets[{i}].tables[{j}].parent");
                    self.out.push(
                        Diagnostic::new(
                            "table-cycle",
                            format!("表之间的 parent 关系形成了环：{}", seen.join(" → ")),
                            format!("the parent links of the tables form a cycle: {}", seen.join(" → ")),
                        )
                        .help(
                            "至少一张表要有 `subject` 列，作为关系链的终点",
                            "at least one table needs a `subject` column to end the chain",
                        )
                        .at(self.map.span(&path), Some(path)),
                    );
                    break;
                }
                seen.push(next.name.as_str());
                cur = next;
            }
        }
    }
}
