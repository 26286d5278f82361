//! Rules of this area; see `pipl-rules.md` part C.

use super::{Ctx, Rule};

pub const RULES: &[Rule] = &[];

pub fn check(_cx: &mut Ctx<'_>) {}
