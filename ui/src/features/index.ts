// The desk window's screens, one line each, in the side bar's order: the navigation, the
// remembered place and the screen shown are all made from this list, so a new screen is its
// folder and its line here.
import type { Component } from "svelte";
import type { View } from "../lib/generated";
import MessagesBadges from "./chat/MessagesBadges.svelte";
import Offers from "./offers/Offers.svelte";
import Messages from "./chat/Messages.svelte";
import SavedReplies from "./chat/SavedReplies.svelte";
import Pictures from "./pictures/Pictures.svelte";
import Team from "./team/Team.svelte";
import MyShifts from "./my_shifts/MyShifts.svelte";
import HotelDetails from "./hotel_details/HotelDetails.svelte";
import GuestPage from "./guest_page/GuestPage.svelte";
import PublicPage from "./public_page/PublicPage.svelte";
import FrontDesk from "./front_desk/FrontDesk.svelte";

/** One screen of the side bar. */
export type ScreenEntry = {
  /** Its name in the remembered place and in `nav-<id>` (the tests find it by that). */
  readonly id: string;
  /** What the side bar calls it. */
  readonly label: string;
  /** What it shows; without one, the home screen draws it itself (it needs the session). */
  readonly component?: Component;
  /** Shown indented, as a part of the screen above it. */
  readonly sub?: boolean;
  /** Beside its name in the side bar (counts). */
  readonly badges?: Component;
  /** The view the core reads again when the person opens the screen, if it is old (what no
   *  live event announces, issue 35.8). */
  readonly looksAt?: View;
};

export const SCREENS = [
  { id: "overview", label: "Overview" },
  { id: "front_desk", label: "Front desk", component: FrontDesk, looksAt: "front_desk" },
  { id: "offers", label: "Offers", component: Offers },
  { id: "messages", label: "Messages", component: Messages, badges: MessagesBadges, looksAt: "messages" },
  { id: "replies", label: "Saved replies", component: SavedReplies, sub: true },
  { id: "pictures", label: "Pictures", component: Pictures, looksAt: "pictures" },
  { id: "team", label: "Team", component: Team },
  { id: "my_shifts", label: "My shifts", component: MyShifts, sub: true },
  { id: "hotel", label: "Hotel", component: HotelDetails },
  { id: "guest_page", label: "Guest page", component: GuestPage, sub: true, looksAt: "guest_page" },
  { id: "public_page", label: "Public page", component: PublicPage, sub: true, looksAt: "public_page" },
  { id: "settings", label: "Settings" },
] as const satisfies readonly ScreenEntry[];

export type Screen = (typeof SCREENS)[number]["id"];

/** Every screen's id, for the remembered place. */
export const SCREEN_IDS: readonly Screen[] = SCREENS.map((entry) => entry.id);
