// A rendered rule file is checked before it is written, as dashboards are checked against their schema:
// every annotation and label must be a Go template Prometheus, vmalert and Grafana accept, and the file
// must be UTF-8 text that reads back as what was rendered. This is the lexical part of Go's text/template
// (actions closed, strings in actions terminated, no empty action), after text/template/parse's lexer.
import { isDeepStrictEqual } from "node:util";
import { parse } from "yaml";
import { DashboardError } from "../errors";

/** Why `template` is not a valid Go template, or undefined. */
export function templateProblem(template: string): string | undefined {
  let pos = 0;
  for (;;) {
    const open = template.indexOf("{{", pos);
    if (open < 0) return undefined;
    let i = open + 2;
    let closed = false;
    while (i < template.length) {
      const c = template[i];
      if (template.startsWith("}}", i)) {
        closed = true;
        break;
      }
      if (template.startsWith("{{", i)) return `an action opened inside the action at character ${open}`;
      if (c === '"' || c === "`" || c === "'") {
        const end = endOfQuote(template, i);
        if (end < 0) return `unterminated ${c === "`" ? "raw string" : "quoted text"} in the action at ${open}`;
        i = end;
      } else i++;
    }
    if (!closed) return `the action opened at character ${open} is never closed`;
    const body = template.slice(open + 2, i).replace(/^-\s|\s-$/g, "");
    if (body.trim() === "") return `empty action at character ${open}`;
    pos = i + 2;
  }
}

/** Index just past the quote that closes the one at `start`, or -1. */
function endOfQuote(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\" && quote !== "`") i++;
    else if (text[i] === quote) return i + 1;
    else if (text[i] === "\n" && quote !== "`") return -1;
  }
  return -1;
}

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
