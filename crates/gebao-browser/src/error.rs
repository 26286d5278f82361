//! What can go wrong when driving the browser. Each message says what failed and, where
//! the user can do something about it, what to do.

use std::path::PathBuf;
use std::time::Duration;

/// A failure to start or drive the browser.
#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    /// Chromium or its driver is not at the expected path.
    #[error("{what} is not installed (no {path}): apt-get install chromium chromium-driver")]
    NotInstalled { what: &'static str, path: PathBuf },
    /// The driver could not be started.
    #[error("cannot start {path}: {source}")]
    Spawn {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The driver started but did not answer.
    #[error("chromedriver did not answer within {} s: check that chromium and chromium-driver are the same version", after.as_secs())]
    DriverNotReady { after: Duration },
    /// The driver could not open a browser session (often: a driver of another version
    /// than the browser, or a browser that cannot start).
    #[error("chromium did not start: {message}: install matching chromium and chromium-driver packages")]
    Session { message: String },
    /// A WebDriver command was refused; `error` is the WebDriver error code
    /// (`timeout`, `no such element`, `javascript error`, `unknown error`, …).
    #[error("the browser could not {command}: {error}: {message}")]
    Command { command: String, error: String, message: String },
    /// A command got no answer in time.
    #[error("the browser did not {command} within {} s", after.as_secs())]
    Timeout { command: String, after: Duration },
    /// The driver could not be reached (it quit, or the connection broke).
    #[error("lost the connection to chromedriver during `{command}`: {source}")]
    Http {
        command: String,
        #[source]
        source: reqwest::Error,
    },
    /// The driver answered something that is not WebDriver.
    #[error("the answer to `{command}` is not what WebDriver sends: {what}")]
    BadAnswer { command: String, what: String },
}

impl BrowserError {
    /// The WebDriver error code of a refused command (`timeout`, `unknown error`, …).
    pub fn webdriver_error(&self) -> Option<&str> {
        match self {
            BrowserError::Command { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Whether this says that the browser is not installed.
    pub fn is_not_installed(&self) -> bool {
        matches!(self, BrowserError::NotInstalled { .. })
    }
}
