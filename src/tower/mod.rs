//! Tower middleware (feature `tower`): [`SigV4Layer`] verifies every request before the inner
//! service sees it.
//!
//! For each request, [`SigV4Auth`] (the service the layer makes):
//! 1. checks the signature with its [`Verifier`](crate::verify::Verifier), looking the access key up in
//!    the [`CredentialProvider`](crate::verify::CredentialProvider);
//! 2. on failure, answers itself, as AWS does: the error's status, its XML body (with a
//!    `RequestId`; JSON with `__type` for a request in a JSON protocol,
//!    `application/x-amz-json-*`), a `Date` header (SDKs correct their clock skew from it), `x-amz-request-id`
//!    and `x-amzn-ErrorType`. The inner service is not called;
//! 3. on success, calls the inner service with the [`Verified`](crate::verify::Verified) identity in
//!    the request's extensions and a [`VerifiedBody`] that yields only verified bytes: read
//!    whole and checked when it is small enough (see
//!    [`SigV4Layer::with_max_buffered_body`]), checked as it streams otherwise, and decoded
//!    chunk by chunk when it is `aws-chunked` (the headers then describe the decoded body).
//!
//! A credential provider that fails answers `500 InternalError` for that request only.
//!
//! In front of an axum router:
//!
//! ```
//! use axum::routing::get;
//! use axum::{Extension, Router};
//! use http_body_util::BodyExt;
//! use sigv4_kit::tower::SigV4Layer;
//! use sigv4_kit::verify::{MemoryProvider, Principal, PrincipalKind, Verifier, VerifierConfig};
//! use sigv4_kit::{AmzDate, Credentials, FixedClock};
//! use sigv4_kit::sign::{SigV4Signer, Signer};
//! use sigv4_kit::verify::Verified;
//! use tower_service::Service;
//!
//! async fn whoami(Extension(caller): Extension<Verified>) -> String {
//!     caller.principal.arn().to_owned()
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
//! let t: AmzDate = "20150830T123600Z".parse()?;
//! let alice = Principal::new("123456789012", "arn:aws:iam::123456789012:user/alice", PrincipalKind::IamUser);
//! let provider = MemoryProvider::new().with_key("AKIDEXAMPLE", "secret", alice);
//! let verifier = Verifier::new(VerifierConfig::new(["execute-api"])).with_clock(FixedClock::new(t));
//! let mut app = Router::new().route("/whoami", get(whoami)).layer(SigV4Layer::from_verifier(verifier, provider));
//!
//! // A signed request reaches the handler...
//! let signer = SigV4Signer::new(Credentials::new("AKIDEXAMPLE", "secret"), "us-east-1", "execute-api")
//!     .with_clock(FixedClock::new(t));
//! let mut request = http::Request::get("http://api.example.com/whoami").body(Vec::new())?;
//! signer.sign(&mut request)?;
//! let response = app.call(request.map(axum::body::Body::from)).await?;
//! assert_eq!(response.status(), 200);
//! assert_eq!(response.into_body().collect().await?.to_bytes(), "arn:aws:iam::123456789012:user/alice");
//!
//! // ...and an unsigned one is answered by the layer.
//! let request = http::Request::get("http://api.example.com/whoami").body(axum::body::Body::empty())?;
//! let response = app.call(request).await?;
//! assert_eq!(response.status(), 403);
//! assert!(response.headers().contains_key("x-amz-request-id"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod body;
mod layer;
mod reject;

pub use body::{VerifiedBody, verify_error};
pub use layer::{AuthBody, DEFAULT_MAX_BUFFERED_BODY, ResponseFuture, SigV4Auth, SigV4Layer};
pub use reject::error_response;
