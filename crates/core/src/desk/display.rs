//! What the reception display shows (`desk.display()`), read from this desk's store only, so a
//! lobby screen keeps showing it through a network outage: the hotel's name, logo, hero image
//! and welcome message (its settings), the offers a guest may book today, and who is on duty.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::{Desk, DeskError};
use crate::api::SINGLETON_ID;
use crate::offers::Offer;
use crate::resources::hotel::SETTINGS;
use crate::team::TeamMember;

/// The reception display's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DisplayContent {
    pub hotel_name: String,
    pub welcome: Option<String>,
    pub logo_url: Option<String>,
    pub hero_url: Option<String>,
    /// Active offers valid today (this computer's date), in the hotel's order.
    pub offers: Vec<Offer>,
    /// Everyone on duty, department by department.
    pub on_duty: Vec<TeamMember>,
}

/// The reception display of a signed-in desk.
pub struct Display<'a> {
    desk: &'a Desk,
}

impl Desk {
    pub fn display(&self) -> Display<'_> {
        Display { desk: self }
    }
}

/// Whether a guest can book `offer` on `today`: switched on, started, not ended.
pub fn bookable_on(offer: &Offer, today: NaiveDate) -> bool {
    let day = |text: &Option<String>| {
        text.as_deref()
            .and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
    };
    offer.is_active
        && day(&offer.valid_from).is_none_or(|from| from <= today)
        && day(&offer.valid_to).is_none_or(|to| to >= today)
}

impl Display<'_> {
    /// Everything the display shows, as stored here (no network).
    pub fn content(&self) -> Result<DisplayContent, DeskError> {
        let session = self.desk.session().ok_or(DeskError::NotSignedIn)?;
        let settings = self
            .desk
            .inner
            .store
            .record(SETTINGS.name, SINGLETON_ID)?
            .unwrap_or_default();
        let text = |key: &str| {
            settings
                .get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        };
        let today = chrono::Local::now().date_naive();
        let offers = self
            .desk
            .offers()
            .list()?
            .into_iter()
            .filter(|offer| bookable_on(offer, today))
            .collect();
        let on_duty = self
            .desk
            .team()
            .board("")?
            .groups
            .into_iter()
            .flat_map(|group| group.members)
            .filter(|member| member.on_duty)
            .collect();
        Ok(DisplayContent {
            hotel_name: text("name_display").unwrap_or(session.hotel_name),
            welcome: text("welcome_message"),
            logo_url: text("logo_display"),
            hero_url: text("hero_image_display"),
            offers,
            on_duty,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(active: bool, from: Option<&str>, to: Option<&str>) -> Offer {
        Offer {
            id: 1,
            title: "Spa".into(),
            short_description: String::new(),
            details_text: String::new(),
            details_html: String::new(),
            valid_from: from.map(str::to_owned),
            valid_to: to.map(str::to_owned),
            tag: String::new(),
            book_now_url: String::new(),
            photo_url: None,
            photo_pending: false,
            sort_order: 0,
            is_active: active,
            created_at: None,
            sync: crate::sync::view::RowSync::Synced,
        }
    }

    #[test]
    fn only_offers_bookable_today_are_shown() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert!(bookable_on(&offer(true, None, None), today));
        assert!(bookable_on(
            &offer(true, Some("2026-11-22"), Some("2026-11-22")),
            today
        ));
        assert!(
            !bookable_on(&offer(false, None, None), today),
            "switched off"
        );
        assert!(
            !bookable_on(&offer(true, Some("2026-11-23"), None), today),
            "not yet"
        );
        assert!(
            !bookable_on(&offer(true, None, Some("2026-11-21")), today),
            "over"
        );
    }
}
