// The screens' one clock: "now" for "as of", "on duty for" and today's times. It ticks every
// half minute, and at once when the window comes back (focused, or shown again after the
// reception display or a night behind other windows), so nothing is judged on a stale "now".
const TICK_MS = 30_000;

class Clock {
  now = $state(Date.now());

  constructor() {
    setInterval(() => this.tick(), TICK_MS);
    window.addEventListener("focus", () => this.tick());
    document.addEventListener("visibilitychange", () => this.tick());
  }

  tick(): void {
    this.now = Date.now();
  }
}

export const clock = new Clock();
