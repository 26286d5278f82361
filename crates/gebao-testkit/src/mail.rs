//! A real SMTP server for the e-mail tests: Debian's `python3-aiosmtpd`, started on a free
//! loopback port and writing every message it accepts into a maildir. Missing package: the
//! test is skipped with a notice, or fails under `CI=true` (the test script installs it).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PYTHON: &str = "/usr/bin/python3";

/// A running SMTP server and the mail it received.
pub struct MailServer {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl MailServer {
    /// Starts it, or `None` when aiosmtpd is not installed (a failure under `CI=true`).
    pub fn start() -> Option<MailServer> {
        let installed = Path::new(PYTHON).exists()
            && Command::new(PYTHON)
                .args(["-c", "import aiosmtpd"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
        if !installed {
            let msg = "python3-aiosmtpd is not installed (apt-get install python3-aiosmtpd)";
            assert!(!crate::ci(), "{msg}");
            eprintln!("skipped: {msg}");
            return None;
        }
        let dir = tempfile::tempdir().expect("a maildir");
        let port = crate::free_port();
        let child = Command::new(PYTHON)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "aiosmtpd did not listen within 20 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(MailServer { child, port, dir })
    }

    /// Every message received so far, as its raw text.
    pub fn messages(&self) -> Vec<String> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.dir.path().join("mail").join(sub)) else { continue };
            for e in entries.flatten() {
                if let Ok(text) = std::fs::read_to_string(e.path()) {
                    out.push(text);
                }
            }
        }
        out
    }
}

/// A received message's recipient header and its text, decoded (base64 or plain).
pub fn read(raw: &str) -> (String, String) {
    use base64::Engine as _;
    let (head, body) = raw.split_once("\n\n").unwrap_or((raw, ""));
    let to = head.lines().find_map(|l| l.strip_prefix("To: ")).unwrap_or_default().trim().to_owned();
    let text = if head.lines().any(|l| l.eq_ignore_ascii_case("Content-Transfer-Encoding: base64")) {
        let joined: String = body.split_whitespace().collect();
        base64::engine::general_purpose::STANDARD
            .decode(joined)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default()
    } else {
        body.to_owned()
    };
    (to, text)
}

impl Drop for MailServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
