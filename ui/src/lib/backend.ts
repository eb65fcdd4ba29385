// The only file that talks to the Tauri shell. Everything else imports from here, so the shell
// could be swapped without touching the screens.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { DeskEvent, SessionInfo, SignInRequest, UiError } from "./generated";

export type { ConnectionStatus, DeskEvent, PusherEndpoint, SessionInfo, SignInRequest, UiError } from "./generated";

/** Turns whatever a command rejected with into a UiError the screens can show. */
export function asUiError(error: unknown): UiError {
  if (typeof error === "object" && error !== null && "code" in error && "message" in error) {
    return error as UiError;
  }
  return { code: "internal", message: String(error) };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw asUiError(error);
  }
}

export const backend = {
  resumeSession: () => call<SessionInfo | null>("session_resume"),
  currentSession: () => call<SessionInfo | null>("session_current"),
  signIn: (request: SignInRequest) => call<SessionInfo>("sign_in", { request }),
  signInDemo: () => call<SessionInfo>("sign_in_demo"),
  signOut: () => call<void>("sign_out"),
  openReceptionDisplay: () => call<void>("open_reception_display"),
  onEvent: (handler: (event: DeskEvent) => void): Promise<UnlistenFn> =>
    listen<DeskEvent>("desk-event", (message) => handler(message.payload)),
};
