// The moments `cargo xtask bench app` times (and the tests that watch a page come back after
// its web process died): each is reported once per page load, after the frame that shows
// it (a requestAnimationFrame callback runs just before that frame's paint, a task queued from
// it just after). The shell writes them only when the desk was started for the benchmark.
import { call } from "./backend";

const reported = new Set<string>();

export function markPainted(name: "first-paint" | "first-offers-painted" | "display-painted"): void {
  if (reported.has(name)) return;
  reported.add(name);
  requestAnimationFrame(() => setTimeout(() => void call("bench_mark", { name }).catch(() => undefined), 0));
}
