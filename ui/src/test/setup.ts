// The one mock of the stores' unit tests: the Tauri IPC boundary (the shell is not there in a
// unit test). `@tauri-apps/api/mocks` puts its stand-in on `window`, which Node has not got, so
// the global object stands in for it; each test says what the commands answer (`answer`).
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach } from "vitest";

const global = globalThis as unknown as Record<string, unknown>;
global.window ??= globalThis;
// A store that listens to the window or the document (the screens' clock) gets the events of
// plain event targets: no window or page event happens in a unit test.
if (typeof global.addEventListener !== "function") {
  const events = new EventTarget();
  global.addEventListener = events.addEventListener.bind(events);
  global.removeEventListener = events.removeEventListener.bind(events);
  global.dispatchEvent = events.dispatchEvent.bind(events);
}
global.document ??= new EventTarget();

afterEach(() => {
  clearMocks();
});

/** What a test's commands answer: a command's name to its handler (its arguments in, its answer
 *  or a rejection out). A command the test did not expect fails the call. */
export type Answers = Record<string, (args: Record<string, unknown>) => unknown>;

/** Makes the shell's commands answer as `answers` says; returns the commands asked, in order. */
export function answer(answers: Answers): { command: string; args: Record<string, unknown> }[] {
  const asked: { command: string; args: Record<string, unknown> }[] = [];
  mockIPC((command, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    asked.push({ command, args });
    const handler = answers[command];
    if (!handler) throw new Error(`no answer for ${command}`);
    return handler(args);
  });
  return asked;
}

/** A promise and the functions that settle it: an answer the test hands back when it says. */
export function later<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}
