import { defineConfig } from "vitest/config";

// One run covers the product's tests and the native binding's own tests (which carry their
// own config: --expose-gc for the finalizer test). Network tests use loopback only; slow ones
// (e2e with sqlmap, the 1M-cycle memory check) set their own generous timeouts.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "weir",
          include: ["test/**/*.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: "forks",
        },
      },
      "packages/hyperscan-js",
    ],
  },
});
