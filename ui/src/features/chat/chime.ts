// The short chime for a guest's message: two soft sine tones made with WebAudio (no sound file
// to ship or to go missing).

/** Each tone: its pitch and when it starts after the chime starts. */
const TONES: ReadonlyArray<{ hz: number; startSeconds: number }> = [
  { hz: 880, startSeconds: 0 },
  { hz: 1318.5, startSeconds: 0.14 },
];
const TONE_SECONDS = 0.16;
const ATTACK_SECONDS = 0.015;
const PEAK_GAIN = 0.12;
/** exponentialRamp cannot reach 0. */
const SILENT_GAIN = 0.0001;

let context: AudioContext | null = null;

/** The audio context, awake; null where there is no audio (no sound device): the desk then
 *  works on silently. */
function awake(): AudioContext | null {
  try {
    context ??= new AudioContext();
    void context.resume().catch(() => undefined);
    return context;
  } catch {
    return null;
  }
}
/** A webview may keep audio suspended until the user has touched the window: the audio is woken
 *  on the first key or click after this, so a chime that comes later can play. */
export function prepareChime(): void {
  window.addEventListener("pointerdown", awake, { once: true, capture: true });
  window.addEventListener("keydown", awake, { once: true, capture: true });
}

/** Plays the chime (about 300 ms, gentle). */
export function chime(): void {
  const audio = awake();
  if (!audio) return;
  const start = audio.currentTime;
  for (const tone of TONES) {
    const at = start + tone.startSeconds;
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = tone.hz;
    gain.gain.setValueAtTime(SILENT_GAIN, at);
    gain.gain.exponentialRampToValueAtTime(PEAK_GAIN, at + ATTACK_SECONDS);
    gain.gain.exponentialRampToValueAtTime(SILENT_GAIN, at + TONE_SECONDS);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(at);
    oscillator.stop(at + TONE_SECONDS);
  }
}
