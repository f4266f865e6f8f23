// What a YAML input's parse error says, in one line naming the file and line: yaml's messages run over
// several lines, and a stack overflow inside its recursive parser is a nesting too deep, not a bug.
import type { YAMLError } from "yaml";
import { DashboardError } from "../errors";

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
    deep ? `${what}: ${nestedTooDeeply}${at ? ` at column ${at.col}` : ""}` : `${what}: ${message}`,
    deep ? "no real file nests this deep" : hint,
  );
}
