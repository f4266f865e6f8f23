// Whether a parser's time and memory grow at most linearly with its input: each shape is parsed at size
// n and 8n, and the larger may take at most about 8 times as long (and as much memory, measured in a
// child process as its peak). The bound is loose (24x, where quadratic growth
// gives 64x and exponential never ends), each time is the best of a few runs, small and large taking
// turns, and a ratio over the bound is measured again, so a loaded machine does not make it fail; only
// ratios are compared.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DashboardError } from "../../errors";

const factor = 8;
export const allowedRatio = 3 * factor;
const repetitions = 4;

/** How long `parse` takes once; a DashboardError (refused input) counts as done. */
async function timeOf(parse: () => unknown): Promise<number> {
  const start = performance.now();
  try {
    await parse();
  } catch (error) {
    if (!(error instanceof DashboardError)) throw error;
  }
  return performance.now() - start;
}

/** The best time at 8n over the best at n, inputs made before the clock starts. */
async function ratio(small: string, large: string, parse: (input: string) => unknown): Promise<number> {
  let [bestSmall, bestLarge] = [Infinity, Infinity];
  for (let run = 0; run < repetitions; run++) {
    bestSmall = Math.min(bestSmall, await timeOf(() => parse(small)));
    bestLarge = Math.min(bestLarge, await timeOf(() => parse(large)));
  }
  // Half a millisecond of floor: below it, timer noise is all there is to see.
  return bestLarge / Math.max(bestSmall, 0.5);
}

/** The growth from n to 8n; measured again when over the bound, as a burst of load elsewhere can do. */
export async function growth(
  make: (n: number) => string,
  parse: (input: string) => unknown,
  n: number,
): Promise<number> {
  const [small, large] = [make(n), make(factor * n)];
  // Warm the JIT up on both, so the small input's time is not that of unoptimized code.
  await timeOf(() => parse(small));
  await timeOf(() => parse(large));
  let lowest = Infinity;
  for (let attempt = 0; attempt < 3 && lowest >= allowedRatio; attempt++)
    lowest = Math.min(lowest, await ratio(small, large, parse));
  return lowest;
}

/** What a child process runs: `module`'s export `name` (from the compiled dist/), given the input how it takes it. */
export interface MemoryTarget {
  /** The module's path under dist/, e.g. "check/promql". */
  readonly module: string;
  readonly name: string;
  /** The input's text, the text parsed as JSON first, or the path of a file holding it (after `{}`, as deploymentValues takes it). */
  readonly input: "text" | "json" | "path";
  /** The second argument for text and JSON: the file's name in messages. */
  readonly file?: string;
}

// Run by a child: peak resident memory (maxRSS, KiB) above what it had once the input was read.
const measureScript = `
const { readFileSync } = require("node:fs");
const [modulePath, name, inputFile, input, file] = process.argv.slice(1);
const run = require(modulePath)[name];
const text = readFileSync(inputFile, "utf8");
const before = process.resourceUsage().maxRSS;
Promise.resolve()
  .then(() => (input === "path" ? run({}, inputFile) : run(input === "json" ? JSON.parse(text) : text, file)))
  .catch((error) => { if (error.name !== "DashboardError" && error.name !== "SyntaxError") throw error; })
  .then(() => process.stdout.write(String(process.resourceUsage().maxRSS - before)));
`;

/** Peak memory (KiB) `target` takes on `input`, in a fresh process so no other test's garbage counts. */
function peakOf(target: MemoryTarget, input: string): number {
  const folder = mkdtempSync(join(tmpdir(), "linear-memory-"));
  try {
    const file = join(folder, "input");
    writeFileSync(file, input);
    const modulePath = join(__dirname, "..", "..", "dist", target.module);
    const args = [modulePath, target.name, file, target.input, ...(target.file === undefined ? [] : [target.file])];
    const result = spawnSync(process.execPath, ["-e", measureScript, ...args], {
      encoding: "utf8",
    });
    if (result.status !== 0) throw new Error(`measuring ${target.module}.${target.name} failed: ${result.stderr}`);
    return Number(result.stdout);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * The growth of peak memory from n to 8n, under the same bound as time: a quadratic structure (or a
 * copy per item) shows 64x. Below 4 MiB growth is the allocator's noise, not the input's.
 */
export function memoryGrowth(make: (n: number) => string, target: MemoryTarget, n: number): number {
  const floorKiB = 4 * 1024;
  const small = Math.max(peakOf(target, make(n)), floorKiB);
  const large = peakOf(target, make(factor * n));
  return large / small;
}
