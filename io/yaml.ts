// What a YAML input's parse error says, in one line naming the file and line: yaml's messages run over
// several lines, and a stack overflow inside its recursive parser is a nesting too deep, not a bug. And
// how many nodes a YAML text holds, counted before yaml builds them (about a kilobyte each). And the one
// YAML writer every output uses.
import { printable } from "./printable";
import { Lexer, type YAMLError, stringify } from "yaml";
import { DashboardError } from "../errors";

/**
 * `value` as YAML, for any reader: a string that YAML 1.1 or 1.2 would read as something else (`yes`, `on`,
 * `n`, `~`, `0755`, `1e3`, `2001-12-14`) is quoted. yaml writes YAML 1.2, where `yes` is a string, but
 * Kubernetes (sigs.k8s.io/yaml) reads YAML 1.1 into JSON first: an unquoted `page: yes` reaches the API
 * server as `true`, and a label of type string refuses it. No line folding: a PromQL expression or an
 * address stays on one line.
 */
export const yamlText = (value: unknown): string => stringify(value, { compat: "yaml-1.1", lineWidth: 0 });

export const nestedTooDeeply = "nested too deeply (brackets or indentation within one another)";

/** `file:line: what: message`, the message's first line, a stack overflow said as nesting. */
export function yamlError(file: string, error: YAMLError, what: string, hint?: string): DashboardError {
  const at = error.linePos?.[0];
  const culprit = at ? `${file}:${at.line}` : file;
  // the position is in the culprit already
  const message = (error.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?\s*$/, "").trim();
  const deep = /Maximum call stack size exceeded/.test(message);
  return new DashboardError(
    culprit,
    deep ? `${what}: ${nestedTooDeeply}${at ? ` at column ${at.col}` : ""}` : `${what}: ${printable(message)}`,
    deep ? "no real file nests this deep" : hint,
  );
}

// The lexer's markers, which stand for no character of the text (yaml's Lexer: DOCUMENT, FLOW_END, SCALAR).
const markers = new Set(["\x02", "\x18", "\x1f"]);

/** A token that is, or starts, a node: a scalar, a collection, a sequence item, an alias. */
const startsNode = (token: string) =>
  token === "\x1f" ||
  token === "{" ||
  token === "[" ||
  token === "-" ||
  token.startsWith('"') ||
  token.startsWith("'") ||
  token.startsWith("*");

/**
 * The line at which `text` holds more than `max` nodes, counted with yaml's lexer (which keeps nothing),
 * before the parser builds each; undefined when it holds no more.
 */
export function lineBeyondNodes(text: string, max: number): number | undefined {
  let count = 0;
  let line = 1;
  for (const token of new Lexer().lex(text)) {
    if (startsNode(token) && ++count > max) return line;
    if (!markers.has(token)) for (let at = token.indexOf("\n"); at >= 0; at = token.indexOf("\n", at + 1)) line++;
  }
  return undefined;
}
