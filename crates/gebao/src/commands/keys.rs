//! `gebao keys create|list|revoke`: operator API keys with scopes. The secret is shown once
//! and stored only as a SHA-256 hash; there is no default key and no default password —
//! the first key is created here, by whoever can reach the store.

use super::store_args::{StoreArgs, cli_actor, now_ms};
use crate::{Outcome, out};
use anyhow::{Result, bail};
use gebao_core::text::Lang;
use gebao_store::{NewApiKey, NewAudit, Scope};
use rand::RngCore;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: KeysCommand,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(clap::Subcommand)]
enum KeysCommand {
    /// Create a key; prints the token once.
    Create {
        /// What the key is for, e.g. "app-backend".
        #[arg(long)]
        name: String,
        /// Comma-separated scopes, e.g. decisions:read,consents:write (least privilege).
        #[arg(long, value_delimiter = ',', required = true)]
        scope: Vec<Scope>,
        /// Print the key as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List keys (never their secrets).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key by id.
    Revoke {
        id: String,
        /// Why, for the audit log.
        #[arg(long)]
        reason: Option<String>,
    },
}

/// A new random token `gbk_<id>_<secret>`: 8 hex characters of id, 256 bits of secret.
fn new_token() -> (String, String) {
    let mut id = [0u8; 4];
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut id);
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let id = hex::encode(id);
    let token = format!("{}{id}_{}", gebao_server::auth::TOKEN_PREFIX, hex::encode(secret));
    (id, token)
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    super::block_on(async move {
        let store = args.store.open().await?;
        match args.command {
            KeysCommand::Create { name, scope, json } => {
                if name.trim().is_empty() {
                    bail!(if lang == Lang::ZhCn { "--name 不能为空" } else { "--name must not be empty" });
                }
                let (id, token) = new_token();
                let mut scopes = scope;
                scopes.sort();
                scopes.dedup();
                let audit = NewAudit {
                    actor: cli_actor(),
                    action: gebao_store::AuditAction::KeyCreate,
                    target: format!("api-key:{id}"),
                    reason: None,
                    detail: serde_json::json!({"name": name, "scopes": scopes}),
                    at_ms: now_ms(),
                };
                let key = NewApiKey {
                    id: id.clone(),
                    name,
                    hash: gebao_server::auth::token_hash(&token),
                    scopes,
                    created_ms: now_ms(),
                };
                let stored = store.create_api_key(key, audit).await?;
                if json {
                    out::line(
                        serde_json::json!({"id": stored.id, "name": stored.name, "scopes": stored.scopes, "token": token}),
                    )?;
                } else {
                    out::line(format!(
                        "id:     {}\nscopes: {}\ntoken:  {token}",
                        stored.id,
                        scope_list(&stored.scopes)
                    ))?;
                    out::line(if lang == Lang::ZhCn {
                        "令牌只显示这一次，请妥善保存（gebao 只保存其哈希值）"
                    } else {
                        "the token is shown only once: keep it safe (gebao stores only its hash)"
                    })?;
                }
            }
            KeysCommand::List { json } => {
                let keys = store.api_keys().await?;
                if json {
                    out::line(serde_json::to_string_pretty(&keys)?)?;
                } else {
                    for k in &keys {
                        let state = match k.revoked_ms {
                            Some(_) if lang == Lang::ZhCn => "已吊销",
                            Some(_) => "revoked",
                            None if lang == Lang::ZhCn => "有效",
                            None => "active",
                        };
                        out::line(format!("{:<10} {:<8} {:<24} {}", k.id, state, k.name, scope_list(&k.scopes)))?;
                    }
                }
            }
            KeysCommand::Revoke { id, reason } => {
                let audit = NewAudit {
                    actor: cli_actor(),
                    action: gebao_store::AuditAction::KeyRevoke,
                    target: format!("api-key:{id}"),
                    reason,
                    detail: serde_json::Value::Null,
                    at_ms: now_ms(),
                };
                if !store.revoke_api_key(&id, audit).await? {
                    bail!(if lang == Lang::ZhCn {
                        format!("没有 id 为 `{id}` 的有效密钥")
                    } else {
                        format!("no active key with id `{id}`")
                    });
                }
                out::line(if lang == Lang::ZhCn { format!("已吊销 {id}") } else { format!("revoked {id}") })?;
            }
        }
        Ok(Outcome::Ok)
    })?
}

fn scope_list(scopes: &[Scope]) -> String {
    scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
}
