//! `gebao staff add|list|disable|reset`: the console's staff accounts, separate from API
//! keys. A new or reset account gets a password (generated and printed once, or read from
//! standard input with `--password-stdin`) and a TOTP secret to enrol in an authenticator
//! app (printed once as an `otpauth://` URI and in base32). gebao keeps the password as an
//! Argon2id hash and the secret encrypted.

use super::store_args::{StoreArgs, cli_actor, now_ms};
use crate::{Outcome, out};
use anyhow::{Result, bail};
use gebao_core::text::Lang;
use gebao_store::staff::{self, NewStaff, StaffRole, TotpSecret};
use gebao_store::{AuditAction, NewAudit};
use std::io::Read as _;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: StaffCommand,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(clap::Subcommand)]
enum StaffCommand {
    /// Add an account; prints its password (unless read from stdin) and TOTP secret once.
    Add {
        /// Login name: a-z, 0-9, `.`, `_`, `-` (at most 64).
        name: String,
        /// privacy-officer, support, auditor or admin.
        #[arg(long, value_parser = parse_role)]
        role: StaffRole,
        /// The name shown in the console (default: the login name).
        #[arg(long)]
        display_name: Option<String>,
        /// Read the password from standard input (at least 12 characters) instead of
        /// generating one.
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        json: bool,
    },
    /// List accounts (never their secrets).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Disable an account: it cannot sign in, and its sessions end.
    Disable {
        name: String,
        /// Why, for the audit log.
        #[arg(long)]
        reason: Option<String>,
    },
    /// A new password and TOTP secret (a lost phone, a forgotten password); clears a lock.
    Reset {
        name: String,
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        json: bool,
    },
}

fn parse_role(s: &str) -> Result<StaffRole, String> {
    s.parse()
}

fn zh(lang: Lang, zh: impl Into<String>, en: impl Into<String>) -> String {
    if lang == Lang::ZhCn { zh.into() } else { en.into() }
}

/// The password: read from stdin (trailing newline dropped) or generated; `true` when
/// generated (then printed).
fn password(from_stdin: bool, lang: Lang) -> Result<(String, bool)> {
    if !from_stdin {
        return Ok((staff::generate_password(), true));
    }
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    let p = s.trim_end_matches(['\n', '\r']).to_owned();
    if p.chars().count() < staff::MIN_PASSWORD_CHARS {
        bail!(zh(
            lang,
            format!("密码至少 {} 个字符", staff::MIN_PASSWORD_CHARS),
            format!("the password needs at least {} characters", staff::MIN_PASSWORD_CHARS)
        ));
    }
    Ok((p, false))
}

fn audit(action: AuditAction, name: &str, reason: Option<String>, detail: serde_json::Value) -> NewAudit {
    NewAudit { actor: cli_actor(), action, target: format!("staff:{name}"), reason, detail, at_ms: now_ms() }
}

/// Prints what the person needs to sign in, once.
fn enrolment(name: &str, password: Option<&str>, secret: &TotpSecret, json: bool, lang: Lang) -> Result<()> {
    let uri = secret.uri("gebao", name);
    if json {
        return Ok(out::line(serde_json::json!({
            "name": name, "password": password, "totp_secret": secret.base32(), "totp_uri": uri,
        }))?);
    }
    if let Some(p) = password {
        out::line(format!("{}{p}", zh(lang, "初始密码：  ", "password:    ")))?;
    }
    out::line(format!("{}{}", zh(lang, "TOTP 密钥： ", "TOTP secret: "), secret.base32()))?;
    out::line(format!("{}{uri}", zh(lang, "TOTP URI：  ", "TOTP URI:    ")))?;
    Ok(out::line(zh(
        lang,
        "以上内容只显示这一次：请把 URI 或密钥录入身份验证器应用，并安全地交给本人（gebao 只保存密码的哈希值和加密后的密钥）",
        "shown only once: enrol the URI or secret in an authenticator app and hand it over safely \
         (gebao keeps only the password's hash and the secret encrypted)",
    ))?)
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    super::block_on(async move {
        match args.command {
            StaffCommand::Add { name, role, display_name, password_stdin, json } => {
                if !staff::valid_name(&name) {
                    bail!(zh(
                        lang,
                        format!(
                            "登录名 `{name}` 无效：只能使用 a-z、0-9、`.`、`_`、`-`，以字母或数字开头，至多 64 个字符"
                        ),
                        format!(
                            "invalid login name `{name}`: use a-z, 0-9, `.`, `_`, `-`, starting with a letter or digit, at most 64"
                        )
                    ));
                }
                let display_name = display_name.unwrap_or_else(|| name.clone());
                if display_name.trim().is_empty() || display_name.chars().count() > 100 {
                    bail!(zh(lang, "--display-name 须为 1–100 个字符", "--display-name must have 1–100 characters"));
                }
                let (pw, generated) = password(password_stdin, lang)?;
                let store = args.store.open().await?;
                let secret = TotpSecret::generate();
                let new = NewStaff {
                    name: name.clone(),
                    display_name: display_name.clone(),
                    role,
                    password_hash: staff::hash_password(&pw)?,
                    totp_secret: secret.clone(),
                    at_ms: now_ms(),
                };
                let detail = serde_json::json!({ "role": role, "display_name": display_name });
                store.create_staff(new, audit(AuditAction::StaffAdd, &name, None, detail)).await?;
                enrolment(&name, generated.then_some(pw.as_str()), &secret, json, lang)?;
            }
            StaffCommand::List { json } => {
                let store = args.store.open().await?;
                let all = store.staff_accounts().await?;
                if json {
                    out::line(serde_json::to_string_pretty(&all)?)?;
                }
                let now = now_ms();
                for s in all.iter().filter(|_| !json) {
                    let state = match (s.disabled_ms, s.locked(now)) {
                        (Some(_), _) => zh(lang, "已停用", "disabled"),
                        (None, true) => zh(lang, "已锁定", "locked"),
                        (None, false) => zh(lang, "有效", "active"),
                    };
                    out::line(format!("{:<24} {:<16} {:<9} {}", s.name, s.role.as_str(), state, s.display_name))?;
                }
            }
            StaffCommand::Disable { name, reason } => {
                let store = args.store.open().await?;
                if !store
                    .disable_staff(&name, audit(AuditAction::StaffDisable, &name, reason, serde_json::json!({})))
                    .await?
                {
                    bail!(zh(
                        lang,
                        format!("没有名为 `{name}` 的有效账号"),
                        format!("no enabled account named `{name}`")
                    ));
                }
                out::line(zh(lang, format!("已停用 {name}"), format!("disabled {name}")))?;
            }
            StaffCommand::Reset { name, password_stdin, json } => {
                let (pw, generated) = password(password_stdin, lang)?;
                let store = args.store.open().await?;
                let secret = TotpSecret::generate();
                let entry = audit(AuditAction::StaffReset, &name, None, serde_json::json!({}));
                if store.reset_staff(&name, staff::hash_password(&pw)?, secret.clone(), entry).await?.is_none() {
                    bail!(zh(lang, format!("没有名为 `{name}` 的账号"), format!("no account named `{name}`")));
                }
                enrolment(&name, generated.then_some(pw.as_str()), &secret, json, lang)?;
            }
        }
        Ok(Outcome::Ok)
    })?
}
