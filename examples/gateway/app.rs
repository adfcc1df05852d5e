//! The gateway's parts, shared by `main.rs` and by tests that build the same gateway in process
//! (`#[path = "../examples/gateway/app.rs"] mod app;`):
//!
//! - [`Whoami`]: the handler behind the layer, answering with the caller's identity as JSON;
//! - [`Proxy`]: the reverse proxy behind the layer, forwarding verified requests upstream;
//! - [`TimeoutProvider`]: a credential provider that gives up on slow lookups;
//! - [`AccessLog`]: one line on stderr per request;
//! - [`serve`] and [`serve_until`]: the accept loop.
//!
//! Each of them is generic over the request body, so the handlers run behind
//! [`SigV4Layer`](sigv4_kit::tower::SigV4Layer) (on a `VerifiedBody`) or straight on hyper's
//! `Incoming` (verification off: the identity is then `null`).

// Not every user of this file uses every item.
#![allow(dead_code)]

use std::convert::Infallible;
use std::error::Error as StdError;
use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, Bytes};
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderName, HeaderValue};
use http::uri::{Authority, PathAndQuery, Scheme};
use http::{HeaderMap, Method, Request, Response, StatusCode, Uri};
use http_body::Body;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use serde_json::Value;
use sigv4_kit::Verified;
use sigv4_kit::tower::{error_response, verify_error};
use sigv4_kit::verify::{
    AuthMethod, Credential, CredentialProvider, LookupRequest, ProviderError, VerifyError, strip_signature,
};
use tokio::net::TcpListener;
use tower_service::Service;

/// A boxed error, sendable between threads.
pub type BoxError = Box<dyn StdError + Send + Sync>;

/// A boxed, `Send` future.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// The response header that carries the identity JSON, on every [`Whoami`] answer.
pub const IDENTITY_HEADER: &str = "x-sigv4-identity";

/// The handler of the gateway without `--upstream`: answers every request with the caller's
/// identity as JSON, after reading (and counting) the whole request body.
///
/// ```json
/// {"principal":{"arn":"arn:aws:iam::123456789012:user/alice","account_id":"123456789012","kind":"iam-user"},
///  "access_key_id":"AKIAIOSFODNN7EXAMPLE","region":"us-east-1","service":"s3","auth":"header",
///  "signed_headers":["host","x-amz-content-sha256","x-amz-date"],"body_bytes":0}
/// ```
///
/// The identity comes from the [`Verified`] extension the layer adds; without one
/// (verification off) every identity field is `null` and `signed_headers` is empty. The JSON
/// does not depend on the method, so `HEAD` and `GET` of one object agree (`HEAD` answers the
/// headers only).
///
/// The JSON is the body, and also the [`IDENTITY_HEADER`] header. For S3 requests other than
/// `GET` and `HEAD` (`PutObject`, say) it is only the header and the body is empty: S3 SDKs
/// read a 200 body that is not XML, for operations without a body in their output, as an
/// error (S3 sends some errors with status 200).
///
/// A body that fails verification while it is read is answered with the verification error,
/// as the layer answers rejections.
#[derive(Debug, Clone, Copy, Default)]
pub struct Whoami;

impl<B> Service<Request<B>> for Whoami
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        Box::pin(async move { Ok(whoami(request).await) })
    }
}

/// [`Whoami`] as a function: reads the body, then answers the identity JSON.
pub async fn whoami<B>(request: Request<B>) -> Response<Full<Bytes>>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let (parts, body) = request.into_parts();
    let body_bytes = match count_body(body).await {
        Ok(n) => n,
        Err(e) => return body_error(&*e, &parts.headers),
    };
    let verified = parts.extensions.get::<Verified>();
    let text = identity_json(verified, body_bytes);
    let s3_write =
        verified.is_some_and(|v| v.service() == "s3") && parts.method != Method::GET && parts.method != Method::HEAD;
    let length = HeaderValue::from(if s3_write { 0 } else { text.len() });
    let header = HeaderValue::try_from(text.as_str()).ok();
    let body = if parts.method == Method::HEAD || s3_write { Bytes::new() } else { Bytes::from(text) };
    let mut response = Response::new(Full::new(body));
    let headers = response.headers_mut();
    if !s3_write {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    headers.insert(CONTENT_LENGTH, length);
    if let Some(header) = header {
        headers.insert(IDENTITY_HEADER, header);
    }
    response
}

/// The identity JSON of [`Whoami`], on one line, keys in a fixed order.
pub fn identity_json(verified: Option<&Verified>, body_bytes: u64) -> String {
    let string = |s: &str| Value::from(s).to_string();
    let Some(v) = verified else {
        return format!(
            r#"{{"principal":null,"access_key_id":null,"region":null,"service":null,"auth":null,"algorithm":null,"signed_headers":[],"body_bytes":{body_bytes}}}"#
        );
    };
    let auth = match v.auth {
        AuthMethod::Header => "header",
        AuthMethod::PresignedQuery { .. } => "presigned",
        AuthMethod::Streaming => "streaming",
        _ => "other",
    };
    let signed_headers: Vec<String> = v.signed_header_names().map(string).collect();
    format!(
        r#"{{"principal":{{"arn":{},"account_id":{},"kind":{}}},"access_key_id":{},"region":{},"service":{},"auth":{},"algorithm":{},"signed_headers":[{}],"body_bytes":{body_bytes}}}"#,
        string(v.principal.arn()),
        string(v.principal.account_id()),
        string(v.principal.kind().as_str()),
        string(v.access_key_id()),
        string(v.region()),
        string(v.service()),
        string(auth),
        string(v.algorithm.as_str()),
        signed_headers.join(","),
    )
}

/// Reads a body to its end, counting its bytes without keeping them.
async fn count_body<B>(body: B) -> Result<u64, BoxError>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let mut body = pin!(body);
    let mut total = 0u64;
    while let Some(frame) = body.frame().await {
        if let Some(data) = frame.map_err(Into::into)?.data_ref() {
            total = total.saturating_add(data.remaining() as u64);
        }
    }
    Ok(total)
}

/// The answer to a request whose body could not be read: the verification error if that was
/// the cause (found anywhere in the error's source chain), else `400 IncompleteBody`.
fn body_error(err: &(dyn StdError + 'static), request_headers: &HeaderMap) -> Response<Full<Bytes>> {
    match find_verify_error(err) {
        Some(e) => error_response(e, request_headers),
        None => {
            let e = VerifyError::new(
                sigv4_kit::verify::ErrorCode::IncompleteBody,
                format!("reading the request body failed: {err}"),
            );
            error_response(&e, request_headers)
        }
    }
}

/// The first [`VerifyError`] in `err`'s source chain.
fn find_verify_error<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a VerifyError> {
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(found) = verify_error(e) {
            return Some(found);
        }
        next = e.source();
    }
    None
}

/// An AWS-style XML error answer.
fn xml_error(status: StatusCode, code: &'static str, xml: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(xml.to_owned())));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/xml"));
    response.headers_mut().insert("x-amzn-errortype", HeaderValue::from_static(code));
    response
}

/// The body type [`Proxy`] sends upstream and answers with.
pub type ProxyBody = UnsyncBoxBody<Bytes, BoxError>;

/// Headers that describe one hop of a connection, never forwarded (RFC 9110, section 7.6.1,
/// and `Transfer-Encoding`: each hop frames the body itself).
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// The header naming the ARN of the verified caller, added by [`Proxy`].
pub const PRINCIPAL_HEADER: &str = "x-authenticated-principal";
/// The header naming the access key the caller signed with, added by [`Proxy`].
pub const ACCESS_KEY_HEADER: &str = "x-authenticated-access-key";

/// The handler of the gateway with `--upstream`: a reverse proxy that forwards each request
/// to the upstream with its SigV4 authentication removed
/// ([`strip_signature`]), the caller's identity in [`PRINCIPAL_HEADER`] and
/// [`ACCESS_KEY_HEADER`] (any such headers the client sent are dropped), the URI and `Host`
/// rewritten to the upstream's, and hop-by-hop headers removed. Bodies stream both ways; the
/// proxy holds none of them.
///
/// When the request body fails verification on the way, the upstream request is aborted and
/// the client gets the verification error; when the upstream cannot be reached, `502`.
#[derive(Clone)]
pub struct Proxy {
    client: Client<HttpConnector, ProxyBody>,
    scheme: Scheme,
    authority: Authority,
    /// The upstream URL's path without its trailing `/`, put in front of every request path.
    base_path: String,
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("upstream", &format_args!("{}://{}{}", self.scheme, self.authority, self.base_path))
            .finish_non_exhaustive()
    }
}

impl Proxy {
    /// A proxy to `upstream`, an `http://host:port[/base/path]` URL (there is no TLS client
    /// here).
    ///
    /// # Errors
    ///
    /// When `upstream` is not such a URL.
    pub fn new(upstream: &str) -> Result<Self, String> {
        let uri: Uri = upstream.parse().map_err(|e| format!("upstream URL {upstream:?}: {e}"))?;
        let scheme = uri.scheme().cloned().ok_or_else(|| format!("upstream URL {upstream:?} has no scheme"))?;
        if scheme != Scheme::HTTP {
            return Err(format!("upstream URL {upstream:?}: only http:// is supported"));
        }
        let authority = uri.authority().cloned().ok_or_else(|| format!("upstream URL {upstream:?} has no host"))?;
        if uri.query().is_some() {
            return Err(format!("upstream URL {upstream:?} has a query"));
        }
        let base_path = uri.path().trim_end_matches('/').to_owned();
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(connector);
        Ok(Self { client, scheme, authority, base_path })
    }

    /// The upstream URI for a request to `uri`.
    fn upstream_uri(&self, uri: &Uri) -> Result<Uri, http::Error> {
        let path_and_query = uri.path_and_query().map_or("/", PathAndQuery::as_str);
        let path_and_query = if self.base_path.is_empty() {
            PathAndQuery::try_from(path_and_query)?
        } else {
            PathAndQuery::try_from(format!("{}{path_and_query}", self.base_path))?
        };
        Uri::builder()
            .scheme(self.scheme.clone())
            .authority(self.authority.clone())
            .path_and_query(path_and_query)
            .build()
    }

    /// Forwards one request.
    async fn forward<B>(self, request: Request<B>) -> Response<ProxyBody>
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        let (mut parts, body) = request.into_parts();
        let identity = parts
            .extensions
            .get::<Verified>()
            .map(|v| (HeaderValue::try_from(v.principal.arn()), HeaderValue::try_from(v.access_key_id())));
        if let Err(e) = strip_signature(&mut parts) {
            return gateway_error(StatusCode::BAD_REQUEST, "InvalidURI", &format!("cannot rewrite the URI: {e}"));
        }
        parts.uri = match self.upstream_uri(&parts.uri) {
            Ok(uri) => uri,
            Err(e) => {
                return gateway_error(StatusCode::BAD_REQUEST, "InvalidURI", &format!("cannot rewrite the URI: {e}"));
            }
        };
        remove_hop_by_hop(&mut parts.headers);
        // hyper answered `Expect: 100-continue` to the client when the body was first read.
        parts.headers.remove(http::header::EXPECT);
        parts.headers.remove(PRINCIPAL_HEADER);
        parts.headers.remove(ACCESS_KEY_HEADER);
        if let Some((Ok(arn), Ok(key))) = identity {
            parts.headers.insert(PRINCIPAL_HEADER, arn);
            parts.headers.insert(ACCESS_KEY_HEADER, key);
        }
        match HeaderValue::try_from(self.authority.as_str()) {
            Ok(host) => {
                parts.headers.insert(HOST, host);
            }
            Err(_) => {
                parts.headers.remove(HOST);
            }
        }
        parts.version = http::Version::HTTP_11;
        parts.extensions = http::Extensions::new();
        // A body that fails verification on the way is answered in the request's protocol.
        let mut answer_as = HeaderMap::new();
        if let Some(content_type) = parts.headers.get(CONTENT_TYPE) {
            answer_as.insert(CONTENT_TYPE, content_type.clone());
        }
        let request = Request::from_parts(parts, body.map_err(Into::into).boxed_unsync());
        match self.client.request(request).await {
            Ok(response) => {
                let (mut parts, body) = response.into_parts();
                remove_hop_by_hop(&mut parts.headers);
                Response::from_parts(parts, body.map_err(BoxError::from).boxed_unsync())
            }
            Err(e) => match find_verify_error(&e) {
                Some(v) => error_response(v, &answer_as).map(|b| b.map_err(|never| match never {}).boxed_unsync()),
                None => gateway_error(StatusCode::BAD_GATEWAY, "BadGateway", &format!("the upstream failed: {e}")),
            },
        }
    }
}

impl<B> Service<Request<B>> for Proxy
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response<ProxyBody>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let proxy = self.clone();
        Box::pin(async move { Ok(proxy.forward(request).await) })
    }
}

/// Removes hop-by-hop headers, and the headers `Connection` names.
fn remove_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(http::header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|name| HeaderName::try_from(name.trim()).ok())
        .collect();
    for name in named {
        headers.remove(name);
    }
    for name in HOP_BY_HOP {
        headers.remove(name);
    }
}

/// An error the proxy answers itself, XML as AWS's.
fn gateway_error(status: StatusCode, code: &'static str, message: &str) -> Response<ProxyBody> {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>");
    xml.push_str(code);
    xml.push_str("</Code><Message>");
    for c in message.chars() {
        match c {
            '&' => xml.push_str("&amp;"),
            '<' => xml.push_str("&lt;"),
            '>' => xml.push_str("&gt;"),
            c => xml.push(c),
        }
    }
    xml.push_str("</Message></Error>");
    xml_error(status, code, &xml).map(|b| b.map_err(|never| match never {}).boxed_unsync())
}

/// A credential provider that gives up on a lookup after a timeout: a lookup slower than that
/// fails with a provider error, which the layer answers `500 InternalError`, instead of
/// holding the request (and its connection) for as long as the backend takes.
#[derive(Debug, Clone)]
pub struct TimeoutProvider<P> {
    inner: P,
    timeout: Duration,
}

impl<P> TimeoutProvider<P> {
    /// Wraps `inner`, giving each lookup `timeout`.
    pub fn new(inner: P, timeout: Duration) -> Self {
        Self { inner, timeout }
    }

    /// The wrapped provider.
    pub fn get_ref(&self) -> &P {
        &self.inner
    }
}

/// The error of a lookup that took longer than [`TimeoutProvider`] allows.
#[derive(Debug, Clone, Copy)]
pub struct LookupTimedOut(pub Duration);

impl fmt::Display for LookupTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the credential lookup took longer than {} ms", self.0.as_millis())
    }
}

impl StdError for LookupTimedOut {}

impl<P: CredentialProvider> CredentialProvider for TimeoutProvider<P> {
    fn lookup(
        &self,
        request: &LookupRequest<'_>,
    ) -> impl Future<Output = Result<Option<Credential>, ProviderError>> + Send {
        let lookup = self.inner.lookup(request);
        let timeout = self.timeout;
        async move {
            match tokio::time::timeout(timeout, lookup).await {
                Ok(result) => result,
                Err(_) => Err(Box::new(LookupTimedOut(timeout)) as ProviderError),
            }
        }
    }
}

/// A service wrapper that writes one line per request to stderr: method, path (never the
/// query, which may hold a presigned signature), status, and the caller's ARN.
#[derive(Debug, Clone)]
pub struct AccessLog<S> {
    inner: S,
}

impl<S> AccessLog<S> {
    /// Logs the requests `inner` serves.
    pub fn new(inner: S) -> Self {
        Self { inner }
    }
}

impl<S, B, ResBody> Service<Request<B>> for AccessLog<S>
where
    S: Service<Request<B>, Response = Response<ResBody>>,
    S::Future: Send + 'static,
    S::Error: 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Response<ResBody>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let line = format!("{} {}", request.method(), request.uri().path());
        let future = self.inner.call(request);
        Box::pin(async move {
            let response = future.await?;
            let status = response.status();
            let who = response
                .headers()
                .get("x-amzn-errortype")
                .and_then(|v| v.to_str().ok())
                .map_or_else(String::new, |code| format!(" {code}"));
            eprintln!("{line} -> {}{who}", status.as_u16());
            Ok(response)
        })
    }
}

/// Adapts a tower service to hyper's: waits for readiness, then calls a clone.
#[derive(Clone)]
struct Hyper<S>(S);

impl<S, ResBody> hyper::service::Service<Request<Incoming>> for Hyper<S>
where
    S: Service<Request<Incoming>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Response<ResBody>, S::Error>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        let mut service = self.0.clone();
        Box::pin(async move {
            poll_fn(|cx| service.poll_ready(cx)).await?;
            service.call(request).await
        })
    }
}

/// How long a connection may take to send a request's headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How long [`serve_until`] waits for open requests after the shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves HTTP/1.1 on `listener` with `service`, one task per connection, until the process
/// ends. Accept errors (out of file descriptors, say) are logged and retried.
pub async fn serve<S, ResBody>(listener: TcpListener, service: S)
where
    S: Service<Request<Incoming>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    ResBody: Body + Send + 'static,
    ResBody::Data: Send,
    ResBody::Error: Into<BoxError>,
{
    serve_until(listener, service, std::future::pending()).await;
}

/// [`serve`] until `shutdown` completes; then stops accepting, lets each connection finish the
/// request it is serving (closing idle ones at once), and returns when they are all closed or
/// after a 10 s grace period.
pub async fn serve_until<S, ResBody>(listener: TcpListener, service: S, shutdown: impl Future<Output = ()>)
where
    S: Service<Request<Incoming>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    ResBody: Body + Send + 'static,
    ResBody::Data: Send,
    ResBody::Error: Into<BoxError>,
{
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, _peer) = tokio::select! {
            () = shutdown.as_mut() => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    eprintln!("gateway: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        // Best effort: a socket that refuses it still works.
        let _ = stream.set_nodelay(true);
        let service = Hyper(service.clone());
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
            let mut connection = pin!(builder.serve_connection(TokioIo::new(stream), service));
            let result = tokio::select! {
                result = connection.as_mut() => result,
                _ = stopped.changed() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            // Clients that hang up mid-request are routine, not worth a log line each.
            if let Err(e) = result
                && !e.is_incomplete_message()
                && !e.is_canceled()
            {
                eprintln!("gateway: connection error: {e}");
            }
        });
    }
    stop.send_replace(true);
    drop(stopped);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, stop.closed()).await;
}
