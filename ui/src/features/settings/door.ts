// The commands the settings feature's screens send that change no list a store keeps
// (reads for one screen, a setting, an action): its store's door, typed by the generated table.
import { door } from "../../lib/backend";

export const settingsDoor = door([
  "check_for_update",
  "computer_settings",
  "install_update",
  "set_close_to_tray",
  "set_guest_wait_reminder",
  "set_start_at_login",
  "set_update_feed",
  "toast_mute",
  "toast_settings",
  "update_settings",
  "update_status",
]);
