// Finds every catalogue series selector in a PromQL expression (ours, or the reference dashboard's), so
// tests and benches can check what each one reads. Read with check/'s PromQL parser, not patterns.
import { readPromql } from "../check/promql";
import { catalogue, exportedSeries } from "../queries/catalogue";

export const knownSeries = new Set(catalogue.flatMap(exportedSeries));

export interface FoundSelector {
  series: string;
  /** The matchers as PromQL, comma-separated without spaces: `job="${job}",instance="${instance}"`. */
  matchers: string;
}

/** Every catalogue series named in `expr`, with its matchers ("" when it has none). */
export function selectorsIn(expr: string): FoundSelector[] {
  return readPromql(expr).selectors.flatMap((selector) =>
    selector.name !== undefined && knownSeries.has(selector.name)
      ? [
          {
            series: selector.name,
            matchers: selector.matchers.map((m) => `${m.label}${m.op}${JSON.stringify(m.value)}`).join(","),
          },
        ]
      : [],
  );
}
