//! Consent scopes as small numbers: [`ScopeId`].
//!
//! A subject's consents are kept as `(ScopeId, ConsentEntry)` pairs, not keyed by the scope's
//! text, so that millions of subjects in memory carry no strings, and an [`Engine`] resolves
//! the scopes each purpose needs once, when it is compiled: a decision compares numbers.
//!
//! The numbering is the process's: scopes are numbered in the order they are first seen and
//! never renumbered or forgotten (a policy version's scopes are few; every version a
//! process ever compiles adds at most its own). A number written to disk must be written with
//! its scope (see the server's snapshot), never alone.
//!
//! [`Engine`]: super::Engine

use super::consent::ConsentScope;
use std::collections::HashMap;
use std::sync::{LazyLock, PoisonError, RwLock};

/// The number of a consent scope in this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScopeId(pub u32);

#[derive(Default)]
struct Table {
    ids: HashMap<ConsentScope, ScopeId>,
    scopes: Vec<ConsentScope>,
}

static TABLE: LazyLock<RwLock<Table>> = LazyLock::new(Default::default);

impl ScopeId {
    /// The number of `scope`, given it on first sight.
    pub fn of(scope: &ConsentScope) -> ScopeId {
        if let Some(id) = TABLE.read().unwrap_or_else(PoisonError::into_inner).ids.get(scope) {
            return *id;
        }
        let mut t = TABLE.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(id) = t.ids.get(scope) {
            return *id;
        }
        // Four billion distinct scopes cannot come from manifests; saturating keeps the
        // function total.
        let id = ScopeId(u32::try_from(t.scopes.len()).unwrap_or(u32::MAX));
        t.scopes.push(scope.clone());
        t.ids.insert(scope.clone(), id);
        id
    }

    /// The number of `scope` if it has one (a scope never seen has no consent anywhere).
    pub fn find(scope: &ConsentScope) -> Option<ScopeId> {
        TABLE.read().unwrap_or_else(PoisonError::into_inner).ids.get(scope).copied()
    }

    /// The scope numbered `self`.
    pub fn scope(self) -> Option<ConsentScope> {
        TABLE.read().unwrap_or_else(PoisonError::into_inner).scopes.get(self.0 as usize).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::PurposeId;

    #[test]
    fn a_scope_keeps_its_number() {
        let a = ConsentScope::Purpose { purpose: PurposeId("scopes-test-a".into()) };
        let b = ConsentScope::Sensitive { purpose: PurposeId("scopes-test-a".into()) };
        assert_eq!(ScopeId::find(&a), None);
        let ia = ScopeId::of(&a);
        let ib = ScopeId::of(&b);
        assert_ne!(ia, ib);
        assert_eq!(ScopeId::of(&a), ia);
        assert_eq!(ScopeId::find(&b), Some(ib));
        assert_eq!(ia.scope(), Some(a));
    }
}
