// What Grafana's field overrides do to the series a panel draws: "Fields with values" (matcher
// `byValue`) reduces each series to one number and, with `custom.hideFrom.viz`, leaves it out.
import type { Frame } from "./results";
import { reduceFrame } from "./results";

export interface OverrideJson {
  matcher: { id: string; options?: unknown };
  properties?: { id: string; value?: unknown }[];
}

interface ValueMatcherOptions {
  reducer?: string;
  op?: "eq" | "neq" | "lt" | "lte" | "gt" | "gte";
  value?: number;
}

// Grafana's boolean reducers ignore `op` and `value`: the reducer's answer is the match. A Prometheus
// frame holds no nulls (only the steps the engine answered), and NaN is a value, not 0.
const booleanReducers: Record<string, (frame: Frame) => boolean> = {
  allIsZero: (f) => f.points.every(([, v]) => v === 0),
  allIsNull: (f) => f.points.length === 0,
};

const comparisons: Record<NonNullable<ValueMatcherOptions["op"]>, (left: number, right: number) => boolean> = {
  eq: (l, r) => l === r,
  neq: (l, r) => l !== r,
  lt: (l, r) => l < r,
  lte: (l, r) => l <= r,
  gt: (l, r) => l > r,
  gte: (l, r) => l >= r,
};

/** Grafana's fieldValueMatcher: does the override apply to this series? */
function matchesByValue(options: ValueMatcherOptions, frame: Frame): boolean {
  const reducer = options.reducer;
  if (!reducer) return false;
  const boolean = booleanReducers[reducer];
  if (boolean) return boolean(frame);
  const left = reduceFrame(reducer, frame);
  return left !== undefined && comparisons[options.op ?? "eq"](left, options.value ?? 0);
}

const hidesFromGraph = (override: OverrideJson) =>
  (override.properties ?? []).some(
    (p) => p.id === "custom.hideFrom" && (p.value as { viz?: boolean } | undefined)?.viz === true,
  );

/** The frames, each marked when an override hides it from the graph. */
export function applyOverrides(frames: readonly Frame[], overrides: readonly OverrideJson[]): Frame[] {
  const hiding = overrides.filter(hidesFromGraph);
  for (const override of hiding) {
    if (override.matcher.id !== "byValue") {
      throw new Error(`the evaluator does not apply hideFrom overrides matched by ${override.matcher.id} yet`);
    }
  }
  return frames.map((frame) =>
    hiding.some((o) => matchesByValue(o.matcher.options as ValueMatcherOptions, frame))
      ? { ...frame, hiddenByOverride: true }
      : frame,
  );
}
