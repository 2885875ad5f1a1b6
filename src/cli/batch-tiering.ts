import {setFlagsFromString} from 'node:v8'

/**
 * The V8 budget after which a function is handed to the optimizing compiler (TurboFan), for a
 * batch run: 512 KiB, 8x Node 20's default (66 KiB). Only V8 11 (Node 20) has this flag: V8 12/13
 * (Node 22/24) count invocations instead (`--invocation-count-for-turbofan`) and are left alone.
 *
 * Why: `convert -r` over 3,000 configs runs each reader and writer function a few thousand
 * times. With the default budget V8 optimizes hundreds of them within the first second, and
 * compiling them costs more CPU than the optimized code saves before the run ends: in a
 * 3,000-config `convert -r --json` a third of the process's CPU time (bench/commands.ts, cpuRatio).
 * A larger budget optimizes only what stays hot; a run 5x as long is not slower. It changes
 * when code is compiled, never what it computes (the outputs are byte-identical).
 */
export const BATCH_INTERRUPT_BUDGET = 512 * 1024

/**
 * Make V8 optimize later in this process (see {@link BATCH_INTERRUPT_BUDGET}); call before the
 * conversion starts. A budget given to node itself (`node --interrupt-budget=N bin/run.js`) is
 * kept; NODE_OPTIONS cannot carry V8 flags like this one. Only this tiering counter is changed at
 * run time: V8 reads it afresh for each function, whereas heap and GC flags changed after start-up
 * can crash V8 (tried: `--single-threaded-gc` aborts in the next mark-compact).
 */
export function tierUpLaterForBatch(v8Version: string = process.versions.v8): void {
  // Only on the V8 that has this flag with this meaning (11.x, Node 20): later V8s (12.x in
  // Node 22, 13.x in Node 24) tier up by invocation counts instead, and V8 prints
  // "Error: unrecognized flag" on stderr for a flag it does not know.
  if (!hasInterruptBudgetFlag(v8Version)) return
  if (!process.execArgv.some((a) => /^--interrupt[-_]budget\b/.test(a))) setFlagsFromString(`--interrupt-budget=${BATCH_INTERRUPT_BUDGET}`)
}

/** V8 11 (Node 20) has `--interrupt-budget`; it is not set on any other V8. */
export function hasInterruptBudgetFlag(v8Version: string): boolean {
  return /^11\./.test(v8Version)
}
