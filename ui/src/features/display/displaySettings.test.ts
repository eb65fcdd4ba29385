// The display settings' store: a change shows what the core answers, and a new offers' link
// reads the sites its codes may open again, in the store, not the screen. Only the Tauri IPC
// boundary is mocked (test/setup.ts): there is no shell in a unit test.
import { describe, expect, it } from "vitest";
import type { DisplaySettings, DisplaySettingsChange, ScanSites } from "../../lib/generated";
import { answer } from "../../test/setup";
import { displaySettings } from "./displaySettings.svelte";

const change = { offer_link: "https://hotel.example/offers" } as unknown as DisplaySettingsChange;
const saved = { offer_link: "https://hotel.example/offers" } as unknown as DisplaySettings;
const sites = { waiting: ["hotel.example"] } as unknown as ScanSites;

describe("the display settings' store", () => {
  it("reads the sites again itself after a new offers' link, and only then", async () => {
    const asked = answer({ display_settings_set: () => saved, display_scan_sites: () => sites });
    await displaySettings.save(change, false);
    expect(asked.map((a) => a.command)).toEqual(["display_settings_set"]);
    await displaySettings.save(change, true);
    expect(asked.map((a) => a.command)).toEqual(["display_settings_set", "display_settings_set", "display_scan_sites"]);
    expect(displaySettings.settings).toEqual(saved);
    expect(displaySettings.sites).toEqual(sites);
  });

  it("reads the time zones once", async () => {
    const asked = answer({
      display_settings: () => saved,
      display_monitors: () => ["HDMI-1"],
      time_zones: () => ["Europe/Vienna"],
      display_scan_sites: () => sites,
    });
    await displaySettings.read();
    await displaySettings.read();
    expect(asked.filter((a) => a.command === "time_zones")).toHaveLength(1);
    expect(displaySettings.monitors).toEqual(["HDMI-1"]);
  });
});
