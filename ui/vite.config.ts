import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { fileURLToPath } from "node:url";

// `--mode mock` builds the same app against an in-memory backend for the
// browser tests; every other build talks to the Tauri shell.
export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  resolve: {
    alias: {
      $ipc: fileURLToPath(
        new URL(
          mode === "mock" ? "./src/lib/testing/mockIpc.ts" : "./src/lib/ipc.ts",
          import.meta.url,
        ),
      ),
    },
  },
  build: {
    outDir: mode === "mock" ? "dist-mock" : "dist",
    emptyOutDir: true,
    target: "es2022",
  },
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  test: {
    include: ["src/**/*.test.ts"],
  },
}));
