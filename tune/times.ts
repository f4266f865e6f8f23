// How tune writes times: an instant as ISO 8601 to the minute, a length as days, hours and minutes.
export const iso = (ms: number) => new Date(ms).toISOString().replace(/:00\.000Z$/, "Z");

export function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const [d, h, m] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60];
  return [d ? `${d}d` : "", h ? `${h}h` : "", m || (!d && !h) ? `${m}m` : ""].join("");
}
