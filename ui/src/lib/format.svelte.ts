// Dates and times as this computer writes them: every screen formats through here. The locale
// and the time zone come from the shell (LC_ALL / LC_TIME / LANG and the system's zone), because
// WebKitGTK's own default follows LANG only and would write 11/23/2026 on an Irish desk whose
// dates are set apart in LC_TIME. Until the shell has answered, the webview's defaults apply.
import { type SystemLocale } from "./backend";

class Formats {
  /** A BCP 47 tag ("en-IE"); undefined: the webview's default. */
  locale = $state<string | undefined>(undefined);
  /** An IANA zone ("Europe/Dublin"); undefined: the webview's default. */
  timeZone = $state<string | undefined>(undefined);

  /** Takes what the shell says, ignoring a locale or zone this webview does not know. */
  set(system: SystemLocale): void {
    this.locale = Intl.DateTimeFormat.supportedLocalesOf([system.locale]).length > 0 ? system.locale : undefined;
    try {
      new Intl.DateTimeFormat(undefined, { timeZone: system.time_zone });
      this.timeZone = system.time_zone;
    } catch {
      this.timeZone = undefined;
    }
    document.documentElement.lang = this.locale ?? document.documentElement.lang;
  }

  /** A formatter in this computer's locale; in `timeZone` when given (the hotel's, on the
   *  display), else in this computer's zone. */
  formatter(options: Intl.DateTimeFormatOptions, timeZone?: string): Intl.DateTimeFormat {
    try {
      return new Intl.DateTimeFormat(this.locale, { ...options, timeZone: timeZone ?? this.timeZone });
    } catch {
      return new Intl.DateTimeFormat(this.locale, options);
    }
  }
}

export const formats = new Formats();

const TIME: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit" };
const DATE: Intl.DateTimeFormatOptions = { day: "2-digit", month: "2-digit", year: "numeric" };

function toDate(at: string | number | Date): Date {
  return at instanceof Date ? at : new Date(at);
}

/** "14:02" on an Irish desk, "2:02 PM" on an American one. */
export function formatTime(at: string | number | Date): string {
  return formats.formatter(TIME).format(toDate(at));
}

/** "23/11/2026" on an Irish desk, "11/23/2026" on an American one. */
export function formatDate(at: string | number | Date): string {
  return formats.formatter(DATE).format(toDate(at));
}

/** A calendar day without a time ("2026-11-23", as offers' validity is given), formatted as
 *  [`formatDate`] does, whatever the zone. */
export function formatDay(day: string): string {
  const [year, month, date] = day.split("-").map(Number);
  if (!year || !month || !date) return day;
  return new Intl.DateTimeFormat(formats.locale, { ...DATE, timeZone: "UTC" }).format(new Date(Date.UTC(year, month - 1, date)));
}

/** A calendar day in words ("31 March 2027", "March 31, 2027"), whatever the zone. */
export function formatDayInWords(day: string): string {
  const [year, month, date] = day.split("-").map(Number);
  if (!year || !month || !date) return day;
  return new Intl.DateTimeFormat(formats.locale, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(
    new Date(Date.UTC(year, month - 1, date)),
  );
}

/** "Monday 23 November" (with the year when `withYear`). */
export function formatLongDate(at: string | number | Date, withYear = false): string {
  return formats
    .formatter({ weekday: "long", day: "numeric", month: "long", year: withYear ? "numeric" : undefined })
    .format(toDate(at));
}

/** A number as this computer writes it ("12,345" or "12.345"). */
export function formatNumber(value: number): string {
  return new Intl.NumberFormat(formats.locale).format(value);
}
