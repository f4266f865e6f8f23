// A rendered rule file is checked before it is written, as dashboards are checked against their schema:
// every annotation and label must be a Go template Prometheus, vmalert and Grafana accept
// (alerts/templates.ts), and the file must be UTF-8 text that reads back as what was rendered.
import { isDeepStrictEqual } from "node:util";
import { parse } from "yaml";
import { templateProblem } from "../alerts/templates";
import { DashboardError } from "../errors";

/** Every templated string of a rule file: the values under `annotations` and `labels`. */
function* templatedStrings(value: unknown, path: string): Generator<[string, string]> {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* templatedStrings(item, `${path}[${index}]`);
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if ((key === "annotations" || key === "labels") && item !== null && typeof item === "object") {
        for (const [name, text] of Object.entries(item))
          if (typeof text === "string") yield [`${path}.${key}.${name}`, text];
      } else yield* templatedStrings(item, `${path}.${key}`);
    }
  }
}

/** Throws for the first annotation or label that is no valid template, or text that is not UTF-8. */
export function checkRuleFile(rules: unknown, text: string, file: string, format: "yaml" | "json"): void {
  const lone = /[\ud800-\udfff]/u.exec(text);
  if (lone) throw new DashboardError(file, `would hold a lone UTF-16 surrogate at character ${lone.index}`);
  for (const [path, template] of templatedStrings(rules, "")) {
    const problem = templateProblem(template);
    if (problem) throw new DashboardError(file, `${path.slice(1)}: not a valid template: ${problem}`);
  }
  const back: unknown = format === "yaml" ? parse(text) : JSON.parse(text);
  if (!isDeepStrictEqual(back, rules)) throw new DashboardError(file, "does not read back as what was rendered");
  // Readers of YAML 1.1 (vmalert, Kubernetes) take an unquoted `yes` or `0755` for a boolean or a number.
  if (format === "yaml" && !isDeepStrictEqual(parse(text, { version: "1.1" }), rules))
    throw new DashboardError(file, "does not read back as what was rendered by a YAML 1.1 reader");
}
