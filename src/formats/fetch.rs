//! Open URL: fetches a page over HTTP or HTTPS (rustls, no system TLS library) with timeouts, a
//! size limit and at most 5 redirects, and returns its bytes, the final URL and the charset the
//! server declared.

use std::time::Duration;

use ureq::ResponseExt;

/// Limits of one fetch.
#[derive(Clone, Debug, PartialEq)]
pub struct FetchOptions {
    /// Connecting must succeed within this time.
    pub connect_timeout: Duration,
    /// The whole request (redirects and body included) must finish within this time.
    pub timeout: Duration,
    /// Bodies larger than this are refused.
    pub max_bytes: u64,
    pub max_redirects: u32,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_bytes: 20 * 1024 * 1024,
            max_redirects: 5,
        }
    }
}

/// What the server sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    /// The URL after redirects.
    pub final_url: String,
    /// `Content-Type` without parameters (`text/html`).
    pub content_type: Option<String>,
    /// `charset` of the `Content-Type`.
    pub charset: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FetchError {
    #[error("only http:// and https:// addresses can be opened")]
    NotHttp,
    #[error("the server answered {status}{}", if *.status == 404 { " (page not found)" } else if *.status >= 500 { " (server error; try again later)" } else if *.status == 403 || *.status == 401 { " (access denied; save the page from a browser and import the file)" } else { "" })]
    Status { status: u16 },
    #[error("no answer within {0} s")]
    Timeout(u64),
    #[error("the page is larger than {0} bytes")]
    TooLarge(u64),
    #[error("more than {0} redirects")]
    TooManyRedirects(u32),
    #[error("the address gives {0}, not a web page, PDF or text")]
    NotAPage(String),
    #[error("cannot fetch the page: {0}")]
    Network(String),
}

/// Fetches `url`.
pub fn fetch(url: &str, options: &FetchOptions) -> Result<Fetched, FetchError> {
    let lower = url.trim().to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Err(FetchError::NotHttp);
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .timeout_connect(Some(options.connect_timeout))
        .max_redirects(options.max_redirects)
        .http_status_as_error(false)
        .user_agent(concat!("Spanwise/", env!("CARGO_PKG_VERSION"), " (article import)"))
        .build()
        .into();
    let mut response = agent.get(url.trim()).call().map_err(|e| map_error(e, options))?;
    let status = response.status().as_u16();
    if (300..400).contains(&status) {
        return Err(FetchError::TooManyRedirects(options.max_redirects));
    }
    if status >= 400 {
        return Err(FetchError::Status { status });
    }
    let final_url = response.get_uri().to_string();
    let content_type = response.body().mime_type().map(str::to_owned);
    let charset = response.body().charset().map(str::to_owned);
    let bytes =
        response.body_mut().with_config().limit(options.max_bytes).read_to_vec().map_err(|e| map_error(e, options))?;
    Ok(Fetched { bytes, final_url, content_type, charset })
}

fn map_error(error: ureq::Error, options: &FetchOptions) -> FetchError {
    match error {
        ureq::Error::StatusCode(status) => FetchError::Status { status },
        ureq::Error::Timeout(_) => FetchError::Timeout(options.timeout.as_secs()),
        ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge(options.max_bytes),
        ureq::Error::TooManyRedirects => FetchError::TooManyRedirects(options.max_redirects),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
            FetchError::Timeout(options.timeout.as_secs())
        }
        other => FetchError::Network(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http() {
        assert_eq!(fetch("file:///etc/passwd", &FetchOptions::default()), Err(FetchError::NotHttp));
        assert_eq!(fetch("ftp://x", &FetchOptions::default()), Err(FetchError::NotHttp));
    }
}
