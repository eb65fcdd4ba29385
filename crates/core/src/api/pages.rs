//! Following DRF pagination (`{count, next, previous, results}`, API.md Decision 3): page 1 first,
//! then, once `count` is known, the other pages concurrently. If the list changed underneath
//! (a page vanished or the count moved), the follower falls back to walking `next` links.

use std::collections::HashSet;

use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use super::{ApiClient, ApiError};

/// How many pages are fetched at once.
pub(crate) const CONCURRENT_PAGES: usize = 4;

/// Rows on a page of the staff lists (DRF's `PAGE_SIZE`, API.md §1.4; not adjustable there).
pub(crate) const ROWS_PER_PAGE: usize = 10;

#[derive(Debug, Deserialize)]
pub(crate) struct Page<T> {
    pub count: u64,
    #[serde(default)]
    pub next: Option<String>,
    #[serde(default)]
    pub results: Vec<T>,
}

impl ApiClient {
    /// Every item of a paginated list, as raw JSON objects (each must have an integer `id`).
    pub(crate) async fn all_pages(&self, path: &str) -> Result<Vec<Value>, ApiError> {
        let first: Page<Value> = self.get(path).await?;
        let per_page = first.results.len() as u64;
        if first.next.is_none() || per_page == 0 {
            return Ok(first.results);
        }
        let pages = first.count.div_ceil(per_page);
        let separator = if path.contains('?') { '&' } else { '?' };
        let rest: Result<Vec<Page<Value>>, ApiError> = stream::iter(2..=pages)
            .map(|n| {
                let path = format!("{path}{separator}page={n}");
                async move { self.get::<Page<Value>>(&path).await }
            })
            .buffered(CONCURRENT_PAGES)
            .try_collect()
            .await;
        let mut items = first.results;
        match rest {
            Ok(pages) => {
                let counts_agree = pages.iter().all(|p| p.count == first.count);
                items.extend(pages.into_iter().flat_map(|p| p.results));
                if counts_agree && unique_ids(&items) && items.len() as u64 == first.count {
                    return Ok(items);
                }
            }
            Err(ApiError::NotFound { .. }) => {}
            Err(other) => return Err(other),
        }
        tracing::debug!(path, "list changed while paging; walking next links");
        self.walk_next_links(path).await
    }

    /// Every item of a list last seen with `expected` items: the pages those items filled are
    /// asked for together, page 1 among them, so a list read again costs the round trips of
    /// its pages fetched [`CONCURRENT_PAGES`] at a time, not one more for page 1 alone. A list
    /// that grew has its further pages read after; one that shrank or changed underneath is
    /// read as [`ApiClient::all_pages`] reads it.
    pub(crate) async fn all_pages_expecting(
        &self,
        path: &str,
        expected: usize,
    ) -> Result<Vec<Value>, ApiError> {
        let guess = expected.div_ceil(ROWS_PER_PAGE) as u64;
        if guess <= 1 {
            return self.all_pages(path).await;
        }
        let separator = if path.contains('?') { '&' } else { '?' };
        let page_path = |n: u64| {
            if n == 1 {
                path.to_owned()
            } else {
                format!("{path}{separator}page={n}")
            }
        };
        let fetch = |range: std::ops::RangeInclusive<u64>| {
            stream::iter(range)
                .map(|n| {
                    let path = page_path(n);
                    async move { self.get::<Page<Value>>(&path).await }
                })
                .buffered(CONCURRENT_PAGES)
                .try_collect::<Vec<Page<Value>>>()
        };
        let mut pages = match fetch(1..=guess).await {
            Ok(pages) => pages,
            Err(ApiError::NotFound { .. }) => return self.all_pages(path).await,
            Err(other) => return Err(other),
        };
        let count = pages[0].count;
        let per_page = pages[0].results.len() as u64;
        let total = if per_page == 0 {
            1
        } else {
            count.div_ceil(per_page)
        };
        if total > guess {
            match fetch(guess + 1..=total).await {
                Ok(more) => pages.extend(more),
                Err(ApiError::NotFound { .. }) => return self.all_pages(path).await,
                Err(other) => return Err(other),
            }
        }
        let counts_agree = pages.iter().all(|p| p.count == count);
        let items: Vec<Value> = pages.into_iter().flat_map(|p| p.results).collect();
        if counts_agree && unique_ids(&items) && items.len() as u64 == count {
            return Ok(items);
        }
        tracing::debug!(path, "list changed while paging; reading it again");
        self.all_pages(path).await
    }

    async fn walk_next_links(&self, path: &str) -> Result<Vec<Value>, ApiError> {
        let mut page: Page<Value> = self.get(path).await?;
        let mut items = std::mem::take(&mut page.results);
        while let Some(next) = page.next.take() {
            page = self.get_absolute(&next).await?;
            items.append(&mut page.results);
        }
        let mut seen = HashSet::new();
        items.retain(|item| seen.insert(item.get("id").and_then(Value::as_i64)));
        Ok(items)
    }

    /// GET an absolute `next` URL, only on this client's own server.
    async fn get_absolute<T: DeserializeOwned>(&self, url: &str) -> Result<T, ApiError> {
        let parsed = url::Url::parse(url).map_err(|_| ApiError::Unsupported {
            message: format!("the server sent a bad page link '{url}'"),
        })?;
        let base = self.base().url();
        if parsed.host_str() != base.host_str()
            || parsed.port_or_known_default() != base.port_or_known_default()
        {
            return Err(ApiError::Unsupported {
                message: format!("the server sent a page link to another server ('{url}')"),
            });
        }
        let relative = match parsed.query() {
            Some(query) => format!("{}?{query}", parsed.path()),
            None => parsed.path().to_owned(),
        };
        let base_path = base.path().trim_end_matches('/');
        self.get(relative.strip_prefix(base_path).unwrap_or(&relative))
            .await
    }
}

fn unique_ids(items: &[Value]) -> bool {
    let mut seen = HashSet::new();
    items
        .iter()
        .all(|item| seen.insert(item.get("id").and_then(Value::as_i64)))
}
