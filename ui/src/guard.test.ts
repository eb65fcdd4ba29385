// Issue 64.2: the store is the only door. A component (`.svelte`) reads from and writes through
// its feature's store; only stores call the shell, so no component imports the backend door
// (lib/backend) or the Tauri API itself.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, ".");

/** The lines of `code` that import the backend door or the Tauri API. */
export function doorImports(code: string): string[] {
  return code
    .split("\n")
    .filter((line) => /\bfrom\s+["'][^"']*(\blib\/backend|\.\/backend|@tauri-apps\/api)[^"']*["']|import\(\s*["'][^"']*(lib\/backend|@tauri-apps\/api)/.test(line))
    .map((line) => line.trim());
}

function components(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return components(path);
    return entry.name.endsWith(".svelte") ? [path] : [];
  });
}

describe("the store is the only door", () => {
  it("no component imports the backend or the Tauri API", () => {
    const found = components(SRC).flatMap((file) =>
      doorImports(readFileSync(file, "utf8")).map((line) => `${relative(SRC, file)}: ${line}`),
    );
    expect(components(SRC).length).toBeGreaterThan(30);
    expect(found).toEqual([]);
  });

  it("sees an import of the door however it is written", () => {
    expect(doorImports(`  import { call } from "../../lib/backend";`)).toHaveLength(1);
    expect(doorImports(`  import { call } from "./backend";`)).toHaveLength(1);
    expect(doorImports(`  import { invoke } from '@tauri-apps/api/core';`)).toHaveLength(1);
    expect(doorImports(`  const { call } = await import("../lib/backend");`)).toHaveLength(1);
    expect(doorImports(`  import { offers } from "./offers.svelte";`)).toEqual([]);
  });
});
