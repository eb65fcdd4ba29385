//! The lobby on the 2026 server (issue 65.11): the published public page (API.md §17.8) in
//! place of the offers, galleries and settings that server no longer has. Its hero gives the
//! hero image, logo and welcome; its gallery containers give the slideshow; its lists' cards
//! are the offers' successors. Read from the desk's copy of the public read only, which holds
//! published sections alone (a hidden section never reaches a guest's screen), so the lobby
//! keeps showing the last good page through an outage or the server's 500 on it (§17.9 item 1).

use super::{Display, SlideImage};
use crate::api::SINGLETON_ID;
use crate::context::{DeskError, Handle, Parts};
use crate::features::public_page::spec::SPEC as PAGE_SPEC;
use crate::features::public_page::{PageCard, PublicPage, PublicPageHandle};
use crate::rules::guest_link::{checked, site_origin};

/// What the published page gives the lobby (all empty where none was read: fd6c529).
#[derive(Debug, Default)]
pub(super) struct FromPage {
    /// The first published hero's title, else its text: the lobby's welcome.
    pub welcome: Option<String>,
    /// The first published hero's logo.
    pub logo_url: Option<String>,
    /// The first published hero's background picture.
    pub hero_url: Option<String>,
    /// Every published gallery container's images, container by container, in order.
    pub gallery: Vec<SlideImage>,
    /// Every published list's cards, in the page's order.
    pub cards: Vec<PageCard>,
}

impl FromPage {
    /// From the stored public read (`None`: never read here); sections of a hotel other than
    /// `hotel` (this one's id, when known) are left out.
    pub(super) fn from_public_read(
        public: Option<&crate::engine::store::Row>,
        hotel: Option<i64>,
    ) -> Self {
        let Some(page) = PublicPage::from_rows(public, None, (false, hotel), "") else {
            return Self::default();
        };
        let hero = page.sections.iter().find_map(|s| s.hero.clone());
        let gallery = page
            .sections
            .iter()
            .flat_map(|s| &s.galleries)
            .flat_map(|container| {
                container.images.iter().filter_map(|image| {
                    Some(SlideImage {
                        url: image.image_url.clone()?,
                        caption: Some(image.caption.trim().to_owned()).filter(|c| !c.is_empty()),
                        gallery: container.name.clone(),
                    })
                })
            })
            .collect();
        let cards = page
            .sections
            .into_iter()
            .filter(|s| s.section_type == "list")
            .flat_map(|s| s.cards)
            .collect();
        let welcome = hero.as_ref().and_then(|h| {
            [&h.title, &h.text]
                .into_iter()
                .map(|t| t.trim().to_owned())
                .find(|t| !t.is_empty())
        });
        let (logo_url, hero_url) = hero.map_or((None, None), |h| (h.logo_url, h.image_url));
        Self {
            welcome,
            logo_url,
            hero_url,
            gallery,
            cards,
        }
    }
}

impl Display<'_> {
    /// The published page as last read here.
    pub(super) fn published_page(&self) -> Result<FromPage, DeskError> {
        let public = self.cx.store.record(PAGE_SPEC.name(), SINGLETON_ID)?;
        let hotel = PublicPageHandle::open(Parts(self.cx)).hotel_id()?;
        Ok(FromPage::from_public_read(public.as_ref(), hotel))
    }

    /// Where a card's scan-to-book code opens: a card has no link of its own (§17.5), so the
    /// hotel's own booking site IT set (`[display] booking_site`), else the hotel's web site
    /// when a code may open it (a trusted origin, as for an offer's). `None`: no code is
    /// drawn, nothing guessed.
    pub(super) fn card_address(&self, trusted: &[String]) -> Option<String> {
        let on_trusted_site = |address: &str| {
            site_origin(address).is_ok_and(|origin| trusted.contains(&origin))
        };
        self.cx
            .system
            .booking_site
            .iter()
            .cloned()
            .chain(self.hotel_site().ok().flatten())
            .filter_map(|address| checked(&address).ok())
            .map(String::from)
            .find(|address| on_trusted_site(address))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_lobby_takes_the_published_hero_galleries_and_cards_in_the_pages_order() {
        let public = json!({"sections": [
            {"id": 4, "position": 3, "section_type": "list", "lists": [
                {"id": 1, "sort_order": 0, "cards": [
                    {"id": 12, "sort_order": 2, "title": "Spa weekend"},
                    {"id": 11, "sort_order": 1, "title": "Golf & stay"}]}]},
            {"id": 2, "position": 1, "section_type": "hero", "hero_data": {
                "hero_title": "Welcome to Killarney", "hero_text": "",
                "hero_image_url": "https://media.example/hero.jpg"}},
            {"id": 3, "position": 2, "section_type": "gallery", "galleries": [
                {"id": 7, "name": "The lake", "sort_order": 0, "images": [
                    {"id": 71, "sort_order": 0, "image_url": "https://media.example/l1.jpg", "caption": " "},
                    {"id": 72, "sort_order": 0, "image_url": null, "caption": "no picture"},
                    {"id": 70, "sort_order": 1, "image_url": "https://media.example/l0.jpg", "caption": "Dawn"}]}]},
            {"id": 5, "position": 4, "section_type": "news"},
        ]});
        let page = FromPage::from_public_read(public.as_object(), None);
        assert_eq!(page.welcome.as_deref(), Some("Welcome to Killarney"));
        assert_eq!(
            page.hero_url.as_deref(),
            Some("https://media.example/hero.jpg")
        );
        let slides: Vec<_> = page
            .gallery
            .iter()
            .map(|s| (s.url.as_str(), s.caption.as_deref(), s.gallery.as_str()))
            .collect();
        assert_eq!(
            slides,
            [
                ("https://media.example/l1.jpg", None, "The lake"),
                ("https://media.example/l0.jpg", Some("Dawn"), "The lake"),
            ],
            "images in (sort_order, id) order, one without a picture left out"
        );
        let cards: Vec<_> = page.cards.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(cards, ["Golf & stay", "Spa weekend"]);
        let nothing = FromPage::from_public_read(None, None);
        assert!(nothing.welcome.is_none() && nothing.gallery.is_empty() && nothing.cards.is_empty());
    }

    #[test]
    fn a_section_of_another_hotel_never_reaches_the_lobby() {
        let public = json!({"sections": [
            {"id": 4, "position": 1, "hotel": 1, "section_type": "list", "lists": [
                {"id": 1, "sort_order": 0, "cards": [{"id": 11, "sort_order": 0, "title": "Ours"}]}]},
            {"id": 9, "position": 2, "hotel": 2, "section_type": "list", "lists": [
                {"id": 2, "sort_order": 0, "cards": [{"id": 21, "sort_order": 0, "title": "Galway's"}]}]},
        ]});
        let page = FromPage::from_public_read(public.as_object(), Some(1));
        let cards: Vec<_> = page.cards.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(cards, ["Ours"]);
    }

    #[test]
    fn an_unreadable_section_list_gives_the_lobby_nothing_rather_than_a_guess() {
        let public = json!({"sections": "not a list"});
        let page = FromPage::from_public_read(public.as_object(), None);
        assert!(page.welcome.is_none() && page.cards.is_empty());
    }
}
