//! The reception display: what it shows, read from this desk's store only so a lobby screen
//! keeps showing it through an outage, this computer's display settings, and leaving the kiosk
//! with the PIN or a staff sign-in ([`desk`]: `desk.display()`).

pub(crate) mod desk;
