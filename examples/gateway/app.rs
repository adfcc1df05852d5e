//! The gateway's parts, shared by `main.rs` and by the tests that build the same gateway in
//! process (`tests/gateway/` and `tests/load.rs`, which include this file with `#[path]`):
//!
//! - [`Whoami`]: the handler behind the layer, answering with the caller's identity as JSON;
//! - [`Proxy`]: the reverse proxy behind the layer, forwarding verified requests upstream;
//! - [`TimeoutProvider`]: a credential provider that gives up on slow lookups;
//! - [`AccessLog`]: one line on stderr per request;
//! - [`serve`] and [`serve_until`]: the accept loop, with the [`ServeLimits`] a public endpoint
//!   needs (header read timeout, body idle timeout, connection limit);
//! - [`IdleTimeoutBody`]: the request body the accept loop hands out ([`RequestBody`]), which
//!   fails with `RequestTimeout` when the client stops sending it.
//!
//! Each of them is generic over the request body, so the handlers run behind
//! [`SigV4Layer`](sigv4_kit::tower::SigV4Layer) (on a `VerifiedBody`) or straight on the
//! [`RequestBody`] (verification off: the identity is then `null`).

use std::convert::Infallible;
use std::error::Error as StdError;
use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::{Buf, Bytes};
use http::header::{
    CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, EXPECT, HOST, HeaderName, HeaderValue, TRANSFER_ENCODING,
};
use http::uri::{Authority, PathAndQuery, Scheme};
use http::{HeaderMap, Method, Request, Response, StatusCode, Uri};
use http_body::{Body, Frame, SizeHint};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use serde_json::Value;
use sigv4_kit::tower::{error_response, verify_error};
use sigv4_kit::verify::Verified;
use sigv4_kit::verify::{
    AuthMethod, Credential, CredentialProvider, ErrorCode, LookupRequest, ProviderError, VerifyError, strip_signature,
};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
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
            let e = VerifyError::new(ErrorCode::IncompleteBody, format!("reading the request body failed: {err}"));
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

/// Signed headers that [`Proxy`] may remove or replace all the same: the authentication that
/// [`strip_signature`] removes, `Host` (rewritten to the upstream's) and `Transfer-Encoding`
/// (framing only: each hop frames the body itself, and the upstream receives the same bytes).
const REMOVABLE_WHEN_SIGNED: [&str; 7] = [
    "authorization",
    "x-amz-security-token",
    "x-amz-date",
    "x-amz-content-sha256",
    "x-amz-region-set",
    "host",
    "transfer-encoding",
];

/// The header naming the ARN of the verified caller, added by [`Proxy`].
pub const PRINCIPAL_HEADER: &str = "x-authenticated-principal";
/// The header naming the access key the caller signed with, added by [`Proxy`].
pub const ACCESS_KEY_HEADER: &str = "x-authenticated-access-key";

/// How long [`Proxy`] waits, once the upstream has answered, for a request body still on its
/// way to end or fail (a body that fails verification gets its own answer, not the upstream's).
const EARLY_ANSWER_GRACE: Duration = Duration::from_secs(1);

/// The handler of the gateway with `--upstream`: a reverse proxy that forwards each request
/// to the upstream with its SigV4 authentication removed
/// ([`strip_signature`]), the caller's identity in [`PRINCIPAL_HEADER`] and
/// [`ACCESS_KEY_HEADER`], the URI and `Host` rewritten to the upstream's, and hop-by-hop
/// headers removed. Bodies stream both ways; the proxy holds none of them.
///
/// # What the upstream receives is exactly what was signed, except...
///
/// Every header the signature covers reaches the upstream as the client sent it, except:
///
/// - the authentication itself, which [`strip_signature`] removes: `Authorization`,
///   `X-Amz-Security-Token`, `X-Amz-Date`, `X-Amz-Content-SHA256`, `X-Amz-Region-Set` (and
///   the presigned query parameters);
/// - `Host`, rewritten to the upstream's;
/// - `Transfer-Encoding`, which is framing only: each hop frames the body itself, so a signed
///   `Transfer-Encoding: chunked` is allowed and the upstream receives the same body bytes,
///   framed by the proxy (with a `Content-Length` when the length is known). A transfer coding
///   other than `chunked` (`gzip, chunked`, say) is refused with `501 NotImplemented`, signed
///   or not, as S3 does: the proxy would forward the coded bytes as if they were the body;
/// - for an `aws-chunked` body, the framing headers that
///   [`SigV4Layer`](sigv4_kit::tower::SigV4Layer) rewrites when it decodes the body:
///   `Content-Encoding` loses `aws-chunked`, `Content-Length` becomes the decoded length,
///   `x-amz-decoded-content-length` and `x-amz-trailer` go.
///
/// Every other header the proxy removes would drop a signed header if the client signed it:
/// the headers that `Connection` names, the hop-by-hop headers (`Connection`, `Keep-Alive`,
/// `Proxy-Authenticate`, `Proxy-Authorization`, `Proxy-Connection`, `TE`, `Trailer`,
/// `Upgrade`), `Expect` (hyper answered it) and the identity headers a client may send
/// ([`PRINCIPAL_HEADER`], [`ACCESS_KEY_HEADER`], which the proxy sets itself). A request that
/// signed any of them (or whose `Connection` names a signed header) is refused with `400
/// InvalidArgument`, naming the header, before anything is forwarded: the upstream never acts
/// on less than what was signed. Unsigned, they are removed and the request is forwarded.
/// Unsigned headers that are not hop-by-hop are forwarded as they are, and the upstream may
/// only trust the identity headers because the proxy sets them.
///
/// # Errors it answers itself
///
/// When the request body fails on the way (verification, or the client's idle timeout: the
/// body's [`VerifyError`]; any other body error, such as a client that hung up mid-body: `400
/// IncompleteBody`), the upstream request is aborted and the client gets that error, in the
/// request's protocol (S3 XML, or JSON for `application/x-amz-json-*`), whatever way hyper's
/// client reports it: the body records its first failure where [`Proxy`] looks when the
/// upstream call fails, and when the upstream answers before the body has ended (it then waits
/// up to a second for the body to end or fail). Only a failure of the upstream itself is a
/// `502 BadGateway`.
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
        // Errors are answered in the request's protocol (S3 XML, or JSON for the JSON protocols).
        let mut answer_as = HeaderMap::new();
        if let Some(content_type) = parts.headers.get(CONTENT_TYPE) {
            answer_as.insert(CONTENT_TYPE, content_type.clone());
        }
        let verified = parts.extensions.get::<Verified>();
        let identity =
            verified.map(|v| (HeaderValue::try_from(v.principal.arn()), HeaderValue::try_from(v.access_key_id())));
        if let Err(e) = check_transfer_encoding(&parts.headers) {
            return verify_error_response(&e, &answer_as);
        }
        let removed = match removed_headers(&parts.headers, verified) {
            Ok(removed) => removed,
            Err(e) => return verify_error_response(&e, &answer_as),
        };
        if let Err(e) = strip_signature(&mut parts) {
            return gateway_error(StatusCode::BAD_REQUEST, "InvalidURI", &format!("cannot rewrite the URI: {e}"));
        }
        parts.uri = match self.upstream_uri(&parts.uri) {
            Ok(uri) => uri,
            Err(e) => {
                return gateway_error(StatusCode::BAD_REQUEST, "InvalidURI", &format!("cannot rewrite the URI: {e}"));
            }
        };
        for name in removed {
            parts.headers.remove(name);
        }
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
        // A body of unknown length goes chunked, whatever the method: without a framing header,
        // hyper's client sends no body at all for a `GET`.
        if !body.is_end_stream() && body.size_hint().exact().is_none() && !parts.headers.contains_key(CONTENT_LENGTH) {
            parts.headers.insert(TRANSFER_ENCODING, HeaderValue::from_static("chunked"));
        }
        parts.version = http::Version::HTTP_11;
        parts.extensions = http::Extensions::new();
        let (body, mut outcome) = Watched::new(body.map_err(Into::into).boxed_unsync());
        let request = Request::from_parts(parts, body.boxed_unsync());
        match self.client.request(request).await {
            Ok(response) => {
                // The upstream may answer before the body has ended; if the body then fails,
                // the client gets the body's error rather than an answer to part of a request.
                if let BodyOutcome::Failed(failure) = settle(&mut outcome, EARLY_ANSWER_GRACE).await {
                    return failure.response(&answer_as);
                }
                let (mut parts, body) = response.into_parts();
                remove_hop_by_hop(&mut parts.headers);
                Response::from_parts(parts, body.map_err(BoxError::from).boxed_unsync())
            }
            // The body's failure first: hyper's client reports it in more than one way.
            Err(e) => {
                let outcome = outcome.borrow().clone();
                match (outcome, find_verify_error(&e)) {
                    (BodyOutcome::Failed(failure), _) => failure.response(&answer_as),
                    (_, Some(v)) => verify_error_response(v, &answer_as),
                    (_, None) => {
                        gateway_error(StatusCode::BAD_GATEWAY, "BadGateway", &format!("the upstream failed: {e}"))
                    }
                }
            }
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

/// The headers `Connection` names.
fn connection_named(headers: &HeaderMap) -> Vec<HeaderName> {
    headers
        .get_all(CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|name| HeaderName::try_from(name.trim()).ok())
        .collect()
}

/// The headers [`Proxy`] removes from a request before forwarding it (besides the
/// authentication, which [`strip_signature`] removes): those `Connection` names, the
/// hop-by-hop ones, `Expect` (hyper answered `100-continue` when the body was first read) and
/// the identity headers (the proxy sets them). An error when one of them is signed, but for
/// [`REMOVABLE_WHEN_SIGNED`]: the upstream would not receive what was signed.
fn removed_headers(headers: &HeaderMap, verified: Option<&Verified>) -> Result<Vec<HeaderName>, VerifyError> {
    let mut removed: Vec<(HeaderName, &str)> = Vec::new();
    for name in connection_named(headers) {
        removed.push((name, "is named by the Connection header, which makes it hop-by-hop"));
    }
    for name in HOP_BY_HOP {
        removed.push((HeaderName::from_static(name), "is hop-by-hop"));
    }
    removed.push((EXPECT, "is answered by the gateway"));
    for name in [PRINCIPAL_HEADER, ACCESS_KEY_HEADER] {
        removed.push((HeaderName::from_static(name), "is set by the gateway to the verified identity"));
    }
    if let Some(verified) = verified {
        let signed = |name: &HeaderName| verified.signed_header_names().any(|s| s.eq_ignore_ascii_case(name.as_str()));
        if let Some((name, why)) =
            removed.iter().find(|(name, _)| signed(name) && !REMOVABLE_WHEN_SIGNED.contains(&name.as_str()))
        {
            return Err(VerifyError::new(
                ErrorCode::InvalidArgument,
                format!("the signed header {name} {why}: the gateway would not forward it; do not sign it"),
            ));
        }
    }
    Ok(removed.into_iter().map(|(name, _)| name).collect())
}

/// Refuses a transfer coding other than `chunked`: hyper undoes only the chunked framing, so
/// the upstream would receive the coded bytes as if they were the body.
fn check_transfer_encoding(headers: &HeaderMap) -> Result<(), VerifyError> {
    let mut codings = headers
        .get_all(TRANSFER_ENCODING)
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("?").split(','))
        .map(str::trim)
        .filter(|c| !c.is_empty());
    match (codings.next(), codings.next()) {
        (None, _) => Ok(()),
        (Some(c), None) if c.eq_ignore_ascii_case("chunked") => Ok(()),
        _ => Err(VerifyError::new(
            ErrorCode::NotImplemented,
            "A header you provided implies functionality that is not implemented: \
             Transfer-Encoding other than chunked",
        )),
    }
}

/// Removes hop-by-hop headers, and the headers `Connection` names, from a response.
fn remove_hop_by_hop(headers: &mut HeaderMap) {
    for name in connection_named(headers) {
        headers.remove(name);
    }
    for name in HOP_BY_HOP {
        headers.remove(name);
    }
}

/// How a request body [`Proxy`] forwards has gone so far.
#[derive(Debug, Clone)]
enum BodyOutcome {
    /// Still streaming.
    Reading,
    /// Ended: every byte was forwarded.
    Ended,
    /// Failed (only the first failure is kept).
    Failed(BodyFailure),
}

/// Why a request body failed.
#[derive(Debug, Clone)]
enum BodyFailure {
    /// It failed verification, or the client was idle too long.
    Verify(VerifyError),
    /// The client's transport failed (it hung up mid-body, say).
    Transport(String),
}

impl BodyFailure {
    /// The answer to the client: the body's own error, the client's fault either way.
    fn response(&self, answer_as: &HeaderMap) -> Response<ProxyBody> {
        match self {
            Self::Verify(e) => verify_error_response(e, answer_as),
            Self::Transport(e) => verify_error_response(
                &VerifyError::new(ErrorCode::IncompleteBody, format!("reading the request body failed: {e}")),
                answer_as,
            ),
        }
    }
}

/// The request body [`Proxy`] sends upstream: `inner`, recording how it ends (or fails) where
/// `forward` can see it, however hyper's client reports it.
struct Watched {
    inner: ProxyBody,
    outcome: watch::Sender<BodyOutcome>,
}

impl Watched {
    fn new(inner: ProxyBody) -> (Self, watch::Receiver<BodyOutcome>) {
        let start = if inner.is_end_stream() { BodyOutcome::Ended } else { BodyOutcome::Reading };
        let (outcome, receiver) = watch::channel(start);
        (Self { inner, outcome }, receiver)
    }

    /// Records the end of the body, unless it has already ended or failed.
    fn settle(&self, end: BodyOutcome) {
        self.outcome.send_if_modified(|now| {
            let first = matches!(now, BodyOutcome::Reading);
            if first {
                *now = end;
            }
            first
        });
    }
}

impl Body for Watched {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        match ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
            Some(Ok(frame)) => {
                if this.inner.is_end_stream() {
                    this.settle(BodyOutcome::Ended);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Some(Err(e)) => {
                let failure = match find_verify_error(&*e) {
                    Some(v) => BodyFailure::Verify(v.clone()),
                    None => BodyFailure::Transport(e.to_string()),
                };
                this.settle(BodyOutcome::Failed(failure));
                Poll::Ready(Some(Err(e)))
            }
            None => {
                this.settle(BodyOutcome::Ended);
                Poll::Ready(None)
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The body's outcome once it has ended or failed, or after `grace` (or when hyper has dropped
/// the body), however far it got.
async fn settle(outcome: &mut watch::Receiver<BodyOutcome>, grace: Duration) -> BodyOutcome {
    if let Ok(Ok(done)) = tokio::time::timeout(grace, outcome.wait_for(|o| !matches!(o, BodyOutcome::Reading))).await {
        return done.clone();
    }
    outcome.borrow().clone()
}

/// [`error_response`] as a [`ProxyBody`] response.
fn verify_error_response(e: &VerifyError, answer_as: &HeaderMap) -> Response<ProxyBody> {
    error_response(e, answer_as).map(|b| b.map_err(|never| match never {}).boxed_unsync())
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

/// The request body [`serve`] hands to the service: hyper's, failing with `RequestTimeout` when
/// the client stops sending it (see [`IdleTimeoutBody`]).
pub type RequestBody = IdleTimeoutBody<Incoming>;

/// A request body that fails when no bytes arrive for a while: each time its reader waits
/// for the next frame, a timer starts, and if it fires before the frame arrives the body fails
/// with a [`VerifyError`] of code `RequestTimeout` (`400`, as S3 answers a client that stopped
/// sending), boxed as the body's error. The timer runs only while the reader waits on the
/// client, so a slow reader (a layer looking a key up, an upstream applying backpressure) does
/// not count against the client.
#[derive(Debug)]
pub struct IdleTimeoutBody<B> {
    inner: B,
    timeout: Duration,
    /// The timer, made on the first wait and reset for each later one.
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    /// The reader is waiting for a frame: the timer runs.
    waiting: bool,
    /// The timer fired: every later poll fails too.
    timed_out: bool,
}

impl<B> IdleTimeoutBody<B> {
    /// `inner`, failing after `timeout` without a frame while it is read.
    pub fn new(inner: B, timeout: Duration) -> Self {
        Self { inner, timeout, sleep: None, waiting: false, timed_out: false }
    }

    /// The error the body fails with, S3's.
    pub fn timeout_error() -> VerifyError {
        VerifyError::new(
            ErrorCode::RequestTimeout,
            "Your socket connection to the server was not read from or written to within the timeout period. \
             Idle connections will be closed.",
        )
    }
}

impl<B> Body for IdleTimeoutBody<B>
where
    B: Body + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = B::Data;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<B::Data>, BoxError>>> {
        let this = self.get_mut();
        if this.timed_out {
            return Poll::Ready(Some(Err(Box::new(Self::timeout_error()))));
        }
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            this.waiting = false;
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        let deadline = tokio::time::Instant::now() + this.timeout;
        let sleep = match &mut this.sleep {
            Some(sleep) => {
                if !this.waiting {
                    sleep.as_mut().reset(deadline);
                }
                sleep
            }
            None => this.sleep.insert(Box::pin(tokio::time::sleep_until(deadline))),
        };
        this.waiting = true;
        ready!(sleep.as_mut().poll(cx));
        this.timed_out = true;
        Poll::Ready(Some(Err(Box::new(Self::timeout_error()))))
    }

    fn is_end_stream(&self) -> bool {
        !self.timed_out && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Adapts a tower service to hyper's: wraps the body in an [`IdleTimeoutBody`], waits for
/// readiness, then calls a clone.
#[derive(Clone)]
struct Hyper<S> {
    service: S,
    body_idle_timeout: Duration,
}

impl<S, ResBody> hyper::service::Service<Request<Incoming>> for Hyper<S>
where
    S: Service<Request<RequestBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Response<ResBody>, S::Error>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        let mut service = self.service.clone();
        let timeout = self.body_idle_timeout;
        Box::pin(async move {
            poll_fn(|cx| service.poll_ready(cx)).await?;
            service.call(request.map(|body| IdleTimeoutBody::new(body, timeout))).await
        })
    }
}

/// The default of [`ServeLimits::header_read_timeout`]: 30 s.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// The default of [`ServeLimits::body_idle_timeout`]: 30 s.
pub const DEFAULT_BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// The default of [`ServeLimits::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

/// The limits [`serve`] puts on clients, so that slow or numerous ones cannot hold the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeLimits {
    /// How long a connection may take to send a request's line and headers, counted from when
    /// the server starts reading them (for a kept-alive connection, from the end of the
    /// previous response: an idle connection is closed after it too). A client that takes
    /// longer is disconnected without an answer.
    pub header_read_timeout: Duration,
    /// How long a request body may go without a byte while it is read: the body then fails
    /// with `400 RequestTimeout` (see [`IdleTimeoutBody`]).
    pub body_idle_timeout: Duration,
    /// The most connections served at once. Beyond that, the accept loop waits for one to
    /// close; new connections wait in the listen backlog meanwhile.
    pub max_connections: usize,
}

impl Default for ServeLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_idle_timeout: DEFAULT_BODY_IDLE_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// How long [`serve_until`] waits for open requests after the shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves HTTP/1.1 on `listener` with `service`, one task per connection, within `limits`,
/// until the process ends. Accept errors (out of file descriptors, say) are logged and
/// retried.
pub async fn serve<S, ResBody>(listener: TcpListener, service: S, limits: ServeLimits)
where
    S: Service<Request<RequestBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    ResBody: Body + Send + 'static,
    ResBody::Data: Send,
    ResBody::Error: Into<BoxError>,
{
    serve_until(listener, service, limits, std::future::pending()).await;
}

/// [`serve`] until `shutdown` completes; then stops accepting, lets each connection finish the
/// request it is serving (closing idle ones at once), and returns when they are all closed or
/// after a 10 s grace period.
pub async fn serve_until<S, ResBody>(
    listener: TcpListener,
    service: S,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()>,
) where
    S: Service<Request<RequestBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    ResBody: Body + Send + 'static,
    ResBody::Data: Send,
    ResBody::Error: Into<BoxError>,
{
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut shutdown = pin!(shutdown);
    let slots = Arc::new(Semaphore::new(limits.max_connections.clamp(1, Semaphore::MAX_PERMITS)));
    loop {
        // A slot first: at the limit, connections wait in the listen backlog, unaccepted.
        let slot = tokio::select! {
            () = shutdown.as_mut() => break,
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break, // never: the semaphore is not closed
            },
        };
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
        let service = Hyper { service: service.clone(), body_idle_timeout: limits.body_idle_timeout };
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            // Held until the connection closes.
            let _slot = slot;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
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
