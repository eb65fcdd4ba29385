// The Hotel screen's state: what the hotel's public page tells guests, read again whenever the
// core says its view changed (a colleague edited the settings, or the desk caught up).
import { onDeskEvent } from "../../lib/events";
import { ViewStore } from "../../lib/viewStore.svelte";

export const hotelDetails = new ViewStore("hotel_details", "hotel_details");
onDeskEvent((event) => hotelDetails.handle(event));
