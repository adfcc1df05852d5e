//! In-memory bodies for the `http-body` tests: [`Frames`] yields given frames, answering
//! `Pending` before each, and [`Broken`] is its transport failure.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame};

/// A transport failure.
#[derive(Debug, PartialEq, Eq)]
pub struct Broken;

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset")
    }
}

impl std::error::Error for Broken {}

/// An in-memory body that yields the given frames (or errors), answering `Pending` before each.
pub struct Frames {
    pub items: VecDeque<Result<Frame<Bytes>, Broken>>,
    pub wait: bool,
}

impl Frames {
    pub fn new(items: impl IntoIterator<Item = Result<Frame<Bytes>, Broken>>) -> Self {
        Self { items: items.into_iter().collect(), wait: true }
    }

    /// `data` cut into frames whose sizes cycle through `sizes`.
    pub fn split(data: &[u8], sizes: &[usize]) -> Self {
        let mut items = Vec::new();
        let mut rest = data;
        for &size in sizes.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (head, tail) = rest.split_at(size.min(rest.len()));
            items.push(Ok(Frame::data(Bytes::copy_from_slice(head))));
            rest = tail;
        }
        Self::new(items)
    }

    #[allow(dead_code)] // the gateway tests, which include this file too, never append a frame
    pub fn with(mut self, item: Result<Frame<Bytes>, Broken>) -> Self {
        self.items.push_back(item);
        self
    }
}

impl Body for Frames {
    type Data = Bytes;
    type Error = Broken;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Broken>>> {
        self.wait = !self.wait;
        if !self.wait {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(self.items.pop_front())
    }
}
