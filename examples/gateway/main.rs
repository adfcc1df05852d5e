//! A SigV4 gateway: verifies every request's AWS Signature Version 4 and answers with the
//! caller's identity as JSON, or forwards verified requests to an upstream (`--upstream`).
//!
//! ```sh
//! cargo run --example gateway
//! AWS_SHARED_CREDENTIALS_FILE=examples/gateway/credentials AWS_CONFIG_FILE=/dev/null \
//!     aws s3 cp s3://demo/whoami - --endpoint-url http://127.0.0.1:9000 --region us-east-1
//! ```
//!
//! Run with `--help` for the flags. The parts live in `app.rs`, which tests include too.
//!
//! For a public endpoint, three limits keep slow or numerous clients from holding the server
//! (see `app::ServeLimits`):
//!
//! - `--header-read-timeout-ms N` (default 30000): a connection that takes longer than N ms to
//!   send a request's line and headers (or stays idle that long between requests) is closed;
//! - `--body-idle-timeout-ms N` (default 30000): a request body that goes N ms without a byte
//!   while it is read fails, and the client gets `400 RequestTimeout`;
//! - `--max-connections N` (default 1024): at most N connections are served at once; further
//!   ones wait, unaccepted, for one to close.

mod app;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use app::{AccessLog, Proxy, ServeLimits, TimeoutProvider, Whoami};
use sigv4_kit::tower::{DEFAULT_MAX_BUFFERED_BODY, SigV4Layer};
use sigv4_kit::verify::{PathPolicy, PlusInQuery, Regions, VerifierConfig, parse_shared_credentials};
use tokio::net::TcpListener;
use tower_layer::Layer;

const DEFAULT_LISTEN: &str = "127.0.0.1:9000";
const DEFAULT_CREDENTIALS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/gateway/credentials");
const DEFAULT_LOOKUP_TIMEOUT_MS: u64 = 2000;

const USAGE: &str = "\
Usage: gateway [OPTIONS]

Verifies the AWS SigV4 signature of every request. Without --upstream, answers each
authenticated request with the caller's identity as JSON; rejections get AWS's XML errors.

Options:
  --listen ADDR            address to listen on (default 127.0.0.1:9000; port 0 picks one)
  --credentials PATH       shared-credentials file with the keys the gateway knows
                           (default: examples/gateway/credentials in this crate)
  --region R               accept this region (repeatable; default: any region)
  --service S              accept this service (repeatable; default: s3)
  --s3, --no-s3            S3 rules: S3 path canonicalization, x-amz-content-sha256 required,
                           UNSIGNED-PAYLOAD allowed (default: on when s3 is a service)
  --expose-debug           SignatureDoesNotMatch errors carry the canonical request and
                           string to sign the gateway computed
  --rewrite-paths          without S3 rules, accept a path that SigV4 normalizes (/a/../b)
                           and hand the normalized one (/b) on (default: refuse it)
  --literal-plus           accept a literal '+' in the query, read as a plus sign as AWS
                           reads it (default: refuse it; form decoders read a space)
  --upstream URL           forward verified requests to this http:// URL, without their
                           signature, with x-authenticated-principal and
                           x-authenticated-access-key headers
  --lookup-timeout-ms N    give up on a credential lookup after N ms: 500 (default 2000)
  --max-body BYTES         most body bytes held in memory to verify a signature
                           (default 10485760)
  --header-read-timeout-ms N
                           close a connection that takes more than N ms to send a
                           request's headers, or idles that long between requests
                           (default 30000)
  --body-idle-timeout-ms N answer 400 RequestTimeout when a request body goes N ms
                           without a byte while it is read (default 30000)
  --max-connections N      serve at most N connections at once; more wait to be
                           accepted (default 1024)
  -h, --help               print this help

Once listening, prints `listening on http://ADDR` on stdout.
";

/// The command line.
#[derive(Debug)]
struct Args {
    listen: SocketAddr,
    credentials: String,
    regions: Vec<String>,
    services: Vec<String>,
    s3: Option<bool>,
    expose_debug: bool,
    rewrite_paths: bool,
    literal_plus: bool,
    upstream: Option<String>,
    lookup_timeout: Duration,
    max_body: usize,
    limits: ServeLimits,
}

/// What the command line asks for.
enum Command {
    Run(Box<Args>),
    Help,
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut listen = DEFAULT_LISTEN.to_owned();
    let mut args = Args {
        listen: SocketAddr::from(([127, 0, 0, 1], 9000)),
        credentials: DEFAULT_CREDENTIALS.to_owned(),
        regions: Vec::new(),
        services: Vec::new(),
        s3: None,
        expose_debug: false,
        rewrite_paths: false,
        literal_plus: false,
        upstream: None,
        lookup_timeout: Duration::from_millis(DEFAULT_LOOKUP_TIMEOUT_MS),
        max_body: DEFAULT_MAX_BUFFERED_BODY,
        limits: ServeLimits::default(),
    };
    while let Some(arg) = argv.next() {
        // `--flag value` and `--flag=value` alike.
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_owned(), Some(value.to_owned())),
            _ => (arg, None),
        };
        let mut value = || inline.clone().or_else(|| argv.next()).ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--listen" => listen = value()?,
            "--credentials" => args.credentials = value()?,
            "--region" => args.regions.push(value()?),
            "--service" => args.services.push(value()?),
            "--s3" => args.s3 = Some(true),
            "--no-s3" => args.s3 = Some(false),
            "--expose-debug" => args.expose_debug = true,
            "--rewrite-paths" => args.rewrite_paths = true,
            "--literal-plus" => args.literal_plus = true,
            "--upstream" => args.upstream = Some(value()?),
            "--lookup-timeout-ms" => {
                let v = value()?;
                let ms = v.parse().map_err(|_| format!("--lookup-timeout-ms: {v:?} is not a number"))?;
                args.lookup_timeout = Duration::from_millis(ms);
            }
            "--max-body" => {
                let v = value()?;
                args.max_body = v.parse().map_err(|_| format!("--max-body: {v:?} is not a number"))?;
            }
            "--header-read-timeout-ms" => {
                args.limits.header_read_timeout = Duration::from_millis(positive(&flag, &value()?)?);
            }
            "--body-idle-timeout-ms" => {
                args.limits.body_idle_timeout = Duration::from_millis(positive(&flag, &value()?)?);
            }
            "--max-connections" => {
                let n = positive(&flag, &value()?)?;
                args.limits.max_connections = usize::try_from(n).map_err(|_| format!("{flag}: {n} is too large"))?;
            }
            other => return Err(format!("unknown argument {other:?} (see --help)")),
        }
        if inline.is_some()
            && matches!(flag.as_str(), "--s3" | "--no-s3" | "--expose-debug" | "--rewrite-paths" | "--literal-plus")
        {
            return Err(format!("{flag} takes no value"));
        }
    }
    args.listen = listen.parse().map_err(|_| format!("--listen: {listen:?} is not an IP:PORT address"))?;
    if args.services.is_empty() {
        args.services.push("s3".to_owned());
    }
    Ok(Command::Run(Box::new(args)))
}

/// A flag's value that must be a number of at least 1.
fn positive(flag: &str, value: &str) -> Result<u64, String> {
    match value.parse::<u64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("{flag}: {value:?} is not a number of at least 1")),
    }
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Run(args)) => args,
        Ok(Command::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("gateway: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("gateway: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(*args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gateway: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let text = std::fs::read_to_string(&args.credentials).map_err(|e| format!("{}: {e}", args.credentials))?;
    let keys = parse_shared_credentials(&text).map_err(|e| format!("{}: {e}", args.credentials))?;
    if keys.is_empty() {
        return Err(format!("{}: no access keys", args.credentials));
    }
    let proxy = args.upstream.as_deref().map(Proxy::new).transpose()?;
    if let Some(upstream) = &args.upstream {
        eprintln!("gateway: forwarding verified requests to {upstream}");
    }
    let s3 = args.s3.unwrap_or_else(|| args.services.iter().any(|s| s == "s3"));
    let mut config = VerifierConfig::new(args.services.iter().cloned()).with_expose_debug(args.expose_debug);
    if s3 {
        config = config.with_s3_rules();
    }
    if !args.regions.is_empty() {
        config = config.with_regions(Regions::only(args.regions.iter().cloned()));
    }
    if args.rewrite_paths {
        config = config.with_path_policy(PathPolicy::Rewrite);
    }
    if args.literal_plus {
        config = config.with_plus_in_query(PlusInQuery::Literal);
    }
    eprintln!(
        "gateway: {} keys from {}; services {}; regions {}; S3 rules {}",
        keys.len(),
        args.credentials,
        args.services.join(","),
        if args.regions.is_empty() { "any".to_owned() } else { args.regions.join(",") },
        if s3 { "on" } else { "off" },
    );
    eprintln!(
        "gateway: header read timeout {} ms, body idle timeout {} ms, at most {} connections",
        args.limits.header_read_timeout.as_millis(),
        args.limits.body_idle_timeout.as_millis(),
        args.limits.max_connections,
    );
    let provider = TimeoutProvider::new(keys, args.lookup_timeout);
    let layer = SigV4Layer::new(config, provider).with_max_buffered_body(args.max_body);
    let listener =
        TcpListener::bind(args.listen).await.map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener.local_addr().map_err(|e| format!("cannot read the listening address: {e}"))?;
    match proxy {
        None => {
            announce(addr)?;
            app::serve(listener, AccessLog::new(layer.layer(Whoami)), args.limits).await;
        }
        Some(proxy) => {
            announce(addr)?;
            app::serve(listener, AccessLog::new(layer.layer(proxy)), args.limits).await;
        }
    }
    Ok(())
}

/// Prints the line tests wait for, and flushes it.
fn announce(addr: SocketAddr) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on http://{addr}").and_then(|()| out.flush()).map_err(|e| format!("stdout: {e}"))
}
