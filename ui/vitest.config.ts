import { defineConfig, mergeConfig } from "vitest/config";
import viteConfig from "./vite.config.ts";

// The stores' unit tests (`npm test`): the window's own code, compiled as the window gets it
// (the browser build of Svelte, so `$state` and `$effect` are live), in Node. Only the Tauri
// IPC boundary is mocked (src/test/setup.ts, `mockIPC`): there is no shell in a unit test.
export default mergeConfig(
  viteConfig,
  defineConfig({
    resolve: { conditions: ["browser"] },
    test: {
      include: ["src/**/*.test.ts"],
      setupFiles: ["src/test/setup.ts"],
      restoreMocks: true,
    },
  }),
);
