//! Issue 63.3: where "Scan to book" may send a guest's phone. On fd6c529 any member of staff may
//! change the hotel's `website` and an offer's `book_now_url` (API.md §1.3: no role checks), so
//! a receptionist's two PATCHes pointed every lobby code at another site. A code now opens only
//! a web site (scheme, host and port) that the hotel's IT set in the system settings file
//! (`[display] offer_link`, `booking_site`) or that a manager (`staff_admin` or
//! `super_staff_admin`, §2.1) confirmed at this desk; a site the hotel's data points to that
//! nobody trusted yet waits, and Settings says so with who may confirm it.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::Display;
use crate::context::{lock, DeskError};
use crate::rules::guest_link::{site_origin, OFFER_ID_FIELD};

const SITES_KEY: &str = "display_scan_sites";
/// The most sites kept as confirmed (the oldest go first).
const KEPT_SITES: usize = 8;
/// The access levels a manager has (§2.1 `access_level`).
const MANAGERS: &[&str] = &["staff_admin", "super_staff_admin"];

/// A web site codes may open, and who decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TrustedSite {
    /// Its scheme, host and port (`https://www.hotelkillarney.ie`).
    pub origin: String,
    /// Who decided, in words ("IT, in the system settings file", "Seán Murphy, a manager").
    pub by: String,
    /// When a manager confirmed it (RFC 3339; `None` for IT's).
    pub at: Option<String>,
    /// IT set it: it cannot be taken back here.
    pub from_system: bool,
}

/// A web site the hotel's data points codes to that nobody has trusted: its codes wait.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WaitingSite {
    /// Its scheme, host and port.
    pub origin: String,
    /// Where it comes from, in words ("the hotel's web site, as the server gives it", "the
    /// Book now address of 2 offers", "the address for the offers' codes set here").
    pub from: String,
}

/// Where the display's codes may open, for Settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScanSites {
    /// The sites codes open, each with who decided.
    pub trusted: Vec<TrustedSite>,
    /// Sites the hotel's data points codes to that nobody trusted yet.
    pub waiting: Vec<WaitingSite>,
    /// Whether the person signed in may confirm or take back a site (a manager).
    pub may_confirm: bool,
}

/// A site a manager confirmed here, as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Confirmed {
    origin: String,
    by: String,
    at: String,
}

impl Display<'_> {
    fn confirmed(&self) -> Vec<Confirmed> {
        match self.cx.store.preference(SITES_KEY) {
            Ok(Some(json)) => serde_json::from_str(&json).unwrap_or_else(|err| {
                // Said, never turned into a guess: no site is trusted until confirmed again.
                tracing::warn!(error = %err, "the confirmed scan-to-book sites are damaged; none is trusted");
                Vec::new()
            }),
            Ok(None) => Vec::new(),
            Err(err) => {
                tracing::warn!(error = %err, "cannot read the confirmed scan-to-book sites");
                Vec::new()
            }
        }
    }

    /// The sites IT set: the system settings file's template's and its `booking_site`.
    fn sites_from_system(&self) -> Vec<String> {
        let system = &self.cx.system;
        let template = system
            .offer_link
            .as_deref()
            .map(|t| t.replace(OFFER_ID_FIELD, "1"));
        template
            .as_deref()
            .and_then(|t| site_origin(t).ok())
            .into_iter()
            .chain(system.booking_site.clone())
            .collect()
    }

    /// Every site a code may open (IT's, the demo hotel's own while it is shown, and those
    /// confirmed here).
    pub(super) fn trusted_origins(&self) -> Vec<String> {
        let mut sites = self.sites_from_system();
        sites.extend(self.demo_site());
        sites.extend(self.confirmed().into_iter().map(|c| c.origin));
        sites
    }

    /// The demo hotel's own (made-up) web site, while the desk shows the demo hotel: its codes
    /// show what a hotel's would, and nothing a guest scans in a real lobby comes from it.
    fn demo_site(&self) -> Option<String> {
        let demo = self.cx.session().is_some_and(|s| s.is_demo);
        demo.then(|| self.hotel_site().ok().flatten())
            .flatten()
            .and_then(|site| site_origin(&site).ok())
    }

    /// Whether the person signed in is a manager (may confirm where codes open).
    fn is_manager(&self) -> bool {
        self.cx.running().is_ok_and(|running| {
            lock(&running.identity)
                .access_level
                .as_deref()
                .is_some_and(|level| MANAGERS.contains(&level))
        })
    }

    /// Refuses, in words, a change of where codes open by someone who is not a manager.
    pub(super) fn only_a_manager(&self, what: &str) -> Result<(), DeskError> {
        if self.is_manager() {
            return Ok(());
        }
        Err(DeskError::NotAllowed(format!(
            "Only a manager (a staff admin of this hotel) can {what}: a code in the lobby sends \
             guests' phones there."
        )))
    }

    /// Where the display's codes may open, and what waits, for Settings.
    pub fn scan_sites(&self) -> Result<ScanSites, DeskError> {
        let mut trusted: Vec<TrustedSite> = self
            .sites_from_system()
            .into_iter()
            .map(|origin| TrustedSite {
                origin,
                by: "IT, in the system settings file".into(),
                at: None,
                from_system: true,
            })
            .collect();
        if let Some(origin) = self.demo_site() {
            trusted.push(TrustedSite {
                origin,
                by: "the demo hotel's own made-up site, while the demo hotel is shown".into(),
                at: None,
                from_system: true,
            });
        }
        for confirmed in self.confirmed() {
            if !trusted.iter().any(|t| t.origin == confirmed.origin) {
                trusted.push(TrustedSite {
                    origin: confirmed.origin,
                    by: confirmed.by,
                    at: Some(confirmed.at),
                    from_system: false,
                });
            }
        }
        let waiting = self.waiting_sites(&trusted)?;
        Ok(ScanSites {
            trusted,
            waiting,
            may_confirm: self.is_manager(),
        })
    }

    /// The sites the hotel's data points codes to that nobody trusted: the hotel's web site as
    /// the server gives it, the template set here, the offers' "book now" addresses.
    fn waiting_sites(&self, trusted: &[TrustedSite]) -> Result<Vec<WaitingSite>, DeskError> {
        let is_trusted = |origin: &str| trusted.iter().any(|t| t.origin == origin);
        let mut waiting: Vec<WaitingSite> = Vec::new();
        let mut add = |origin: String, from: String| {
            if !is_trusted(&origin) && !waiting.iter().any(|w| w.origin == origin) {
                waiting.push(WaitingSite { origin, from });
            }
        };
        if let Some(template) = self.settings()?.offer_link {
            if let Ok(origin) = site_origin(&template.replace(OFFER_ID_FIELD, "1")) {
                add(origin, "the address for the offers' codes set on this computer".into());
            }
        }
        if let Some(site) = self.hotel_site()? {
            if let Ok(origin) = site_origin(&site) {
                add(origin, "the hotel's web site, as the server gives it".into());
            }
        }
        let mut by_origin: Vec<(String, u32)> = Vec::new();
        for offer in self.offers_shown()? {
            let Ok(origin) = site_origin(&offer.book_now_url) else {
                continue;
            };
            match by_origin.iter_mut().find(|(o, _)| *o == origin) {
                Some((_, n)) => *n += 1,
                None => by_origin.push((origin, 1)),
            }
        }
        for (origin, n) in by_origin {
            let offers = if n == 1 { "1 offer".to_owned() } else { format!("{n} offers") };
            add(origin, format!("the \"Book now\" address of {offers}"));
        }
        Ok(waiting)
    }

    /// The hotel's web site as the server gives it, if any.
    pub(super) fn hotel_site(&self) -> Result<Option<String>, DeskError> {
        let settings = self
            .cx
            .store
            .record(
                crate::features::hotel_images::spec::SETTINGS.name,
                crate::api::SINGLETON_ID,
            )?
            .unwrap_or_default();
        let text = |key: &str| {
            settings
                .get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        };
        Ok(text("website_url_display").or_else(|| text("website")))
    }

    /// A manager at this desk trusts `site` (any address on it) for the display's codes.
    pub fn confirm_scan_site(&self, site: &str) -> Result<ScanSites, DeskError> {
        self.only_a_manager("confirm where the lobby's codes open")?;
        let origin = site_origin(site).map_err(|reason| DeskError::InvalidInput {
            field: "scan_site",
            message: format!("That web site cannot be used for codes: {reason}"),
        })?;
        self.trust(origin)?;
        self.scan_sites()
    }

    /// Keeps `origin` as confirmed by the manager signed in, now.
    pub(super) fn trust(&self, origin: String) -> Result<(), DeskError> {
        let by = self
            .cx
            .session()
            .map(|s| format!("{}, a manager", s.display_name))
            .unwrap_or_else(|| "a manager".into());
        let mut sites = self.confirmed();
        sites.retain(|c| c.origin != origin);
        sites.insert(
            0,
            Confirmed {
                origin,
                by,
                at: chrono::Utc::now().to_rfc3339(),
            },
        );
        sites.truncate(KEPT_SITES);
        self.keep(&sites)
    }

    /// A manager at this desk no longer trusts `origin` (IT's stay: only the file changes them).
    pub fn forget_scan_site(&self, origin: &str) -> Result<ScanSites, DeskError> {
        self.only_a_manager("change where the lobby's codes open")?;
        let mut sites = self.confirmed();
        sites.retain(|c| c.origin != origin);
        self.keep(&sites)?;
        self.scan_sites()
    }

    fn keep(&self, sites: &[Confirmed]) -> Result<(), DeskError> {
        let json = serde_json::to_string(sites).map_err(|err| {
            DeskError::Interrupted(format!("keeping the scan-to-book sites: {err}"))
        })?;
        self.cx.store.set_preference(SITES_KEY, &json)?;
        self.cx.emit(crate::events::DeskEvent::DisplayChanged);
        Ok(())
    }
}
