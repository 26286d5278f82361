//! Structural checks that make a manifest unreadable when they fail: duplicate ids and
//! references to things that are not declared. (Legal findings are `rules`, not this.)

use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::manifest::{Manifest, connection_env_var, is_connection_name};
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
        for (j, h) in r.hosts.iter().enumerate() {
            if !is_host_name(h) {
                v.out.push(host_not_a_name(h, map, &format!("recipients[{i}].hosts[{j}]")));
            }
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
        if !is_connection_name(&d.connection) {
            v.out.push(connection_not_a_name(d, map, i));
        }
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

/// A dataset's `connection` must be a name the server maps to a URL: with `env:NAME` or a
/// URL, whoever publishes a manifest could make gebao open any database, gebao's own store
/// included, or read any of the server's environment variables. The value is not repeated
/// in the message when it may be a URL (it may carry a password).
fn connection_not_a_name(d: &crate::manifest::Dataset, map: &SourceMap<'_>, i: usize) -> Diagnostic {
    let value = d.connection.trim();
    let lower = value.to_ascii_lowercase();
    let schemes = ["sqlite:", "postgres:", "postgresql:", "mysql:", "mariadb:", "file:", "http:", "https:"];
    let (zh, en) = if lower.starts_with("env:") {
        (
            "`connection` 不能引用环境变量（`env:…`）：清单是公开的，不能决定 gebao 读取服务器上的哪个变量".to_owned(),
            "`connection` cannot name an environment variable (`env:…`): the manifest is published and must not choose which of the server's variables gebao reads".to_owned(),
        )
    } else if value.contains("://") || schemes.iter().any(|s| lower.starts_with(s)) {
        (
            "`connection` 不能是数据库地址：清单不能决定 gebao 打开哪个数据库（地址中还可能含有密码）".to_owned(),
            "`connection` cannot be a database URL: the manifest must not choose which database gebao opens (and a URL may carry a password)".to_owned(),
        )
    } else if value.contains(['/', '\\']) || value.starts_with(['.', '~']) {
        (
            "`connection` 不能是文件路径：清单不能决定 gebao 打开哪个文件".to_owned(),
            "`connection` cannot be a file path: the manifest must not choose which file gebao opens".to_owned(),
        )
    } else {
        let shown: String = value.chars().take(70).collect();
        (
            format!("`{shown}` 不是连接名称：须以小写字母开头，其后最多 62 个小写字母、数字、`_` 或 `-`"),
            format!(
                "`{shown}` is not a connection name: a lower-case letter, then up to 62 lower-case letters, digits, `_` or `-`"
            ),
        )
    };
    // Suggest the dataset's own id as the name when it is one.
    let id = d.id.as_str().to_ascii_lowercase().replace('.', "-");
    let name = if is_connection_name(&id) { id } else { "main".to_owned() };
    let var = connection_env_var(&name);
    let path = format!("datasets[{i}].connection");
    Diagnostic::new("connection-not-a-name", zh, en)
        .help(
            format!("写一个连接名称，例如 `connection = \"{name}\"`，并在服务器配置的 `[connections]` 中（`{name} = \"postgres://…\"`）或环境变量 `{var}` 中设置它的地址"),
            format!("write a connection name, e.g. `connection = \"{name}\"`, and configure its URL in the server configuration `[connections]` (`{name} = \"postgres://…\"`) or in `{var}`"),
        )
        .at(map.span(&path), Some(path))
}

/// A host name or IP address as a request names it: letters, digits, `-` and `.`, or an
/// IPv6 address; no scheme, port, path or wildcard.
fn is_host_name(h: &str) -> bool {
    let h = h.trim_end_matches('.');
    if h.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    !h.is_empty()
        && h.len() <= 253
        && h.split('.').all(|l| {
            !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

fn host_not_a_name(h: &str, map: &SourceMap<'_>, path: &str) -> Diagnostic {
    let shown: String = h.chars().take(80).collect();
    // What the host probably is, when the value is a URL or a pattern.
    let guess = shown
        .split("://")
        .last()
        .unwrap_or_default()
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .trim_start_matches("*.")
        .split(':')
        .next()
        .unwrap_or_default()
        .to_owned();
    let guess = if is_host_name(&guess) { guess } else { "stats.example.cn".to_owned() };
    Diagnostic::new(
        "host-not-a-name",
        format!("`{shown}` 不是主机名：hosts 中只写主机名或 IP 地址，不带协议、端口、路径或通配符"),
        format!("`{shown}` is not a host name: `hosts` takes host names or IP addresses, with no scheme, port, path or wildcard"),
    )
    .help(
        format!("写成 \"{guess}\"；一个域名也涵盖它的子域名"),
        format!("write \"{guess}\"; a domain covers its subdomains too"),
    )
    .at(map.span(path), Some(path.to_owned()))
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

#[cfg(test)]
mod tests {
    use super::is_host_name;
    use crate::diagnostic::{LoadError, line_col};
    use crate::manifest::load::load_manifest;

    const HEAD: &str = "[policy]\n[controller]\nname = \"甲公司\"\nproduct = \"甲\"\napp_type = \"other\"\n\
        [[fields]]\nid = \"phone\"\nname = \"手机号\"\ncategory = \"phone\"\n";

    fn with_connection(connection: &str) -> String {
        format!(
            "{HEAD}[[datasets]]\nid = \"shop\"\nengine = \"postgres\"\nconnection = {connection:?}\n\
             [[datasets.tables]]\nname = \"users\"\nsubject = \"id\"\ncolumns.phone = {{ field = \"phone\" }}\n"
        )
    }

    fn refused(connection: &str) -> crate::diagnostic::Diagnostic {
        let text = with_connection(connection);
        let Err(LoadError::Invalid(diags)) = load_manifest(&text) else { panic!("{connection} was accepted") };
        let d = diags.into_iter().find(|d| d.code == "connection-not-a-name");
        let d = d.unwrap_or_else(|| panic!("{connection}: no connection diagnostic"));
        let span = d.span.clone().unwrap_or_else(|| panic!("{connection}: no span"));
        let at = text.find("connection = ").unwrap_or_default();
        assert_eq!(line_col(&text, span.start).0, line_col(&text, at).0, "{connection}: points at the line");
        assert!(d.help_en.as_deref().is_some_and(|h| h.contains("GEBAO_CONNECTION_SHOP")), "{d:?}");
        assert!(d.help_zh.as_deref().is_some_and(|h| h.contains("[connections]")), "{d:?}");
        d
    }

    #[test]
    fn host_names_are_accepted_and_urls_refused() {
        for ok in ["hm.example.cn", "example.cn", "127.0.0.1", "::1", "localhost", "例子.中国"] {
            assert!(is_host_name(ok), "{ok}");
        }
        for bad in ["https://hm.example.cn/x.js", "*.example.cn", "example.cn:8080", "", "a..b", "-a.cn", "a b"] {
            assert!(!is_host_name(bad), "{bad}");
        }
    }

    #[test]
    fn names_are_accepted() {
        for ok in ["shop", "shop-eu", "crm_2", &format!("a{}", "b".repeat(62))] {
            let text = with_connection(ok);
            assert!(load_manifest(&text).is_ok(), "{ok}");
        }
    }

    #[test]
    fn environment_variables_urls_and_paths_are_refused() {
        let env = refused("env:GEBAO_DATABASE_URL");
        assert!(env.message_en.contains("environment variable"), "{env:?}");
        for url in
            ["sqlite:///var/lib/gebao/gebao.db", "postgres://app:secret@db/shop", "sqlite:gebao.db", "mysql://db/x"]
        {
            let d = refused(url);
            assert!(d.message_en.contains("URL"), "{d:?}");
            assert!(!d.message_en.contains("secret") && !d.message_zh.contains("secret"), "the URL is not repeated");
        }
        for path in ["/var/lib/gebao/gebao.db", "./gebao.db", "../data/shop.db", "data\\shop.db"] {
            assert!(refused(path).message_en.contains("file path"), "{path}");
        }
        for other in ["Shop", "1shop", "", "shop db", "shop.db", &format!("a{}", "b".repeat(63))] {
            assert!(refused(other).message_en.contains("not a connection name"), "{other}");
        }
    }
}
