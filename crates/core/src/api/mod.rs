//! The HotelMate REST client (API.md): one `reqwest` client with rustls, `Authorization: Token`,
//! error bodies turned into [`ApiError`] kinds the UI can act on, one module per resource.
//!
//! Models tolerate unknown fields, and error bodies that are not JSON (Django's debug pages).

pub(crate) mod chat;
mod client;
mod error;
pub mod generation;
mod pages;
pub(crate) mod resources;
pub(crate) mod session;

#[cfg(feature = "test-support")]
pub use client::MAX_ANSWER_BYTES;
pub use client::{ApiClient, DEFAULT_REQUEST_TIMEOUT, MAX_ATTACHMENT_BYTES};
pub use error::{ApiError, ErrorClass};
pub use generation::{Generation, PAGE_EDITOR};
pub(crate) use pages::{CONCURRENT_PAGES, ROWS_PER_PAGE};
pub use resources::{CreateAt, ImageFile, Listing, Mount, Progress, Resource, SINGLETON_ID};
