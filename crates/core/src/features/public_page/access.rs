//! What the page's descriptions say in words to those who cannot have an area: why the older
//! server has none of it, and who may change the page (§17.1). Apart so that each resource's
//! description (sections, heroes, galleries) names them without naming the others.

/// Why the fd6c529 server has none of it.
pub(crate) const NOT_CLASSIC: &str = "This HotelMate server has no page builder: its public page is made \
    from the offers, galleries and settings.";

/// Who may change the page, in one sentence (§17.1).
pub(crate) const WHO_MAY_EDIT: &str = "Only the hotel's super staff admins with the Hotel \
    info section in their menu (or a HotelMate superuser) can change the public page.";
