//! Who may change the public page (§17.1), said once for every part of it that is edited:
//! its sections and, on the Offers screen, its cards.

/// Who may change the page, in one sentence (§17.1).
pub(crate) const WHO_MAY_EDIT: &str = "Only the hotel's super staff admins with the Hotel \
    info section in their menu (or a HotelMate superuser) can change the public page.";
