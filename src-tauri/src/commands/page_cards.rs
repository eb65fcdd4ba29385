//! The offers on the 2026 server: the cards of one list of the public page (API.md §17.5),
//! the list chosen on this desk, the cards added, edited, moved, deleted and pictured.

use hotelmate_core::features::public_page::{CardPatch, CardUndo, OfferCards, PageCards};
use hotelmate_core::{Desk, UiError};
use tauri::ipc::Request;
use tauri::State;

command! {
    /// The offers as cards, as this desk keeps them.
    pub fn offer_cards(desk: State<'_, Desk>) -> Result<OfferCards, UiError> {
        Ok(desk.handle::<PageCards>().get()?)
    }
}

command! {
    /// Chooses the list whose cards are the offers (a setting of this desk).
    pub fn offer_cards_choose_list(desk: State<'_, Desk>, id: i64) -> Result<OfferCards, UiError> {
        Ok(desk.handle::<PageCards>().choose_list(id)?)
    }
}

command! {
    /// Makes a list section to hold the offers.
    pub fn offer_cards_create_list(desk: State<'_, Desk>, name: String) -> Result<OfferCards, UiError> {
        Ok(desk.handle::<PageCards>().create_list(&name)?)
    }
}

command! {
    pub fn offer_card_add(desk: State<'_, Desk>, card: CardPatch) -> Result<OfferCards, UiError> {
        Ok(desk.handle::<PageCards>().add_card(&card)?)
    }
}

command! {
    pub fn offer_card_update(desk: State<'_, Desk>, id: i64, changes: CardPatch) -> Result<OfferCards, UiError> {
        Ok(desk.handle::<PageCards>().update_card(id, &changes)?)
    }
}

command! {
    /// Moves a card to place `to` (from 0).
    pub fn offer_card_move(desk: State<'_, Desk>, id: i64, to: usize) -> Result<OfferCards, UiError> {
        Ok(desk.handle::<PageCards>().move_card(id, to)?)
    }
}

command! {
    pub fn offer_card_delete(desk: State<'_, Desk>, id: i64) -> Result<OfferCards, UiError> {
        Ok(desk.handle::<PageCards>().delete_card(id)?)
    }
}

command! {
    /// Takes back a delete that has not reached the server; says so when it is too late.
    pub async fn offer_card_undo_delete(desk: State<'_, Desk>, id: i64) -> Result<CardUndo, UiError> {
        Ok(desk.handle::<PageCards>().undo_delete_card(id).await?)
    }
}

command! {
    /// The image arrives as the raw request body; the card id and file name as headers.
    pub async fn offer_card_set_image(
        desk: State<'_, Desk>,
        request: Request<'_>,
    ) -> Result<OfferCards, UiError> {
        let (id, file) = super::upload(&request, "card-id", "image", super::id)?;
        Ok(desk.handle::<PageCards>().set_card_image(id, file.name, file.bytes).await?)
    }
}

command! {
    pub fn offer_card_clear_image(desk: State<'_, Desk>, id: i64) -> Result<OfferCards, UiError> {
        Ok(desk.handle::<PageCards>().clear_card_image(id)?)
    }
}
