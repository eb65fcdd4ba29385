// The commands the display feature's screens send that change no list a store keeps
// (reads for one screen, a setting, an action): its store's door, typed by the generated table.
import { door } from "../../lib/backend";

export const displayDoor = door([
  "display_leave",
  "display_report",
  "display_wake",
]);
