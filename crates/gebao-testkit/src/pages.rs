//! Web pages served on loopback for the browser tests: a few fixed answers by path, from a
//! plain thread (no runtime needed, so blocking and async tests alike can use it), stopped
//! when dropped. Serve on 127.0.0.1 and open the pages as `localhost` to have two sites:
//! for the browser, `localhost` and `127.0.0.1` are different hosts.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// One answer.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: u16,
    pub content_type: &'static str,
    /// Further header lines, e.g. `set-cookie: a=1; Path=/`.
    pub headers: Vec<String>,
    pub body: String,
}

impl Page {
    pub fn html(body: impl Into<String>) -> Page {
        Page { status: 200, content_type: "text/html; charset=utf-8", headers: Vec::new(), body: body.into() }
    }

    pub fn script(body: impl Into<String>) -> Page {
        Page { status: 200, content_type: "text/javascript", headers: Vec::new(), body: body.into() }
    }

    pub fn status(status: u16) -> Page {
        Page { status, content_type: "text/plain", headers: Vec::new(), body: format!("{status}") }
    }
}

type Routes = Arc<RwLock<Vec<(String, Page)>>>;

/// Pages by path (the query is ignored); any other path is a 404.
pub struct Pages {
    pub port: u16,
    routes: Routes,
    stop: Arc<AtomicBool>,
}

impl Pages {
    pub fn serve(routes: Vec<(&str, Page)>) -> Pages {
        Pages::serve_with(|_| routes)
    }

    /// Serves the routes `routes` makes from the server's own address on `127.0.0.1`
    /// (`http://127.0.0.1:port`), for pages that load something of "another site".
    pub fn serve_with<'a>(routes: impl FnOnce(&str) -> Vec<(&'a str, Page)>) -> Pages {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let routes = routes(&format!("http://127.0.0.1:{port}"));
        let routes: Routes = Arc::new(RwLock::new(routes.into_iter().map(|(p, page)| (p.to_owned(), page)).collect()));
        let (flag, served) = (stop.clone(), routes.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    return;
                }
                // A thread per connection: a browser opens sockets it may never use.
                if let Ok(stream) = stream {
                    let routes = served.clone();
                    std::thread::spawn(move || answer(stream, &routes));
                }
            }
        });
        Pages { port, routes, stop }
    }

    /// Serves `page` at `path` from now on (for a page that names a server started after
    /// this one).
    pub fn set(&self, path: &str, page: Page) {
        let mut routes = self.routes.write().unwrap();
        routes.retain(|(p, _)| p != path);
        routes.push((path.to_owned(), page));
    }

    /// The address of `path` on `host` (`localhost` or `127.0.0.1`).
    pub fn url(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.port)
    }
}

fn answer(mut stream: TcpStream, routes: &Routes) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = [0u8; 8192];
    let n = stream.read(&mut buf).unwrap_or(0);
    let head = String::from_utf8_lossy(&buf[..n]);
    let path = head.split_whitespace().nth(1).unwrap_or("/").split('?').next().unwrap_or("/").to_owned();
    let page = routes.read().unwrap().iter().find(|(p, _)| *p == path).map(|(_, page)| page.clone());
    let page = page.unwrap_or_else(|| Page::status(404));
    let mut res = format!(
        "HTTP/1.1 {} X\r\ncontent-type: {}\r\ncontent-length: {}\r\ncache-control: no-store\r\nconnection: close\r\n",
        page.status,
        page.content_type,
        page.body.len()
    );
    for h in &page.headers {
        res.push_str(h);
        res.push_str("\r\n");
    }
    res.push_str("\r\n");
    res.push_str(&page.body);
    let _ = stream.write_all(res.as_bytes());
}

impl Drop for Pages {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accepting thread, which then sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}
