// Finds every series selector in a PromQL expression, so tests can check what each one reads.
import { catalogue, exportedSeries } from "../queries/catalogue";

export const knownSeries = new Set(catalogue.flatMap(exportedSeries));

export interface FoundSelector {
  series: string;
  matchers: string;
}

/** Every catalogue series named in `expr`, with the text of its `{...}` matchers ("" when it has none). */
export function selectorsIn(expr: string): FoundSelector[] {
  const found: FoundSelector[] = [];
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, (s) => `"${"_".repeat(s.length - 2)}"`);
  const identifier = /[a-zA-Z_:][a-zA-Z0-9_:]*/g;
  for (let match = identifier.exec(withoutStrings); match; match = identifier.exec(withoutStrings)) {
    if (!knownSeries.has(match[0])) continue;
    const after = identifier.lastIndex;
    let matchers = "";
    if (expr[after] === "{") {
      const close = withoutStrings.indexOf("}", after);
      matchers = expr.slice(after + 1, close);
      identifier.lastIndex = close + 1;
    }
    found.push({ series: match[0], matchers });
  }
  return found;
}
