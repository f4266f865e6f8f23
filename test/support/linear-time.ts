// Whether a parser's time grows at most linearly with its input: each shape is parsed at size n and 8n,
// and the larger may take at most about 8 times as long. The bound is loose (24x, where quadratic growth
// gives 64x and exponential never ends), each time is the best of a few runs, small and large taking
// turns, and a ratio over the bound is measured again, so a loaded machine does not make it fail; only
// ratios are compared.
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
