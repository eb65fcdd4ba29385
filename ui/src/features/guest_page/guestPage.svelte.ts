// The Guest page screen's state: the hotel's public page as guests see it, read again whenever
// the core says its view changed (read while the screen shows: an offer, a room type's photo or
// the settings changed, or the desk caught up).
import { onDeskEvent } from "../../lib/events";
import { ViewStore } from "../../lib/viewStore.svelte";

export const guestPage = new ViewStore("guest_page", "guest_page");
onDeskEvent((event) => guestPage.handle(event));
