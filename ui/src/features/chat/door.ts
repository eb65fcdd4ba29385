// The commands the chat feature's screens send that change no list a store keeps
// (reads for one screen, a setting, an action): its store's door, typed by the generated table.
import { door } from "../../lib/backend";

export const chatDoor = door([
  "chat_save_attachment",
  "chat_whole_message",
  "open_link",
]);
