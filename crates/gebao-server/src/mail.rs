//! E-mail through the operator's SMTP relay (`[smtp]`), for notices to individuals: the
//! relay is the only place mail goes, over TLS (STARTTLS or implicit) unless the relay is on
//! this machine. A failure the relay may get over (a 4xx answer, a connection that
//! failed) is retried by the outbox; a 5xx refusal is final.

use crate::config::SmtpConfig;
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::net::IpAddr;
use std::time::Duration;

/// The relay, ready to send.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// What went wrong, and whether trying again may help.
#[derive(Debug)]
pub struct MailError {
    pub retryable: bool,
    pub reason: String,
}

fn loopback(host: &str) -> bool {
    host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl Mailer {
    /// The relay of `c`, or why it cannot be used (said at start, so the server does not run
    /// with a relay it cannot reach safely).
    pub fn new(c: &SmtpConfig) -> Result<Mailer, String> {
        let from: Mailbox = c.from.parse().map_err(|e| format!("[smtp] from `{}` is not an address: {e}", c.from))?;
        let builder = match c.tls.as_str() {
            "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&c.host),
            "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&c.host),
            "none" if loopback(&c.host) => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&c.host)),
            "none" => {
                return Err(format!(
                    "[smtp] tls = \"none\" is only allowed for a relay on this machine, not `{}`: use starttls or tls",
                    c.host
                ));
            }
            other => return Err(format!("[smtp] tls = `{other}`: use starttls, tls or none")),
        }
        .map_err(|e| format!("[smtp] host `{}`: {e}", c.host))?;
        let mut builder = builder.port(c.port).timeout(Some(Duration::from_secs(20)));
        if let (Some(user), Some(password)) = (&c.username, &c.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Mailer { transport: builder.build(), from })
    }

    /// Sends `text` to `to` with `subject`.
    pub async fn send(&self, to: &str, subject: &str, text: &str) -> Result<(), MailError> {
        let to: Mailbox =
            to.parse().map_err(|e| MailError { retryable: false, reason: format!("not an e-mail address: {e}") })?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(text.to_owned())
            .map_err(|e| MailError { retryable: false, reason: format!("the message cannot be built: {e}") })?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) => Err(MailError { retryable: !e.is_permanent(), reason: short(&e.to_string()) }),
        }
    }
}

/// A relay's answer, cut short (it is stored as the delivery's reason).
fn short(s: &str) -> String {
    s.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(host: &str, tls: &str, from: &str) -> SmtpConfig {
        SmtpConfig {
            host: host.into(),
            port: 25,
            tls: tls.into(),
            from: from.into(),
            username: None,
            password: Some("s3cret".into()),
        }
    }

    #[test]
    fn mail_never_crosses_a_network_in_clear_and_the_sender_must_be_an_address() {
        assert!(Mailer::new(&config("127.0.0.1", "none", "gebao <privacy@example.cn>")).is_ok());
        let e = Mailer::new(&config("smtp.example.cn", "none", "privacy@example.cn")).err().unwrap();
        assert!(e.contains("only allowed for a relay on this machine"), "{e}");
        let e = Mailer::new(&config("smtp.example.cn", "ssl", "privacy@example.cn")).err().unwrap();
        assert!(e.contains("use starttls, tls or none"), "{e}");
        let e = Mailer::new(&config("smtp.example.cn", "starttls", "not an address")).err().unwrap();
        assert!(e.contains("is not an address"), "{e}");
        assert!(!format!("{:?}", config("h", "tls", "a@b.cn")).contains("s3cret"), "the password is never shown");
    }
}
