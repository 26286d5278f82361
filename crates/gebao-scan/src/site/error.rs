//! Why a page could not be scanned. Each message names the address or the tool and what to
//! do. `Display` is English (for logs); [`SiteError::message`] gives the zh-CN text too.

use gebao_browser::BrowserError;
use gebao_core::text::Lang;

#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// Not an http or https address.
    #[error("`{url}` is not an http:// or https:// address: pass the page's address, e.g. https://www.example.cn/")]
    NotHttp { url: String },
    /// Not an address at all.
    #[error("`{url}` is not a web address ({reason}): pass the page's address, e.g. https://www.example.cn/")]
    BadUrl { url: String, reason: String },
    /// Chromium or chromedriver is missing.
    #[error("chromium is not installed (no {path}): apt-get install chromium chromium-driver")]
    NoBrowser { path: String },
    /// The browser failed.
    #[error("{0}")]
    Browser(BrowserError),
    /// The host could not be reached.
    #[error(
        "cannot reach {url} ({reason}): check the address, that the site is up, and that this machine can reach it"
    )]
    Unreachable { url: String, reason: String },
    /// The page answered with an error status.
    #[error("{url} answered HTTP {status}: scan a page that loads (status 2xx); check the address")]
    Status { url: String, status: u16 },
    /// The page did not load in time.
    #[error("{url} did not load within {secs} s: check that the site answers, or scan a lighter page")]
    PageTimeout { url: String, secs: u64 },
    /// The whole scan ran out of time.
    #[error("the scan took longer than {secs} s: raise --timeout, or lower --wait")]
    Timeout { secs: u64 },
}

impl From<BrowserError> for SiteError {
    fn from(e: BrowserError) -> Self {
        match e {
            BrowserError::NotInstalled { path, .. } => SiteError::NoBrowser { path: path.display().to_string() },
            other => SiteError::Browser(other),
        }
    }
}

impl SiteError {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            SiteError::NotHttp { url } => {
                format!("`{url}` 不是 http:// 或 https:// 地址：请传入网页的地址，例如 https://www.example.cn/")
            }
            SiteError::BadUrl { url, reason } => {
                format!("`{url}` 不是网址（{reason}）：请传入网页的地址，例如 https://www.example.cn/")
            }
            SiteError::NoBrowser { path } => {
                format!("未安装 chromium（没有 {path}）：请运行 apt-get install chromium chromium-driver")
            }
            SiteError::Browser(e) => format!("浏览器出错：{e}"),
            SiteError::Unreachable { url, reason } => {
                format!("无法访问 {url}（{reason}）：请检查地址、网站是否在运行，以及本机能否访问它")
            }
            SiteError::Status { url, status } => {
                format!("{url} 返回了 HTTP {status}：请扫描能正常打开（状态码 2xx）的网页，并检查地址")
            }
            SiteError::PageTimeout { url, secs } => {
                format!("{url} 在 {secs} 秒内没有加载完成：请检查网站能否响应，或扫描一个较轻的页面")
            }
            SiteError::Timeout { secs } => format!("扫描超过了 {secs} 秒：请调大 --timeout，或调小 --wait"),
        }
    }
}
