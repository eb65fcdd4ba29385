// The time and date in the hotel's time zone, whatever the computer's own zone is, written as
// this computer writes them (its locale, from the shell).
import { formats } from "../../lib/format.svelte";

export type HotelClock = {
  /** "14:02" */
  time(at: Date): string;
  /** "Tuesday 4 March 2025" (in the computer's locale) */
  date(at: Date): string;
  /** "2025-03-04": compared with the content's `today` to notice the hotel's midnight. */
  day(at: Date): string;
};

/** Formats in `timeZone` (an IANA name), or in the computer's zone when it is not one. Build it
 *  once per zone: a formatter is costly, the clock ticks every second. */
export function hotelClock(timeZone: string | undefined): HotelClock {
  const time = formats.formatter({ hour: "2-digit", minute: "2-digit" }, timeZone);
  const date = formats.formatter({ weekday: "long", day: "numeric", month: "long", year: "numeric" }, timeZone);
  let day: Intl.DateTimeFormat;
  try {
    day = new Intl.DateTimeFormat("en-GB", { year: "numeric", month: "2-digit", day: "2-digit", timeZone });
  } catch {
    day = new Intl.DateTimeFormat("en-GB", { year: "numeric", month: "2-digit", day: "2-digit" });
  }
  return {
    time: (at) => time.format(at),
    date: (at) => date.format(at),
    day: (at) => {
      const parts = day.formatToParts(at);
      const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
      return `${part("year")}-${part("month")}-${part("day")}`;
    },
  };
}
