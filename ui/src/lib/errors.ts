// What a failed command is, for the screens to show.
import type { UiError } from "./generated";

/** Turns whatever a command rejected with into a UiError the screens can show. */
export function asUiError(error: unknown): UiError {
  if (typeof error === "object" && error !== null && "code" in error && "message" in error) {
    return error as UiError;
  }
  return { code: "internal", field: null, message: String(error) };
}
