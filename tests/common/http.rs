//! A tiny HTTP server on 127.0.0.1 for URL imports: serves fixed routes for a bounded number of
//! requests (each answered after `delay`), then stops by itself.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

/// One route: path, status, extra header lines (each ending in `\r\n`), body.
pub type Route = (&'static str, u16, &'static str, Vec<u8>);

/// Serves `routes` for at most `requests` requests; returns the base URL (`http://127.0.0.1:N`).
pub fn serve(routes: Vec<Route>, requests: usize, delay: Duration) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut stream) = stream else { continue };
            stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            std::thread::sleep(delay);
            let request = String::from_utf8_lossy(&request);
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let (status, headers, body) = routes
                .iter()
                .find(|(p, ..)| *p == path)
                .map(|(_, s, h, b)| (*s, *h, b.clone()))
                .unwrap_or((404, "Content-Type: text/plain\r\n", b"not found".to_vec()));
            let head =
                format!("HTTP/1.1 {status} X\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    (base, handle)
}
