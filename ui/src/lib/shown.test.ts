// shown(): outside text as staff should read it, every disguising character (API.md's hostile
// text: bidi overrides, zero-width, tag characters) visible as a mark; plain text unchanged.
import { describe, expect, it } from "vitest";
import { shown } from "./shown";

describe("shown()", () => {
  it("leaves plain text, accents and emoji as they are", () => {
    expect(shown("Zimmer 12 – Frühstück ☕")).toBe("Zimmer 12 – Frühstück ☕");
    expect(shown("")).toBe("");
    expect(shown(null)).toBe("");
    expect(shown(undefined)).toBe("");
  });

  it("marks a right-to-left override, which would turn 'exe.doc' round", () => {
    expect(shown("invoice\u202Ecod.exe")).toBe("invoice[U+202E]cod.exe");
  });

  it("marks zero-width characters hidden in a name", () => {
    expect(shown("Ad\u200Bmin")).toBe("Ad[U+200B]min");
  });

  it("keeps a subdivision flag (its tag characters) whole", () => {
    const scotland = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
    expect(shown(scotland)).toBe(scotland);
    expect(shown("a\u{E0041}b")).toBe("a[U+E0041]b");
  });
});
