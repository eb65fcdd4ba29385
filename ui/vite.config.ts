import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "safari15",
    sourcemap: false,
    // What the window's code bundles, with each package's licence: the packages' copyright
    // file is made from it (cargo xtask bundle).
    license: { fileName: ".vite/licenses.json" },
  },
});
