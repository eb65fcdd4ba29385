//! DRF `PageNumberPagination`: `{count, next, previous, results}`, absolute `next`/`previous` built from the
//! request's Host, `?page=N`, and `404 {"detail": "Invalid page."}` out of range (API.md §1.4).

use axum::http::{HeaderMap, StatusCode, Uri};
use serde_json::{json, Value};

use crate::errors::ApiError;

/// The default page size of the reference backend.
pub(crate) const PAGE_SIZE: usize = 10;

/// The request facts a page needs to build its links.
pub(crate) struct PageRequest {
    pub base: String,
    pub path: String,
    pub query: Vec<(String, String)>,
}

impl PageRequest {
    pub(crate) fn new(headers: &HeaderMap, uri: &Uri, fallback_base: &str) -> Self {
        let base = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(|h| format!("http://{h}"))
            .unwrap_or_else(|| fallback_base.to_string());
        let query = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Self {
            base,
            path: uri.path().to_string(),
            query,
        }
    }

    pub(crate) fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn url_with_page(&self, page: Option<usize>) -> String {
        // DRF's replace_query_param / remove_query_param re-encode the query sorted by key.
        let mut pairs: Vec<(String, String)> = self
            .query
            .iter()
            .filter(|(k, _)| k != "page")
            .cloned()
            .collect();
        if let Some(p) = page {
            pairs.push(("page".into(), p.to_string()));
        }
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &pairs {
            q.append_pair(k, v);
        }
        let q = q.finish();
        if q.is_empty() {
            format!("{}{}", self.base, self.path)
        } else {
            format!("{}{}?{}", self.base, self.path, q)
        }
    }

    /// One page of `rows` (already ordered), only that page's rows turned into JSON, as
    /// Django serializes only the rows of the page it asked the database for.
    pub(crate) fn paginate_rows<T>(
        &self,
        rows: &[T],
        page_size: usize,
        to_json: impl Fn(&T) -> Value,
    ) -> Result<Value, ApiError> {
        let page = self.page_number(rows.len(), page_size)?;
        let results: Vec<Value> = rows
            .iter()
            .skip((page - 1) * page_size)
            .take(page_size)
            .map(to_json)
            .collect();
        Ok(self.envelope(rows.len(), page, page_size, results))
    }

    /// One page of a collection of `count` rows, the page's rows read by `rows(offset, limit)`
    /// (the database's `LIMIT`/`OFFSET`, as Django's paginator queries: a count, then the page).
    pub(crate) fn paginate_query(
        &self,
        count: usize,
        page_size: usize,
        rows: impl FnOnce(usize, usize) -> Result<Vec<Value>, ApiError>,
    ) -> Result<Value, ApiError> {
        let page = self.page_number(count, page_size)?;
        let results = rows((page - 1) * page_size, page_size)?;
        Ok(self.envelope(count, page, page_size, results))
    }

    fn page_number(&self, count: usize, page_size: usize) -> Result<usize, ApiError> {
        let invalid = || ApiError::detail(StatusCode::NOT_FOUND, "Invalid page.");
        let pages = count.div_ceil(page_size).max(1);
        let page: usize = match self.param("page") {
            None => 1,
            Some("last") => pages,
            Some(p) => p.parse().map_err(|_| invalid())?,
        };
        if page == 0 || page > pages {
            return Err(invalid());
        }
        Ok(page)
    }

    fn envelope(&self, count: usize, page: usize, page_size: usize, results: Vec<Value>) -> Value {
        let pages = count.div_ceil(page_size).max(1);
        let next = (page < pages).then(|| self.url_with_page(Some(page + 1)));
        let previous = match page {
            1 => None,
            2 => Some(self.url_with_page(None)),
            p => Some(self.url_with_page(Some(p - 1))),
        };
        json!({"count": count, "next": next, "previous": previous, "results": results})
    }

    /// One page of `items` (already ordered) with `page_size` items a page.
    pub(crate) fn paginate(&self, items: Vec<Value>, page_size: usize) -> Result<Value, ApiError> {
        let page = self.page_number(items.len(), page_size)?;
        let count = items.len();
        let results: Vec<Value> = items
            .into_iter()
            .skip((page - 1) * page_size)
            .take(page_size)
            .collect();
        Ok(self.envelope(count, page, page_size, results))
    }
}
