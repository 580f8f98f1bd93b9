#!/usr/bin/env node
/**
 * The `weir` executable (package.json "bin"). Everything it does lives in cli.ts; this file
 * only binds it to the real process: argv, environment, stdout/stderr, signals, stdin.
 */
import { readFileSync } from "node:fs";
import { main } from "./cli.js";

const code = await main(process.argv.slice(2), process.env, {
  io: {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  },
  signals: process,
  stdin: () => readFileSync(0),
});
process.exit(code);
