//! The floor for any proxy, for `scripts/bench-proxy.sh`: a TCP relay that copies bytes both
//! ways and does nothing else (no HTTP, no WebSocket framing, no JSON, no validation, no
//! recording). Whatever throughput a process in the middle costs on this machine, this costs at
//! least; the validating proxy is compared with it in the same run.
//!
//! ```text
//! relay LISTEN_ADDR UPSTREAM_ADDR      e.g. relay 127.0.0.1:9001 127.0.0.1:9000
//! ```

use tokio::net::{TcpListener, TcpStream};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(listen), Some(upstream)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: relay LISTEN_ADDR UPSTREAM_ADDR");
        std::process::exit(2);
    };
    let listener = TcpListener::bind(listen).await?;
    eprintln!("relay: {listen} -> {upstream}");
    loop {
        let (mut client, _) = listener.accept().await?;
        let upstream = upstream.clone();
        tokio::spawn(async move {
            let _ = client.set_nodelay(true);
            if let Ok(mut server) = TcpStream::connect(&upstream).await {
                let _ = server.set_nodelay(true);
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            }
        });
    }
}
