//! A tiny HTTP/1.1 capture server on 127.0.0.1 for the delivery tests: it records every request
//! (method, path, headers, body) and answers with a scripted reply per connection.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

/// What the server does with the n-th connection (the last reply repeats).
#[derive(Debug, Clone, Copy)]
pub enum Reply {
    /// Answer with this status and body.
    Status(u16, &'static str),
    /// Answer `302` with `Location: /elsewhere`.
    Redirect,
    /// Read the request and never answer (the connection stays open).
    Hang,
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Captured {
    pub method: String,
    pub path: String,
    /// Header names lowercased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Captured {
    /// Every value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Vec<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().filter(|(k, _)| *k == name).map(|(_, v)| v.as_str()).collect()
    }
}

pub struct CaptureServer {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    requests: Receiver<Captured>,
}

impl CaptureServer {
    /// Starts the server on an ephemeral loopback port.
    pub fn start(replies: Vec<Reply>) -> CaptureServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = channel();
        std::thread::spawn(move || serve(listener, replies, tx));
        CaptureServer { base, requests: rx }
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<Captured> {
        self.requests.try_iter().collect()
    }
}

/// A loopback URL nobody listens on.
pub fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/v1/track/a/b")
}

fn serve(listener: TcpListener, replies: Vec<Reply>, tx: Sender<Captured>) {
    let mut held = Vec::new();
    for (n, stream) in listener.incoming().enumerate() {
        let Ok(mut stream) = stream else { continue };
        let Some(request) = read_request(&mut stream) else { continue };
        tx.send(request).ok();
        match replies[n.min(replies.len() - 1)] {
            Reply::Status(status, body) => respond(&mut stream, status, &[], body),
            Reply::Redirect => respond(&mut stream, 302, &[("Location", "/elsewhere")], ""),
            Reply::Hang => held.push(stream),
        }
    }
}

fn respond(stream: &mut TcpStream, status: u16, extra: &[(&str, &str)], body: &str) {
    let mut head = format!("HTTP/1.1 {status} Scripted\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).ok();
    stream.write_all(body.as_bytes()).ok();
    stream.flush().ok();
}

fn read_request(stream: &mut TcpStream) -> Option<Captured> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).ok().filter(|&n| n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n").filter(|l| !l.is_empty());
    let mut start = lines.next()?.split(' ');
    let (method, path) = (start.next()?.to_string(), start.next()?.to_string());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).ok().filter(|&n| n > 0)?;
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Captured { method, path, headers, body })
}
