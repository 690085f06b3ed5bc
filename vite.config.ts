// The SPA's build: web/ is the Vite root; `vite build` writes dist/web (hashed assets under
// dist/web/assets). `vite` serves it on :5173 and proxies /api (SSE included) to the server.
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const apiTarget = "http://127.0.0.1:8501";

export default defineConfig({
  root: "web",
  plugins: [react()],
  // zod with its JIT off (web/src/zod-jitless.ts), wherever the SPA imports it.
  resolve: {
    alias: [
      { find: /^zod$/, replacement: fileURLToPath(new URL("web/src/zod-jitless.ts", import.meta.url)) },
    ],
  },
  build: {
    outDir: "../dist/web",
    emptyOutDir: true,
    target: "es2022",
    // The budget is checked by scripts/check-bundle.mjs against what really loads first.
    chunkSizeWarningLimit: 800,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      "/api": {
        target: apiTarget,
        changeOrigin: false,
        // Server-Sent Events must pass through unbuffered and uncompressed.
        configure(proxy) {
          proxy.on("proxyRes", (res) => {
            if (String(res.headers["content-type"] ?? "").startsWith("text/event-stream")) {
              res.headers["cache-control"] = "no-cache, no-transform";
              res.headers["x-accel-buffering"] = "no";
            }
          });
        },
      },
    },
  },
  preview: { port: 4173 },
});
