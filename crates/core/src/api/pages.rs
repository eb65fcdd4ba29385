//! Following DRF pagination (`{count, next, previous, results}`, API.md Decision 3): page 1 first,
//! then, once `count` is known, the other pages concurrently. If the list changed underneath
//! (a page vanished or the count moved), the follower falls back to walking `next` links.

use std::collections::HashSet;

use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde::Deserialize;
use serde_json::Value;

use super::{ApiClient, ApiError};

/// How many pages are fetched at once.
pub(crate) const CONCURRENT_PAGES: usize = 4;

/// Rows on a page of the staff lists (DRF's `PAGE_SIZE`, API.md §1.4; not adjustable there).
pub(crate) const ROWS_PER_PAGE: usize = 10;

/// The most rows the desk reads of one list: far above any hotel's offers, photos, room types
/// or conversations (a big hotel has hundreds). A server claiming more (issue 36.3: `count`
/// 10¹² and an endless `next` took a PC to 8.5 GB in a minute) has that area refused in words.
pub(crate) const MAX_LIST_ROWS: u64 = 50_000;
/// The most pages read of one list (at the server's ten rows a page, its rows' ceiling).
pub(crate) const MAX_LIST_PAGES: u64 = MAX_LIST_ROWS / ROWS_PER_PAGE as u64;
/// The most bytes of rows kept of one list while it is read (each answer is also capped).
pub(crate) const MAX_LIST_BYTES: usize = 128 * 1024 * 1024;

#[derive(Debug, Deserialize)]
pub(crate) struct Page<T> {
    pub count: u64,
    #[serde(default)]
    pub next: Option<String>,
    #[serde(default)]
    pub results: Vec<T>,
    /// How many bytes the server's answer took.
    #[serde(skip)]
    pub bytes: usize,
}

impl ApiClient {
    /// Every item of a paginated list, as raw JSON objects (each must have an integer `id`).
    pub(crate) async fn all_pages(&self, path: &str) -> Result<Vec<Value>, ApiError> {
        let first = self.page(path).await?;
        let per_page = first.results.len() as u64;
        if first.next.is_none() || per_page == 0 {
            return Ok(first.results);
        }
        let pages = first.count.div_ceil(per_page);
        within_ceiling(path, first.count, pages)?;
        let separator = if path.contains('?') { '&' } else { '?' };
        let pages_read = stream::iter(2..=pages).map(|n| {
            let path = format!("{path}{separator}page={n}");
            async move { self.page(&path).await }
        });
        let rest = within_bytes(path, first.bytes, pages_read.buffered(CONCURRENT_PAGES)).await;
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
            let pages_read = stream::iter(range).map(|n| {
                let path = page_path(n);
                async move { self.page(&path).await }
            });
            within_bytes(path, 0, pages_read.buffered(CONCURRENT_PAGES))
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
        within_ceiling(path, count, total)?;
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

    /// Every item by following `next` links, within the list's ceiling (rows, pages, bytes);
    /// a link seen before (a circle) is damage, not more rows.
    async fn walk_next_links(&self, path: &str) -> Result<Vec<Value>, ApiError> {
        let mut page = self.page(path).await?;
        let mut bytes = page.bytes;
        let mut items = std::mem::take(&mut page.results);
        let mut links = HashSet::new();
        let mut pages = 1u64;
        while let Some(next) = page.next.take() {
            if !links.insert(next.clone()) {
                return Err(ApiError::Unsupported {
                    message: format!(
                        "the server's pages of {path} lead back to a page already read; \
                         the list was not read"
                    ),
                });
            }
            pages += 1;
            within_ceiling(path, items.len() as u64, pages)?;
            page = self.get_absolute(&next).await?;
            bytes = bytes.saturating_add(page.bytes);
            if bytes > MAX_LIST_BYTES {
                return Err(too_long(path, "more than 128 MB of rows"));
            }
            items.append(&mut page.results);
        }
        within_ceiling(path, items.len() as u64, pages)?;
        // A row without a numeric `id` (a room booking names itself by `booking_id`, §15.2)
        // is kept: the store knows it by the id made from its own key.
        let mut seen = HashSet::new();
        items.retain(|item| item_id(item).is_none_or(|id| seen.insert(id)));
        Ok(items)
    }

    /// One page of a list, with the bytes its answer took.
    async fn page(&self, path: &str) -> Result<Page<Value>, ApiError> {
        let (mut page, bytes): (Page<Value>, usize) = self.get_sized(path).await?;
        page.bytes = bytes;
        Ok(page)
    }

    /// GET an absolute `next` URL, only on this client's own server.
    async fn get_absolute(&self, url: &str) -> Result<Page<Value>, ApiError> {
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
        self.page(relative.strip_prefix(base_path).unwrap_or(&relative))
            .await
    }
}

/// A list of `rows` rows on `pages` pages is within what the desk reads, or is refused in
/// words before anything more of it is asked for.
fn within_ceiling(path: &str, rows: u64, pages: u64) -> Result<(), ApiError> {
    if rows > MAX_LIST_ROWS {
        return Err(too_long(path, &format!("{rows} rows")));
    }
    if pages > MAX_LIST_PAGES {
        return Err(too_long(path, &format!("more than {MAX_LIST_PAGES} pages")));
    }
    Ok(())
}

fn too_long(path: &str, what: &str) -> ApiError {
    ApiError::Unsupported {
        message: format!(
            "the server's list {path} has {what}, more than any hotel's (a desk reads at most \
             {MAX_LIST_ROWS} rows of a list); it was not read"
        ),
    }
}

/// Every page of `pages`, refused in words once the rows (with `already` bytes read before)
/// pass [`MAX_LIST_BYTES`]: each answer is capped, but 5,000 capped answers are not. Reading
/// stops there, so no more is asked or held.
async fn within_bytes(
    path: &str,
    already: usize,
    pages: impl futures_util::Stream<Item = Result<Page<Value>, ApiError>>,
) -> Result<Vec<Page<Value>>, ApiError> {
    let mut bytes = already;
    let mut kept = Vec::new();
    futures_util::pin_mut!(pages);
    while let Some(page) = pages.try_next().await? {
        bytes = bytes.saturating_add(page.bytes);
        if bytes > MAX_LIST_BYTES {
            return Err(too_long(path, "more than 128 MB of rows"));
        }
        kept.push(page);
    }
    Ok(kept)
}

fn unique_ids(items: &[Value]) -> bool {
    let mut seen = HashSet::new();
    items.iter().filter_map(item_id).all(|id| seen.insert(id))
}

/// A row's numeric `id`, if it has one.
fn item_id(item: &Value) -> Option<i64> {
    item.get("id").and_then(Value::as_i64)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;
    use crate::session::config::ApiBase;

    /// A server on loopback whose list never ends: every page names a next one (`circle`: the
    /// same one each time), and says the list has `count` rows (`None`: ten more than the
    /// pages asked so far, as a list growing underneath), its rows `row_bytes` long. Counts
    /// the requests.
    async fn endless_list(
        count: Option<u64>,
        circle: bool,
        row_bytes: usize,
    ) -> (ApiClient, Arc<AtomicU64>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let asked = Arc::new(AtomicU64::new(0));
        let counter = asked.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let counter = counter.clone();
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 4096];
                    loop {
                        let Ok(n) = socket.read(&mut buf).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        request.extend_from_slice(&buf[..n]);
                        if !request.windows(4).any(|w| w == b"\r\n\r\n") {
                            continue;
                        }
                        let page = counter.fetch_add(1, Ordering::SeqCst) + 1;
                        let next = if circle { 2 } else { page + 1 };
                        let rows: Vec<Value> = (0..10)
                            .map(|i| serde_json::json!({ "id": page * 10 + i, "title": "x".repeat(row_bytes) }))
                            .collect();
                        let body = serde_json::json!({
                            "count": count.unwrap_or(page * 10 + 10),
                            "next": format!("http://{addr}/api/offers/?page={next}"),
                            "results": rows,
                        })
                        .to_string();
                        let answer = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if socket.write_all(answer.as_bytes()).await.is_err() {
                            return;
                        }
                        request.clear();
                    }
                });
            }
        });
        let base = ApiBase::parse(&format!("http://{addr}/")).unwrap();
        let client = ApiClient::with_timeout(base, std::time::Duration::from_secs(10)).unwrap();
        (client, asked)
    }

    /// Issue 36.3: offers answered with `count` 10¹² and an endless `next` took 0.92 GB in 5 s
    /// and 8.5 GB in a minute (8,266 requests). Tried: that claim (refused from page 1), a
    /// modest claim with links that never end (refused at the pages' ceiling), and links that
    /// go round in a circle (refused at the first repeat).
    #[tokio::test]
    async fn a_list_without_end_is_refused_in_words_at_its_ceiling() {
        let (client, asked) = endless_list(Some(1_000_000_000_000), false, 500).await;
        let refused = client.all_pages("api/offers/").await.unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("1000000000000 rows, more than any hotel's"),
            "{refused}"
        );
        assert_eq!(refused.class_of_read(), crate::api::ErrorClass::Unavailable);
        assert_eq!(
            asked.load(Ordering::SeqCst),
            1,
            "nothing past page 1 is asked"
        );
        let again = client
            .all_pages_expecting("api/offers/", 30)
            .await
            .unwrap_err();
        assert!(
            again.to_string().contains("more than any hotel's"),
            "{again}"
        );

        // Its count moves at every page, and its links never end: walked to the ceiling, no
        // further.
        let (client, asked) = endless_list(None, false, 500).await;
        let refused = client.all_pages("api/offers/").await.unwrap_err();
        assert!(
            refused.to_string().contains("more than any hotel's"),
            "{refused}"
        );
        let requests = asked.load(Ordering::SeqCst);
        assert!(requests <= MAX_LIST_PAGES + 3, "{requests} requests");

        let (client, asked) = endless_list(None, true, 500).await;
        let refused = client.all_pages("api/offers/").await.unwrap_err();
        assert!(refused.to_string().contains("already read"), "{refused}");
        assert!(asked.load(Ordering::SeqCst) < 10);
    }

    /// Issue 36.3, the pages read together: a count within the ceiling (49,990 rows) on pages
    /// each near a megabyte is refused once 128 MB of rows are read, on both ways a list is
    /// read, instead of holding 5,000 capped answers (about 5 GB).
    #[tokio::test]
    async fn pages_read_together_stop_at_the_lists_bytes() {
        let (client, asked) = endless_list(Some(49_990), false, 100_000).await;
        let refused = client.all_pages("api/offers/").await.unwrap_err();
        assert!(
            refused.to_string().contains("more than 128 MB of rows"),
            "{refused}"
        );
        let requests = asked.load(Ordering::SeqCst);
        assert!(requests < 150, "{requests} requests");

        let (client, asked) = endless_list(Some(49_990), false, 100_000).await;
        let refused = client
            .all_pages_expecting("api/offers/", 49_990)
            .await
            .unwrap_err();
        assert!(
            refused.to_string().contains("more than 128 MB of rows"),
            "{refused}"
        );
        let requests = asked.load(Ordering::SeqCst);
        assert!(requests < 150, "{requests} requests");
    }
}
