// The commands the home (the desk's frame, the Overview, sign-out) feature's screens send that change no list a store keeps
// (reads for one screen, a setting, an action): its store's door, typed by the generated table.
import { door } from "../../lib/backend";

export const homeDoor = door([
  "chat_conversations",
  "display_health",
  "display_opening",
  "display_settings",
  "front_desk_day",
  "looking_at",
  "looking_away",
  "open_reception_display",
  "page_alive",
  "quit_desk",
  "sign_out",
  "team_board",
  "unsent_work",
]);
