//! A tiny HTTP/1.1 listener on 127.0.0.1:0 that records what reaches it, and the
//! verifiers of `docs/webhooks.md` run in their own languages.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::mpsc;

/// What the listener answers.
#[derive(Clone)]
pub enum Reply {
    /// A status, extra headers and a body, with Content-Length.
    Fixed { status: u16, headers: Vec<(&'static str, String)>, body: Vec<u8> },
    /// 200 with `len` bytes of JSON-ish filler, with Content-Length or chunked.
    Huge { len: u64, chunked: bool },
    /// Reads the request and never answers.
    Stall,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Self {
        Reply::Fixed { status, headers: vec![("content-type", "application/json".into())], body: body.into() }
    }
}

/// A request as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    /// Header names lowercase; a repeated header keeps its last value.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

pub struct Listener {
    pub addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    /// Bytes of the answer body written to the socket successfully (for `Huge`).
    pub body_written: Arc<AtomicU64>,
    /// Set when the writer of a `Huge` answer stopped (done or the peer went away).
    pub writer_done: Arc<AtomicBool>,
    requests: mpsc::UnboundedReceiver<Received>,
}

impl Listener {
    pub async fn start(reply: Reply) -> Listener {
        let socket = TcpSocket::new_v4().unwrap();
        // Small kernel buffers, inherited by accepted sockets, so that an unread answer
        // stays in this process and shows in `body_written`.
        socket.set_send_buffer_size(16 * 1024).unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(16).unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let body_written = Arc::new(AtomicU64::new(0));
        let writer_done = Arc::new(AtomicBool::new(false));
        let (tx, requests) = mpsc::unbounded_channel();
        let (c, w, d) = (connections.clone(), body_written.clone(), writer_done.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                c.fetch_add(1, Ordering::SeqCst);
                let (tx, reply, w, d) = (tx.clone(), reply.clone(), w.clone(), d.clone());
                tokio::spawn(async move { serve(stream, tx, reply, w, d).await });
            }
        });
        Listener { addr, connections, body_written, writer_done, requests }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Connections accepted so far (after a short grace period for any in flight).
    pub async fn connections(&self) -> usize {
        tokio::time::sleep(Duration::from_millis(100)).await;
        self.connections.load(Ordering::SeqCst)
    }

    pub async fn next_request(&mut self) -> Received {
        tokio::time::timeout(Duration::from_secs(5), self.requests.recv()).await.unwrap().unwrap()
    }
}

async fn serve(
    mut stream: TcpStream,
    tx: mpsc::UnboundedSender<Received>,
    reply: Reply,
    written: Arc<AtomicU64>,
    done: Arc<AtomicBool>,
) {
    let Some(request) = read_request(&mut stream).await else { return };
    let _ = tx.send(request);
    match reply {
        Reply::Fixed { status, headers, body } => {
            let mut head = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&body).await;
            let _ = stream.shutdown().await;
        }
        Reply::Huge { len, chunked } => {
            let framing =
                if chunked { "transfer-encoding: chunked".to_string() } else { format!("content-length: {len}") };
            let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{framing}\r\n\r\n");
            if stream.write_all(head.as_bytes()).await.is_ok() {
                let piece = vec![b' '; 64 * 1024];
                let mut sent = 0;
                while sent < len {
                    let ok = if chunked {
                        let framed = [format!("{:x}\r\n", piece.len()).into_bytes(), piece.clone(), b"\r\n".to_vec()];
                        stream.write_all(&framed.concat()).await.is_ok()
                    } else {
                        stream.write_all(&piece).await.is_ok()
                    };
                    if !ok {
                        break;
                    }
                    sent += piece.len() as u64;
                    written.store(sent, Ordering::SeqCst);
                }
            }
            done.store(true, Ordering::SeqCst);
        }
        Reply::Stall => tokio::time::sleep(Duration::from_secs(60)).await,
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Received> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buf[..end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, path) = (first.next()?.to_string(), first.next()?.to_string());
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = buf[end + 4..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Received { method, path, headers, body })
}

/// A code block of `docs/webhooks.md`, by its language tag.
pub fn doc_snippet(lang: &str) -> String {
    let doc = include_str!("../../../../docs/webhooks.md");
    let fence = format!("```{lang}\n");
    let start = doc.find(&fence).unwrap_or_else(|| panic!("no {lang} block in docs/webhooks.md")) + fence.len();
    let len = doc[start..].find("```").unwrap();
    doc[start..start + len].to_string()
}

pub fn has(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success())
}

fn has_go() -> bool {
    Command::new("go").arg("version").output().is_ok_and(|o| o.status.success())
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gebao-egress-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the documented verifier of `lang` over a received delivery; `None` when the
/// language's runtime is missing. The answer is the verifier's `true`/`false`.
pub fn run_doc_verifier(lang: &str, secret: &str, timestamp: &str, body: &[u8], signature: &str) -> Option<bool> {
    let dir = scratch(lang);
    let body_file = dir.join("body");
    std::fs::write(&body_file, body).unwrap();
    let snippet = doc_snippet(lang);
    let mut cmd = match lang {
        "python" => {
            if !has("python3") {
                return None;
            }
            let driver = "import os\nprint(verify(os.environ['SECRET'].encode(), os.environ['TS'], \
                          open(os.environ['BODY_FILE'], 'rb').read(), os.environ['SIG']))\n";
            let mut c = Command::new("python3");
            c.arg("-c").arg(format!("{snippet}\n{driver}"));
            c
        }
        "js" => {
            if !has("node") {
                return None;
            }
            let driver = "console.log(String(verify(process.env.SECRET, process.env.TS, \
                          require('fs').readFileSync(process.env.BODY_FILE), process.env.SIG)));\n";
            let mut c = Command::new("node");
            c.arg("-e").arg(format!("{snippet}\n{driver}"));
            c
        }
        "java" => {
            if !has("java") {
                return None;
            }
            let (imports, body_lines): (Vec<&str>, Vec<&str>) = snippet.lines().partition(|l| l.starts_with("import "));
            let source = format!(
                "{}\npublic class Verify {{\n{}\npublic static void main(String[] a) throws Exception {{\n\
                 System.out.println(verify(System.getenv(\"SECRET\").getBytes(StandardCharsets.UTF_8), \
                 System.getenv(\"TS\"), java.nio.file.Files.readAllBytes(java.nio.file.Path.of(System.getenv(\"BODY_FILE\"))), \
                 System.getenv(\"SIG\")));\n}}\n}}\n",
                imports.join("\n"),
                body_lines.join("\n")
            );
            let file = dir.join("Verify.java");
            std::fs::write(&file, source).unwrap();
            let mut c = Command::new("java");
            c.arg(file);
            c
        }
        "go" => {
            if !has_go() {
                return None;
            }
            let driver = "func main() {\n\tbody, _ := os.ReadFile(os.Getenv(\"BODY_FILE\"))\n\t\
                          fmt.Println(verify([]byte(os.Getenv(\"SECRET\")), os.Getenv(\"TS\"), body, os.Getenv(\"SIG\")))\n}\n";
            let file = dir.join("verify.go");
            std::fs::write(&file, format!("package main\nimport (\"fmt\"; \"os\")\n{snippet}\n{driver}")).unwrap();
            let mut c = Command::new("go");
            // Caches in the temporary directory: no dependence on HOME or GOPATH.
            let go_home = std::env::temp_dir().join("gebao-egress-go");
            c.arg("run").arg(file).env("GOCACHE", go_home.join("cache")).env("GOPATH", go_home.join("path"));
            c
        }
        other => panic!("no driver for {other}"),
    };
    let out = cmd
        .env("SECRET", secret)
        .env("TS", timestamp)
        .env("SIG", signature)
        .env("BODY_FILE", &body_file)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout).trim().to_ascii_lowercase();
    assert!(out.status.success(), "{lang} verifier failed: {}", String::from_utf8_lossy(&out.stderr));
    match stdout.as_str() {
        "true" => Some(true),
        "false" => Some(false),
        other => panic!("{lang} verifier printed {other:?}"),
    }
}
