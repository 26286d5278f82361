//! API keys: `Authorization: Bearer gbk_<id>_<secret>`. The key is found by the SHA-256 of
//! the whole token (`Store::api_key_by_hash`, which also checks the key's row against its
//! audit record); resolved keys are cached in memory, so the hot path does no database read.
//! The cache is emptied whenever the store's change feed reports a key created or revoked —
//! on this instance or any other sharing the database — so a revocation takes effect within
//! the sync interval, not a cache lifetime. Each route names the one scope it needs in its
//! signature (`Auth<scope::DecisionsRead>`): least privilege, visible in the code and in
//! `/openapi.json`.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use gebao_store::{Scope, Store};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// Prefix of every gebao API token.
pub const TOKEN_PREFIX: &str = "gbk_";
/// Beyond this many cached tokens the cache starts over (it also remembers unknown
/// tokens, which a caller could otherwise grow without bound).
const CACHE_MAX: usize = 10_000;

/// SHA-256 of a whole token, as stored.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The id part of a well-formed token (`gbk_<id>_<secret>`), or `None`.
fn token_id(token: &str) -> Option<&str> {
    let rest = token.strip_prefix(TOKEN_PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (token.len() <= 256 && ok(id) && ok(secret)).then_some(id)
}

/// A resolved key: who is calling and what it may do.
#[derive(Debug, Clone)]
pub struct Caller {
    pub key_id: String,
    pub scopes: Vec<Scope>,
}

impl Caller {
    /// The audit actor: `api-key:<id>`.
    pub fn actor(&self) -> String {
        format!("api-key:{}", self.key_id)
    }
}

struct Cached {
    caller: Option<Arc<Caller>>,
    at: Instant,
}

/// Token hash → resolved key (or "no such key"), until a key changes or `ttl` passes.
pub struct KeyCache {
    map: RwLock<HashMap<[u8; 32], Cached>>,
    ttl: Duration,
    /// Bumped by every invalidation: a lookup that started before one does not cache its
    /// (possibly stale) answer.
    generation: AtomicU64,
}

impl KeyCache {
    pub fn new(ttl: Duration) -> Self {
        KeyCache { map: RwLock::new(HashMap::new()), ttl, generation: AtomicU64::new(0) }
    }

    /// Forgets every resolved key (a key was created or revoked somewhere).
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.map.write().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }

    /// Resolves a bearer token; `Ok(None)` when no active key has it.
    pub async fn resolve(&self, store: &dyn Store, token: &str) -> Result<Option<Arc<Caller>>, ApiError> {
        let Some(id) = token_id(token) else { return Ok(None) };
        let hash = token_hash(token);
        {
            let map = self.map.read().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(c) = map.get(&hash)
                && c.at.elapsed() < self.ttl
            {
                return Ok(c.caller.clone());
            }
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let key = match store.api_key_by_hash(&hash).await {
            Ok(k) => k,
            Err(gebao_store::StoreError::Tampered(what)) => {
                // Refused, loudly: a key row edited outside gebao is never honoured.
                tracing::error!(key = %id, what = %what, "API key refused: its row does not match its audit record");
                None
            }
            Err(e) => return Err(e.into()),
        };
        // The id in the token must be the key's own: a hash collision is not a concern, but
        // a mismatch means a forged or mangled token.
        let caller = key
            .filter(|k| k.revoked_ms.is_none() && k.id == id)
            .map(|k| Arc::new(Caller { key_id: k.id, scopes: k.scopes }));
        let mut map = self.map.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.generation.load(Ordering::SeqCst) != generation {
            return Ok(caller);
        }
        if map.len() >= CACHE_MAX {
            map.clear();
        }
        map.insert(hash, Cached { caller: caller.clone(), at: Instant::now() });
        Ok(caller)
    }
}

/// The scope a route needs, as a type.
pub trait RequiredScope: Send + Sync + 'static {
    const SCOPE: Scope;
}

/// Marker types for [`Auth`], one per scope.
pub mod scope {
    use super::RequiredScope;
    use gebao_store::Scope;

    macro_rules! scopes {
        ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
            $(#[$doc])*
            pub struct $name;
            impl RequiredScope for $name {
                const SCOPE: Scope = Scope::$name;
            }
        )*};
    }

    scopes!(
        /// `decisions:read`
        DecisionsRead,
        /// `consents:read`
        ConsentsRead,
        /// `consents:write`
        ConsentsWrite,
        /// `subjects:read`
        SubjectsRead,
        /// `subjects:write`
        SubjectsWrite,
        /// `policy:write`
        PolicyWrite,
        /// `audit:read`
        AuditRead,
        /// `requests:read`
        RequestsRead,
        /// `requests:write`
        RequestsWrite,
        /// `portal:write`
        PortalWrite,
        /// `incidents:read`
        IncidentsRead,
        /// `incidents:write`
        IncidentsWrite,
        /// `termination:read`
        TerminationRead,
        /// `termination:write`
        TerminationWrite,
        /// `abroad:read`
        AbroadRead,
        /// `abroad:write`
        AbroadWrite,
        /// `provisions:read`
        ProvisionsRead,
        /// `pia:read`
        PiaRead,
        /// `pia:write`
        PiaWrite,
    );
}

/// An authenticated caller holding the scope `S`; the extractor answers 401 without a
/// valid key and 403 when the key lacks `S`.
pub struct Auth<S> {
    pub caller: Arc<Caller>,
    _scope: PhantomData<S>,
}

impl<S> Auth<S> {
    pub fn actor(&self) -> String {
        self.caller.actor()
    }
}

/// Resolves the request's bearer token, if any.
pub async fn caller_of(parts: &Parts, state: &AppState) -> Result<Option<Arc<Caller>>, ApiError> {
    caller_from_headers(&parts.headers, state).await
}

/// [`caller_of`] from the headers alone (routes that accept another proof instead).
pub async fn caller_from_headers(
    headers: &axum::http::HeaderMap,
    state: &AppState,
) -> Result<Option<Arc<Caller>>, ApiError> {
    let Some(value) = headers.get(AUTHORIZATION) else { return Ok(None) };
    let Some(token) = value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).map(str::trim) else {
        return Ok(None);
    };
    state.keys.resolve(state.store.as_ref(), token).await
}

impl<S: RequiredScope> FromRequestParts<AppState> for Auth<S> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = caller_of(parts, state).await?.ok_or(ApiError::Unauthorized)?;
        if !caller.scopes.contains(&S::SCOPE) {
            return Err(ApiError::Forbidden { scope: S::SCOPE });
        }
        Ok(Auth { caller, _scope: PhantomData })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_shape() {
        assert_eq!(token_id("gbk_abc123_s3cr3t"), Some("abc123"));
        assert_eq!(token_id("gbk_abc_sec_ret"), Some("abc"));
        assert_eq!(token_id("abc_def"), None);
        assert_eq!(token_id("gbk__secret"), None);
        assert_eq!(token_id("gbk_id_"), None);
        assert_eq!(token_id("gbk_id_sp ace"), None);
    }
}
