//! Whether two connection URLs reach the same database, so that gebao's own store can never
//! be declared as a dataset (a `policy:write` key could otherwise export `api_keys`).
//!
//! URLs are read with sqlx's own parsers, the ones that open the connections, so that a
//! spelling cannot mean one file here and another there. A SQLite file is compared by its
//! canonical path (relative paths, `.`, `..` and symlinks resolved; `?mode=ro` and other
//! parameters dropped; a `file:` URI, which SQLite opens as such, read as its path; the
//! `-wal`, `-shm` and `-journal` files taken as their database) and, on Unix, by device and
//! inode (hard links). A server is compared by host (every loopback spelling and a local
//! socket are one host), port and database name. A PostgreSQL server reached under another
//! name of the same machine (its LAN address, a DNS alias) is not recognised.

use gebao_core::manifest::Engine;
use sqlx::mysql::MySqlConnectOptions;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;
use std::net::IpAddr;
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;

/// Where a connection leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Location {
    /// A SQLite file: its canonical path(s), and device and inode when it exists.
    File { paths: Vec<PathBuf>, inode: Option<(u64, u64)> },
    /// A database on a server.
    Server { engine: Engine, host: Host, port: u16, database: String },
    /// Nothing that can be compared (an unparsable URL: it cannot be opened either).
    Unknown,
}

/// A server's host, with all the spellings of "this machine" made one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Host {
    Local,
    Named(String),
}

impl Location {
    /// gebao's store: `postgres://…`/`postgresql://…`, else SQLite (`sqlite:` URL or a plain
    /// path), as `gebao_store::open` reads it.
    pub(crate) fn of_store(url: &str) -> Location {
        let url = url.trim();
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            server(Engine::Postgres, url)
        } else if lower.starts_with("sqlite:") {
            sqlite(url)
        } else {
            file(Path::new(url))
        }
    }

    /// A dataset's URL for `engine`.
    pub(crate) fn of_dataset(engine: Engine, url: &str) -> Location {
        match engine {
            Engine::Sqlite => sqlite(url.trim()),
            other => server(other, url.trim()),
        }
    }

    /// Whether both lead to the same database.
    pub(crate) fn same_database(&self, other: &Location) -> bool {
        match (self, other) {
            (Location::File { paths: a, inode: ia }, Location::File { paths: b, inode: ib }) => {
                a.iter().any(|p| b.contains(p)) || (ia.is_some() && ia == ib)
            }
            (Location::Server { .. }, Location::Server { .. }) => self == other,
            _ => false,
        }
    }
}

fn sqlite(url: &str) -> Location {
    match SqliteConnectOptions::from_str(url) {
        Ok(o) => file(o.get_filename()),
        Err(_) => Location::Unknown,
    }
}

fn server(engine: Engine, url: &str) -> Location {
    let (host, port, socket, database) = match engine {
        Engine::Postgres => match PgConnectOptions::from_str(url) {
            Ok(o) => (
                o.get_host().to_owned(),
                o.get_port(),
                o.get_socket().is_some(),
                o.get_database().unwrap_or(o.get_username()).to_owned(),
            ),
            Err(_) => return Location::Unknown,
        },
        Engine::Mysql => match MySqlConnectOptions::from_str(url) {
            Ok(o) => (
                o.get_host().to_owned(),
                o.get_port(),
                o.get_socket().is_some(),
                o.get_database().unwrap_or_default().to_owned(),
            ),
            Err(_) => return Location::Unknown,
        },
        Engine::Sqlite => return sqlite(url),
    };
    let host = if socket || is_local(&host) { Host::Local } else { Host::Named(normal_host(&host)) };
    Location::Server { engine, host, port, database }
}

fn normal_host(host: &str) -> String {
    host.trim().trim_start_matches('[').trim_end_matches(']').trim_end_matches('.').to_ascii_lowercase()
}

/// Loopback and unspecified addresses, `localhost` and a socket directory.
fn is_local(host: &str) -> bool {
    let h = normal_host(host);
    if h.is_empty() || h.starts_with('/') || h == "localhost" || h.ends_with(".localhost") || h == "ip6-localhost" {
        return true;
    }
    match h.parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) => a.is_loopback() || a.is_unspecified(),
        Ok(IpAddr::V6(a)) => {
            a.is_loopback() || a.is_unspecified() || a.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

/// A SQLite file name as SQLite will open it.
fn file(name: &Path) -> Location {
    let Some(text) = name.to_str() else { return location(name.to_path_buf()) };
    // SQLITE_OPEN_URI is on: `file:` names are URIs (`file:///p`, `file://localhost/p`,
    // `file:p?mode=ro`), percent-encoded.
    let path = match text.strip_prefix("file:") {
        Some(uri) => {
            let uri = uri.split(['?', '#']).next().unwrap_or_default();
            let uri = match uri.strip_prefix("//") {
                Some(rest) => rest.strip_prefix("localhost").unwrap_or(rest),
                None => uri,
            };
            PathBuf::from(percent_decode(uri))
        }
        None => name.to_path_buf(),
    };
    location(path)
}

fn location(path: PathBuf) -> Location {
    let mut paths = Vec::new();
    for p in [path.clone(), database_of(&path)] {
        let c = canonical(&p);
        for q in [database_of(&c), c] {
            if !paths.contains(&q) {
                paths.push(q);
            }
        }
    }
    Location::File { inode: inode(&database_of(&canonical(&path))), paths }
}

/// The database a `-wal`, `-shm` or `-journal` file belongs to; other paths unchanged.
fn database_of(p: &Path) -> PathBuf {
    let Some(name) = p.file_name().and_then(|n| n.to_str()) else { return p.to_path_buf() };
    for suffix in ["-wal", "-shm", "-journal"] {
        if let Some(db) = name.strip_suffix(suffix).filter(|db| !db.is_empty()) {
            return p.with_file_name(db);
        }
    }
    p.to_path_buf()
}

/// The canonical path: symlinks resolved when the file or its directory exists, else made
/// absolute and `.`/`..` removed by hand.
fn canonical(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    if let (Some(dir), Some(name)) = (p.parent(), p.file_name()) {
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        if let Ok(c) = std::fs::canonicalize(dir) {
            return c.join(name);
        }
    }
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(unix)]
fn inode(p: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn inode(_: &Path) -> Option<(u64, u64)> {
    None
}

/// `%XX` sequences decoded (invalid ones kept as they are).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(h), Some(l)) => {
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'%'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_sqlite(store: &str, dataset: &str) -> bool {
        Location::of_store(store).same_database(&Location::of_dataset(Engine::Sqlite, dataset))
    }

    fn same_pg(store: &str, dataset: &str) -> bool {
        Location::of_store(store).same_database(&Location::of_dataset(Engine::Postgres, dataset))
    }

    #[test]
    fn every_spelling_of_the_store_file_is_recognised() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let data = root.join("data");
        std::fs::create_dir(&data).unwrap();
        let db = data.join("gebao.db");
        std::fs::write(&db, b"").unwrap();
        std::fs::write(data.join("gebao.db-wal"), b"").unwrap();
        std::fs::write(root.join("other.db"), b"").unwrap();
        let p = db.display().to_string();
        let d = data.display().to_string();
        let r = root.display().to_string();
        for store in [format!("sqlite://{p}"), format!("sqlite:{p}"), p.clone(), format!("sqlite://{p}?mode=rwc")] {
            for dataset in [
                format!("sqlite://{p}"),
                format!("sqlite:{p}"),
                format!("sqlite://{p}?mode=ro"),
                format!("sqlite://{d}/./gebao.db"),
                format!("sqlite://{d}/../data/gebao.db"),
                format!("sqlite://{r}//data///gebao.db"),
                format!("sqlite://{p}-wal"),
                format!("sqlite://{p}-shm"),
                format!("sqlite://{p}-journal"),
                format!("sqlite:file:{p}"),
                format!("sqlite:file://{p}%3Fmode=ro"),
                format!("sqlite:file://localhost{p}"),
                format!("sqlite://{}", p.replace("gebao.db", "gebao%2Edb")),
            ] {
                assert!(same_sqlite(&store, &dataset), "{store} vs {dataset}");
            }
            assert!(!same_sqlite(&store, &format!("sqlite://{r}/other.db")), "{store}");
            assert!(!same_sqlite(&store, &format!("sqlite://{d}/gebao.db.bak")), "{store}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&db, root.join("link.db")).unwrap();
            std::os::unix::fs::symlink(data.join("gebao.db-wal"), root.join("wal-link")).unwrap();
            std::fs::hard_link(&db, root.join("hard.db")).unwrap();
            for alias in ["link.db", "wal-link", "hard.db"] {
                assert!(same_sqlite(&p, &format!("sqlite://{r}/{alias}")), "{alias}");
            }
        }
    }

    #[test]
    fn relative_paths_are_resolved_against_the_working_directory() {
        let cwd = std::env::current_dir().unwrap();
        let abs = cwd.join("gebao-data").join("gebao.db").display().to_string();
        assert!(same_sqlite("gebao-data/gebao.db", &format!("sqlite://{abs}")));
        assert!(same_sqlite(&format!("sqlite:{abs}"), "sqlite:./gebao-data/../gebao-data/gebao.db"));
        assert!(same_sqlite("./gebao-data/gebao.db", "sqlite:gebao-data/gebao.db-wal"));
    }

    #[test]
    fn every_spelling_of_the_store_server_is_recognised() {
        let store = "postgres://gebao:secret@localhost/gebao";
        for dataset in [
            "postgres://gebao:secret@localhost/gebao",
            "postgresql://other@127.0.0.1:5432/gebao",
            "postgres://x@[::1]/gebao",
            "postgres://x@127.0.0.2/gebao?sslmode=disable",
            "postgres://x@LOCALHOST./gebao",
            "postgres://x@0.0.0.0/gebao",
            "postgres://x@localhost/postgres?dbname=gebao",
            "postgres://x@%2Fvar%2Frun%2Fpostgresql/gebao",
            "postgres:///gebao?host=/tmp",
        ] {
            assert!(same_pg(store, dataset), "{dataset}");
        }
        for dataset in [
            "postgres://gebao@localhost/shop",
            "postgres://gebao@localhost:5433/gebao",
            "postgres://gebao@db.internal/gebao",
        ] {
            assert!(!same_pg(store, dataset), "{dataset}");
        }
        assert!(same_pg("postgres://u@DB.internal:5432/gebao", "postgres://v@db.internal/gebao"));
        let mysql = Location::of_dataset(Engine::Mysql, "mysql://root@localhost/gebao");
        assert!(!Location::of_store(store).same_database(&mysql), "another engine");
        assert!(!same_sqlite(store, "sqlite://gebao"), "another engine");
    }
}
