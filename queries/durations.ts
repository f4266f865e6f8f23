// Prometheus durations, as rule files, `for`, range selectors and vmalert write them: what the alerts,
// the objective's recordings, tune and the harness count time in.

/** Prometheus durations as rule files write them: 1h30m, 90s, 0, 1d, 1w. */
export function durationMs(text: string): number {
  if (text === "0") return 0;
  const units: Record<string, number> = {
    ms: 1,
    s: 1e3,
    m: 60e3,
    h: 3600e3,
    d: 86400e3,
    w: 7 * 86400e3,
    y: 365 * 86400e3,
  };
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join("") !== text) throw new Error(`not a duration: ${text}`);
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * (units[unit as string] as number), 0);
}
