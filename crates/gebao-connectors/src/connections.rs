//! Where each dataset's database is. The manifest names a connection (`connection =
//! "shop"`); the server's configuration maps names to URLs: its `[connections]` table
//! ([`Connections::new`]) under the environment layer `GEBAO_CONNECTION_<NAME>`
//! ([`Connections::from_env_vars`]). The manifest is published and may be changed by any
//! `policy:write` key, so it can only *choose among* the databases the operator configured,
//! never point at a database (or an environment variable) of its own, and never at gebao's
//! own store ([`Connections::forbid_store`]).
//!
//! URLs are secrets (they may carry passwords): `Debug` shows the names only, and no error
//! of this crate repeats a URL.

use crate::error::{Error, MissingConnection, Result};
use crate::store::Location;
use gebao_core::Manifest;
use gebao_core::ids::DatasetId;
use gebao_core::manifest::{Dataset, Engine, connection_env_var, is_connection_name};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The prefix of the environment variables that give connection URLs.
pub const ENV_PREFIX: &str = "GEBAO_CONNECTION_";

/// Connection name → URL, as the server's configuration gives them.
#[derive(Clone, Default)]
pub struct Connections {
    /// Keyed by the name as its environment variable spells it (`shop-eu` → `SHOP_EU`), so
    /// that the file and the environment layer name the same connection; the value keeps the
    /// name as configured (for messages) and the URL.
    urls: BTreeMap<String, (String, String)>,
    /// gebao's own databases: no connection may point at one of them.
    stores: Vec<Location>,
}

/// The URL of every dataset of one manifest, checked: configured, of the dataset's engine,
/// and not gebao's own store.
#[derive(Clone, Default)]
pub struct ResolvedConnections {
    urls: BTreeMap<DatasetId, String>,
}

/// The environment-variable spelling of a connection name: `shop-eu` → `SHOP_EU`.
fn key(name: &str) -> String {
    name.to_ascii_uppercase().replace('-', "_")
}

impl Connections {
    /// The `[connections]` of the server configuration: name → URL. Every name must be a
    /// connection name (`[a-z][a-z0-9_-]{0,62}`), and no two names may share an environment
    /// variable (`shop-eu` and `shop_eu`).
    pub fn new<K: Into<String>, V: Into<String>>(map: impl IntoIterator<Item = (K, V)>) -> Result<Self> {
        let mut c = Connections::default();
        for (name, url) in map {
            c.insert(name, url)?;
        }
        Ok(c)
    }

    /// The environment layer: every `GEBAO_CONNECTION_<NAME>` variable of the process
    /// (`GEBAO_CONNECTION_SHOP_EU` is connection `shop-eu` or `shop_eu`). Variables that are
    /// empty, not UTF-8 or not upper case after the prefix are ignored.
    pub fn from_env_vars() -> Self {
        Self::from_vars(std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))))
    }

    /// Like [`Connections::from_env_vars`], from the given variables (tests, and
    /// configuration layers other than the process environment); other variables are ignored.
    pub fn from_vars<K: AsRef<str>, V: AsRef<str>>(vars: impl IntoIterator<Item = (K, V)>) -> Self {
        let mut c = Connections::default();
        for (var, url) in vars {
            let (var, url) = (var.as_ref(), url.as_ref().trim());
            let Some(suffix) = var.strip_prefix(ENV_PREFIX) else { continue };
            let lower = suffix.to_ascii_lowercase();
            if url.is_empty() || suffix != lower.to_ascii_uppercase() || !is_connection_name(&lower) {
                continue;
            }
            c.urls.insert(suffix.to_owned(), (lower, url.to_owned()));
        }
        c
    }

    /// `over` on top of `self`: configuration file < environment (`Connections::new(file)?
    /// .overlay(Connections::from_env_vars())`). Forbidden stores of both stay forbidden.
    pub fn overlay(mut self, over: Connections) -> Self {
        self.urls.extend(over.urls);
        self.stores.extend(over.stores);
        self
    }

    /// Refuses, from now on, every connection pointing at gebao's own database `store_url`
    /// (`sqlite://PATH`, `sqlite:PATH`, a plain path, or `postgres://…`): the same SQLite
    /// file however spelled (relative, `..`, symlinks, hard links, `?mode=ro`, its `-wal`,
    /// `-shm` or `-journal` file, a `file:` URI) or the same PostgreSQL host (all loopback
    /// spellings and sockets are one host), port and database. [`Connections::for_manifest`]
    /// and [`crate::Executor::new`] then fail with [`Error::StoreAsDataset`].
    pub fn forbid_store(mut self, store_url: &str) -> Self {
        self.stores.push(Location::of_store(store_url));
        self
    }

    /// Sets or replaces a connection's URL.
    pub fn insert(&mut self, name: impl Into<String>, url: impl Into<String>) -> Result<()> {
        let (name, url) = (name.into(), url.into());
        if !is_connection_name(&name) {
            return Err(Error::BadConnectionName { name });
        }
        let k = key(&name);
        if let Some((other, _)) = self.urls.get(&k).filter(|(other, _)| *other != name) {
            return Err(Error::ConnectionNameClash { first: other.clone(), second: name, var: connection_env_var(&k) });
        }
        self.urls.insert(k, (name, url.trim().to_owned()));
        Ok(())
    }

    /// The URL of a connection.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.urls.get(&key(name)).map(|(_, url)| url.as_str())
    }

    /// The configured names.
    pub fn names(&self) -> Vec<&str> {
        self.urls.values().map(|(name, _)| name.as_str()).collect()
    }

    /// The names of `manifest` that are not configured (empty when every one is): what the
    /// server refuses to publish.
    pub fn missing(&self, manifest: &Manifest) -> BTreeSet<String> {
        required_names(manifest).into_iter().filter(|n| self.get(n).is_none()).collect()
    }

    /// The URL of every dataset of `manifest`. Fails naming every dataset whose connection
    /// is not a name or not configured, then the first whose URL does not suit its engine or
    /// points at gebao's own store.
    pub fn for_manifest(&self, manifest: &Manifest) -> Result<ResolvedConnections> {
        let mut missing = Vec::new();
        let mut urls = BTreeMap::new();
        for d in &manifest.datasets {
            if !is_connection_name(&d.connection) {
                return Err(Error::NotAConnectionName { dataset: d.id.clone() });
            }
            match self.get(&d.connection) {
                Some(url) => {
                    urls.insert(d.id.clone(), url.to_owned());
                }
                None => missing.push(MissingConnection { dataset: d.id.clone(), connection: d.connection.clone() }),
            }
        }
        if !missing.is_empty() {
            return Err(Error::UnknownConnections { missing });
        }
        for d in &manifest.datasets {
            let url = urls.get(&d.id).map(String::as_str).unwrap_or_default();
            check_url(d, url)?;
            let here = Location::of_dataset(d.engine, url);
            if self.stores.iter().any(|s| s.same_database(&here)) {
                return Err(Error::StoreAsDataset { dataset: d.id.clone(), connection: d.connection.clone() });
            }
        }
        Ok(ResolvedConnections { urls })
    }
}

/// The connection names `manifest`'s datasets use, each once.
pub fn required_names(manifest: &Manifest) -> BTreeSet<String> {
    manifest.datasets.iter().map(|d| d.connection.clone()).collect()
}

impl ResolvedConnections {
    /// The URL of a dataset.
    pub fn get(&self, dataset: &str) -> Option<&str> {
        self.urls.get(dataset).map(String::as_str)
    }
}

impl fmt::Debug for Connections {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = self.urls.values().map(|(name, _)| format!("{name} = <redacted>"));
        f.debug_set().entries(names).finish()
    }
}

impl fmt::Debug for ResolvedConnections {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.urls.keys().map(|k| format!("{k} = <redacted>"))).finish()
    }
}

/// The URL's scheme must be the dataset's engine's.
fn check_url(d: &Dataset, url: &str) -> Result<()> {
    let scheme = url.split(':').next().unwrap_or_default().to_ascii_lowercase();
    let (name, ok) = match d.engine {
        Engine::Postgres => ("postgres", matches!(scheme.as_str(), "postgres" | "postgresql")),
        Engine::Mysql => ("mysql", matches!(scheme.as_str(), "mysql" | "mariadb")),
        Engine::Sqlite => ("sqlite", scheme == "sqlite"),
    };
    if ok {
        Ok(())
    } else {
        // The scheme only: the rest of a URL may be a secret.
        let scheme: String = scheme.chars().take(20).collect();
        Err(Error::BadUrl {
            dataset: d.id.clone(),
            connection: d.connection.clone(),
            engine: name,
            reason: format!("scheme `{scheme}`"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_environment_share_a_spelling() {
        let c = Connections::new([("shop-eu", "postgres://a/x")]).unwrap_or_default();
        assert_eq!(c.get("shop-eu"), Some("postgres://a/x"));
        let env = Connections::from_vars([
            ("GEBAO_CONNECTION_SHOP_EU", "postgres://b/x"),
            ("GEBAO_CONNECTION_crm", "postgres://c/x"),
            ("GEBAO_CONNECTION_EMPTY", " "),
            ("GEBAO_DATABASE_URL", "postgres://gebao/gebao"),
        ]);
        assert_eq!(env.names(), ["shop_eu"]);
        let both = c.overlay(env);
        assert_eq!(both.get("shop-eu"), Some("postgres://b/x"), "the environment wins");
        assert_eq!(both.get("shop_eu"), Some("postgres://b/x"));
        assert_eq!(both.get("crm"), None);
    }

    #[test]
    fn bad_and_clashing_names_are_refused() {
        assert!(matches!(Connections::new([("Shop", "x")]), Err(Error::BadConnectionName { .. })));
        assert!(matches!(Connections::new([("env:X", "x")]), Err(Error::BadConnectionName { .. })));
        let clash = Connections::new([("shop-eu", "a"), ("shop_eu", "b")]);
        assert!(
            matches!(&clash, Err(Error::ConnectionNameClash { var, .. }) if var == "GEBAO_CONNECTION_SHOP_EU"),
            "{clash:?}"
        );
    }

    #[test]
    fn debug_hides_urls() {
        let c = Connections::new([("shop", "postgres://app:secret@db/shop")]).unwrap_or_default();
        let shown = format!("{c:?}");
        assert!(shown.contains("shop") && !shown.contains("secret"), "{shown}");
    }
}
