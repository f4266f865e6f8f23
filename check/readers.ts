// Anyone's queries as the judge reads them: what the PromQL grammar (promql.ts) finds in each query of a
// panel, annotation, variable or rule, in the one reader type our typed queries also give (queries/query.ts).
import type { Read, Reader, ReaderKind, SharedLabel } from "../queries/query";
import { type PromqlReads, readPromql } from "./promql";

/** One PromQL query and the labels its legend names (`{{queue_name}}`), which it relies on too. */
export interface QueryText {
  readonly expr: string;
  readonly legend?: string;
}

/** `{{label}}` placeholders: a legend that names a label needs some series it shows to have it. */
const legendLabels = (legend: string | undefined) =>
  legend ? [...legend.matchAll(/\{\{\s*([A-Za-z_]\w*)\s*\}\}/g)].map((match) => match[1] as string) : [];

export type ReadQueries = (kind: ReaderKind, name: string, queries: readonly QueryText[], problem?: string) => Reader;

/**
 * A reader of one file's queries with the grammar; `variables`: the dashboard's variable names, substituted
 * before parsing. `problem`: what kept a reader's queries from the file (a library panel not in it). A
 * query the file repeats (`up`, in a file of 150,000 rules) is parsed once.
 */
export function queryReader(variables?: ReadonlySet<string>): ReadQueries {
  const parsed = new Map<string, PromqlReads>();
  const parse = (expr: string) => {
    let found = parsed.get(expr);
    if (!found) {
      found = readPromql(expr, variables);
      parsed.set(expr, found);
    }
    return found;
  };
  return (kind, name, queries, problem) => {
    const reads: Read[] = [];
    const shared: SharedLabel[] = [];
    const problems: string[] = problem ? [problem] : [];
    queries.forEach((query, index) => {
      const found = parse(query.expr);
      const where = queries.length > 1 ? `query ${index + 1}: ` : "";
      if (found.syntaxError) problems.push(`${where}does not parse (${found.syntaxError})`);
      if (found.unread) problems.push(`${where}cannot be read: ${found.unread}`);
      const names = (indices: readonly number[]) => {
        const named = new Set<string>();
        for (const at of indices) {
          const series = found.selectors[at]?.name;
          if (series !== undefined) named.add(series);
        }
        return [...named];
      };
      for (const selector of found.selectors) {
        if (selector.name !== undefined) reads.push({ series: selector.name, labels: [], matchers: selector.matchers });
      }
      for (const use of found.labelUses) {
        const series = names(use.selectors);
        if (series.length > 0) shared.push({ label: use.label, series });
      }
      const legend = legendLabels(query.legend);
      const all = legend.length > 0 ? names(found.selectors.map((_, at) => at)) : [];
      for (const label of legend) if (all.length > 0) shared.push({ label, series: all });
    });
    return {
      kind,
      name,
      reads,
      ...(shared.length > 0 ? { shared } : {}),
      ...(problems.length > 0 ? { problems } : {}),
    };
  };
}
