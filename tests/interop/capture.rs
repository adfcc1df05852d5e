//! Capturing the canonical request aws-sigv4 (the AWS SDK for Rust signer) logs with
//! `tracing::trace!`.

use std::sync::{Arc, Mutex, PoisonError};

/// A minimal `tracing` subscriber that records the fields of every `aws_sigv4` event.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<(String, String)>>>);

struct FieldVisitor<'a>(&'a mut Vec<(String, String)>);

impl tracing::field::Visit for FieldVisitor<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        if event.metadata().target().starts_with("aws_sigv4") {
            let mut fields = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            event.record(&mut FieldVisitor(&mut fields));
        }
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

impl Capture {
    /// Runs `f` with this subscriber as the default one.
    pub fn record<T>(&self, f: impl FnOnce() -> T) -> T {
        tracing::subscriber::with_default(self.clone(), f)
    }

    /// The first recorded value of the field `name`.
    pub fn field(&self, name: &str) -> Option<String> {
        let fields = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }
}
