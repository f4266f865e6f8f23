// Elixir's operator table and reserved words, as the parser of the telemetry.ex subset uses them.

export type Assoc = "left" | "right";

// Elixir's operator table, weakest first.
// prettier-ignore
export const binaryOperators: Record<string, [number, Assoc]> = {
  "<-": [10, "left"], "\\\\": [10, "left"],
  when: [20, "right"],
  "::": [30, "right"],
  "|": [40, "right"],
  "=>": [50, "right"],
  "=": [70, "right"],
  "||": [80, "left"], "|||": [80, "left"], or: [80, "left"],
  "&&": [90, "left"], "&&&": [90, "left"], and: [90, "left"],
  "==": [100, "left"], "!=": [100, "left"], "=~": [100, "left"], "===": [100, "left"], "!==": [100, "left"],
  "<": [110, "left"], ">": [110, "left"], "<=": [110, "left"], ">=": [110, "left"],
  "|>": [120, "left"], "<<<": [120, "left"], ">>>": [120, "left"], "<<~": [120, "left"], "~>>": [120, "left"],
  "<~": [120, "left"], "~>": [120, "left"], "<~>": [120, "left"],
  in: [130, "left"], "not in": [130, "left"],
  "^^^": [140, "left"],
  "//": [145, "right"],
  "++": [150, "right"], "--": [150, "right"], "+++": [150, "right"], "---": [150, "right"], "..": [150, "right"], "<>": [150, "right"],
  "+": [160, "left"], "-": [160, "left"],
  "*": [170, "left"], "/": [170, "left"],
  "**": [175, "left"],
};
export const capturePrecedence = 60;
export const unaryPrecedence = 180;

/** Operators that may start a line and still continue the previous one (Elixir allows it; Akkoma uses `when`). */
export const continuesLine = new Set([
  "|>",
  "++",
  "<>",
  "when",
  "and",
  "or",
  "&&",
  "||",
  "in",
  "not in",
  "--",
  "::",
  "|",
  "=>",
]);

export const reserved = new Set([
  "do",
  "end",
  "fn",
  "when",
  "and",
  "or",
  "not",
  "in",
  "else",
  "after",
  "rescue",
  "catch",
  "true",
  "false",
  "nil",
]);
export const blockSections = new Set(["else", "after", "rescue", "catch"]);
export const definers = new Set(["def", "defp", "defmacro", "defmacrop", "defdelegate", "defguard", "defguardp"]);
export const moduleLevelStarters = new Set([
  ...definers,
  "use",
  "import",
  "alias",
  "require",
  "defmodule",
  "defstruct",
]);
