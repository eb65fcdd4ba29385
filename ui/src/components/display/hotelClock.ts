// The time and date in the hotel's time zone, whatever the computer's own zone is.

export type HotelClock = {
  /** "14:02" */
  time(at: Date): string;
  /** "Tuesday 4 March 2025" (in the computer's language) */
  date(at: Date): string;
  /** "2025-03-04": compared with the content's `today` to notice the hotel's midnight. */
  day(at: Date): string;
};

/** Formats in `timeZone` (an IANA name), or in the computer's zone when it is not one. Build it
 *  once per zone: a formatter is costly, the clock ticks every second. */
export function hotelClock(timeZone: string | undefined): HotelClock {
  const format = (locale: string | undefined, options: Intl.DateTimeFormatOptions) => {
    try {
      return new Intl.DateTimeFormat(locale, { ...options, timeZone });
    } catch {
      return new Intl.DateTimeFormat(locale, options);
    }
  };
  const time = format(undefined, { hour: "2-digit", minute: "2-digit" });
  const date = format(undefined, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
  const day = format("en-GB", { year: "numeric", month: "2-digit", day: "2-digit" });
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
