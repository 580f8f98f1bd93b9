// Starts a worker thread whose entry is TypeScript, when weir runs from its sources (tests,
// `tsx src/cli/main.ts`): registers tsx in the worker, then imports the entry. The compiled
// package (dist/) starts its .js entries directly and never loads this file.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
