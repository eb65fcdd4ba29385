// The commands the display feature's screens send that change no list a store keeps
// (reads for one screen, a setting, an action): its store's door, typed by the generated table.
import { door } from "../../lib/backend";

export const displayDoor = door([
  "display_confirm_scan_site",
  "display_forget_scan_site",
  "display_leave",
  "display_monitors",
  "display_report",
  "display_scan_sites",
  "display_set_pin",
  "display_settings",
  "display_settings_set",
  "display_wake",
  "time_zones",
]);
