// The "Reception display" settings of this computer, as the core keeps them: read when the
// section opens (screens come and go), and changed only here, each change showing what the
// core answers. Whatever a change makes stale (the sites the codes may open, when the offers'
// link changes) the store reads again itself; no screen does after its own write.
import { call } from "../../lib/backend";
import type { DisplaySettings, DisplaySettingsChange, ScanSites } from "../../lib/generated";

class DisplaySettingsState {
  settings = $state<DisplaySettings | null>(null);
  /** Where the codes may open (issue 63.3): sites IT set or a manager confirmed, and what waits. */
  sites = $state<ScanSites | null>(null);
  /** The screens connected to this computer, by name. */
  monitors = $state<string[]>([]);
  /** Every IANA time zone name (read once). */
  zones = $state<string[]>([]);

  /** Reads the settings, the screens and the sites again (the zones only the first time). */
  async read(): Promise<void> {
    const [settings, monitors, zones, sites] = await Promise.all([
      call("display_settings"),
      call("display_monitors"),
      this.zones.length > 0 ? Promise.resolve(this.zones) : call("time_zones"),
      call("display_scan_sites"),
    ]);
    this.settings = settings;
    this.sites = sites;
    this.monitors = monitors;
    this.zones = zones;
  }

  /** Saves the settings; a new offers' link changes the sites its codes may open. */
  async save(change: DisplaySettingsChange, offerLinkChanged: boolean): Promise<void> {
    this.settings = await call("display_settings_set", { settings: change });
    if (offerLinkChanged) this.sites = await call("display_scan_sites");
  }

  /** A manager trusts (or takes back) a web site for the lobby's codes. */
  async decide(site: string, trust: boolean): Promise<void> {
    this.sites = trust ? await call("display_confirm_scan_site", { site }) : await call("display_forget_scan_site", { site });
  }

  /** Sets (or, with `null`, removes) the PIN that leaves the display. */
  async setPin(pin: string | null): Promise<void> {
    this.settings = await call("display_set_pin", { pin });
  }
}

export const displaySettings = new DisplaySettingsState();
