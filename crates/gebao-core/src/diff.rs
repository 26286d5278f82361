//! The change classifier of `gebao diff`: what changed between two manifests, and whether
//! each change is major under the six triggers of `pipl-rules.md` part J.
