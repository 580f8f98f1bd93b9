// Runs this package's tests from packages/hyperscan-js (`npx vitest run`). --expose-gc lets the
// finalizer test force collections; the memory tests run long, hence the timeout.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    execArgv: ["--expose-gc"],
    testTimeout: 30_000,
  },
});
