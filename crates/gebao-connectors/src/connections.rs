//! Where each dataset's database is: the manifest says `connection = "env:NAME"` (the URL,
//! with its password, lives in the environment) or gives a URL without a password. URLs are
//! secrets: `Debug` shows the dataset ids only.

use crate::error::{Error, Result};
use gebao_core::Manifest;
use gebao_core::ids::DatasetId;
use std::collections::BTreeMap;
use std::fmt;

/// Dataset id → connection URL (`postgres://…`, `mysql://…`, `sqlite://…`).
#[derive(Clone, Default)]
pub struct Connections {
    urls: BTreeMap<DatasetId, String>,
}

impl Connections {
    /// Resolves every dataset's `connection` of the manifest: `env:NAME` reads the variable;
    /// anything else is taken as a URL, refused when it carries a password.
    pub fn from_env(manifest: &Manifest) -> Result<Self> {
        Self::resolve(manifest, |name| std::env::var(name).ok())
    }

    /// Like [`Connections::from_env`], reading variables through `lookup` (for tests and for
    /// configuration layers other than the process environment).
    pub fn resolve(manifest: &Manifest, lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let mut urls = BTreeMap::new();
        for d in &manifest.datasets {
            let url = match d.connection.trim().strip_prefix("env:") {
                Some(var) => {
                    let var = var.trim();
                    lookup(var).ok_or_else(|| Error::MissingEnv { dataset: d.id.clone(), var: var.to_owned() })?
                }
                None => {
                    let url = d.connection.trim().to_owned();
                    if has_password(&url) {
                        return Err(Error::PasswordInManifest { dataset: d.id.clone() });
                    }
                    url
                }
            };
            urls.insert(d.id.clone(), url);
        }
        Ok(Self { urls })
    }

    /// Explicit URLs, e.g. for tests: `Connections::with([("shop", url)])`.
    pub fn with<K: Into<DatasetId>, V: Into<String>>(map: impl IntoIterator<Item = (K, V)>) -> Self {
        Self { urls: map.into_iter().map(|(k, v)| (k.into(), v.into())).collect() }
    }

    /// The URL of a dataset.
    pub fn get(&self, dataset: &str) -> Option<&str> {
        self.urls.get(dataset).map(String::as_str)
    }

    /// Sets or replaces a dataset's URL.
    pub fn insert(&mut self, dataset: impl Into<DatasetId>, url: impl Into<String>) {
        self.urls.insert(dataset.into(), url.into());
    }
}

impl fmt::Debug for Connections {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.urls.keys().map(|k| format!("{k} = <redacted>"))).finish()
    }
}

/// `scheme://user:password@host/…` or a `password=` query parameter.
pub(crate) fn has_password(url: &str) -> bool {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?']).next().unwrap_or_default();
    let userinfo_has_password = authority.rsplit_once('@').is_some_and(|(userinfo, _)| userinfo.contains(':'));
    let query_has_password = url
        .split_once('?')
        .is_some_and(|(_, q)| q.split('&').any(|kv| kv.to_ascii_lowercase().starts_with("password=")));
    userinfo_has_password || query_has_password
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_detected() {
        assert!(has_password("postgres://app:secret@db/shop"));
        assert!(has_password("mysql://db/shop?user=a&password=b"));
        assert!(!has_password("postgres://app@db/shop"));
        assert!(!has_password("sqlite:///var/data/shop.db"));
        assert!(!has_password("postgres://db:5432/shop"));
    }

    #[test]
    fn debug_hides_urls() {
        let c = Connections::with([("shop", "postgres://app:secret@db/shop")]);
        let shown = format!("{c:?}");
        assert!(shown.contains("shop") && !shown.contains("secret"), "{shown}");
    }
}
