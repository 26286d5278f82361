//! The running server's API as the staff commands (`gebao requests`, `gebao incident`) call
//! it: the staff's key, the server's own types for bodies and answers, and a problem
//! document turned into an error that says what was wrong in the chosen language.

use anyhow::{Context, Result, bail};
use gebao_core::text::Lang;
use gebao_server::api::Problem;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The server's API, with the staff's key.
pub struct Api {
    http: reqwest::blocking::Client,
    base: String,
    token: String,
    lang: Lang,
}

/// Where the running server is and the key to call it with, shared by the commands that
/// work through the API.
#[derive(clap::Args)]
pub struct Remote {
    /// The server's base URL.
    #[arg(long, env = "GEBAO_SERVER", default_value = "http://127.0.0.1:7480", global = true)]
    pub server: String,
    /// An API key with the scopes the command needs (`gebao keys create --scope …`).
    #[arg(long, env = "GEBAO_TOKEN", global = true, hide_env_values = true)]
    pub token: Option<String>,
    /// Print the server's JSON.
    #[arg(long, global = true)]
    pub json: bool,
}

impl Remote {
    /// The API with this key, or an error that says how to get one with `scopes`.
    pub fn api(&self, scopes: &str, lang: Lang) -> Result<Api> {
        Api::with_token(&self.server, self.token.clone(), scopes, lang)
    }

    /// Prints the server's answer: its JSON with `--json`, else the lines `readable` makes.
    pub fn print(
        &self,
        answer: &serde_json::Value,
        readable: impl FnOnce(&serde_json::Value) -> Vec<String>,
    ) -> Result<()> {
        if self.json {
            crate::out::line(serde_json::to_string_pretty(answer)?)?;
        } else {
            for line in readable(answer) {
                crate::out::line(line)?;
            }
        }
        Ok(())
    }
}

impl Api {
    /// The API at `server` with the staff's `token`, or an error that says how to get a key
    /// with `scopes`.
    pub fn with_token(server: &str, token: Option<String>, scopes: &str, lang: Lang) -> Result<Api> {
        let Some(token) = token else {
            bail!(if lang == Lang::ZhCn {
                format!("需要 API 密钥：请用 --token 或 GEBAO_TOKEN 指定（gebao keys create --scope {scopes}）")
            } else {
                format!("an API key is needed: pass --token or set GEBAO_TOKEN (gebao keys create --scope {scopes})")
            });
        };
        Api::new(server, token, lang)
    }

    pub fn new(server: &str, token: String, lang: Lang) -> Result<Api> {
        Ok(Api {
            http: reqwest::blocking::Client::builder().timeout(std::time::Duration::from_secs(60)).build()?,
            base: server.trim_end_matches('/').to_owned(),
            token,
            lang,
        })
    }

    /// Calls the API and reads the answer as the server's own type; a problem document
    /// becomes an error with its detail in the chosen language and the field it names.
    pub fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: Option<&impl Serialize>,
        body: Option<&impl Serialize>,
    ) -> Result<T> {
        let bytes = self.send(method, path, query, body)?;
        serde_json::from_slice(&bytes).with_context(|| {
            format!("the server's answer to {path} is not what this gebao reads: is the server the same version?")
        })
    }

    /// Calls the API and returns the answer's bytes (a document, not JSON); errors as
    /// [`Api::call`].
    pub fn send(
        &self,
        method: Method,
        path: &str,
        query: Option<&impl Serialize>,
        body: Option<&impl Serialize>,
    ) -> Result<Vec<u8>> {
        let mut req = self.http.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token);
        if let Some(q) = query {
            req = req.query(q);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().with_context(|| format!("cannot reach the server at {}", self.base))?;
        let status = resp.status();
        let bytes = resp.bytes().with_context(|| format!("the answer of {path} was cut off"))?;
        if !status.is_success() {
            let reason = status.canonical_reason().unwrap_or("error");
            match serde_json::from_slice::<Problem>(&bytes) {
                Ok(p) => {
                    let detail = if self.lang == Lang::ZhCn { &p.detail } else { &p.detail_en };
                    let field = p.field.map(|f| format!(" (`{f}`)")).unwrap_or_default();
                    bail!("HTTP {} {reason}: {detail}{field}", status.as_u16())
                }
                Err(_) => bail!("HTTP {} {reason}", status.as_u16()),
            }
        }
        Ok(bytes.to_vec())
    }
}

/// An id percent-encoded as one path segment.
pub fn segment(id: &str) -> String {
    id.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
