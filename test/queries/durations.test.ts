import { durationMs } from "../../queries/durations";

it("reads Prometheus durations as rule files write them, and refuses anything else", () => {
  expect([durationMs("0"), durationMs("90s"), durationMs("1h30m"), durationMs("30d")]).toEqual([
    0,
    90_000,
    5_400_000,
    30 * 86_400_000,
  ]);
  expect(() => durationMs("1hour")).toThrow();
});
