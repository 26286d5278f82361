//! Text messages to users (the manifest's `sms` channel), through the operator's SMS gateway
//! (`sms_gateway`): the interface an adapter to an SMS provider implements is one signed
//! POST per message,
//!
//! ```json
//! {"kind": "sms", "purpose": "incident-notice", "to": "+8613800000000",
//!  "text": "【示例社区】…", "params": {"product": "示例社区", …}}
//! ```
//!
//! answered 2xx once the provider accepted it (other answers are retried like every
//! delivery). `params` carries what a provider's pre-approved template needs; `text` is the
//! whole message. The number is erased from the outbox once delivered or given up.

use crate::state::AppState;
use gebao_core::manifest::NoticeChannel;
use gebao_store::{NewOutbox, OutboxKind};
use serde_json::{Value, json};

/// Whether text messages go out: a gateway is configured and the manifest's channels for
/// this notice name `sms`.
pub fn enabled(state: &AppState, channels: &[NoticeChannel]) -> bool {
    state.requests.sms_gateway.is_some() && channels.contains(&NoticeChannel::Sms)
}

/// A text message to `to`, queued through the outbox; `None` without a gateway.
pub fn message(
    state: &AppState,
    kind: OutboxKind,
    purpose: &str,
    to: &str,
    text: &str,
    params: Value,
) -> Option<NewOutbox> {
    let url = state.requests.sms_gateway.as_deref()?;
    let payload = json!({ "kind": "sms", "purpose": purpose, "to": to, "text": text, "params": params });
    let mut item = crate::requests::change::webhook(state, kind, url, payload, None);
    item.sensitive = true;
    Some(item)
}
