// Fuzzed telemetry.ex: random truncations, deletions and nestings of the fixture shaped like Akkoma's,
// from a fixed seed. Whatever the damage, check answers with exit 0, 1 or 2 and lines a person reads:
// never a crash, never a stack trace, never a RangeError from deep nesting.
import { DashboardError } from "../../errors";
import { readTelemetry } from "../../check/telemetry";
import { runCheckInProcess, telemetryEx, writeFixture } from "./fixtures";

/** mulberry32: small, seedable, good enough to pick cut points. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(12);
const int = (below: number) => Math.floor(next() * below);
const openers = ["[", "{", "(", "do\n", "fn x ->\n", "if x do\n", "<<", '"#{', "%{"];
const closers = ["]", "}", ")", "\nend\n", "\nend", "end", ">>", '}"', ""];

function mutate(source: string): string {
  const at = int(source.length);
  switch (int(5)) {
    case 0: // truncated
      return source.slice(0, at);
    case 1: {
      // a range deleted
      return source.slice(0, at) + source.slice(at + int(200));
    }
    case 2: {
      // deep nesting of one opener, closed or not
      const depth = [3, 50, 400, 1500][int(4)];
      const k = int(openers.length);
      const closed = next() < 0.5;
      return `${source.slice(0, at)}${openers[k].repeat(depth)}${closed ? closers[k].repeat(depth) : ""}${source.slice(at)}`;
    }
    case 3: {
      // random openers and closers sprinkled in
      let text = source;
      for (let i = 0; i < 1 + int(8); i++) {
        const pos = int(text.length);
        const piece = next() < 0.5 ? openers[int(openers.length)] : closers[int(closers.length)];
        text = text.slice(0, pos) + piece + text.slice(pos);
      }
      return text;
    }
    default: {
      // a span of the file repeated inside itself
      const span = source.slice(at, at + int(400));
      return source.slice(0, at) + span.repeat(1 + int(30)) + source.slice(at);
    }
  }
}

const cases = Array.from({ length: 300 }, () => mutate(telemetryEx));

describe("fuzzed telemetry.ex", () => {
  test("readTelemetry returns a report or throws DashboardError, nothing else", () => {
    for (const source of cases) {
      try {
        readTelemetry(source, "telemetry.ex");
      } catch (error) {
        if (!(error instanceof DashboardError)) throw new Error(`${String(error)} on:\n${source.slice(0, 2000)}`);
      }
    }
  });

  test("check exits 0, 1 or 2 with no stack trace in any line", async () => {
    const exits = new Set<number | undefined>();
    for (const source of cases) {
      const result = await runCheckInProcess(["check", "--telemetry", writeFixture("telemetry.ex", source)]);
      exits.add(result.exitCode);
      const printed = [...result.out, ...result.err].join("\n");
      expect(printed).not.toMatch(/\n\s+at |Maximum call stack|RangeError|TypeError/);
      expect([0, 1, 2]).toContain(result.exitCode);
    }
    expect(exits.has(2)).toBe(true);
  });
});
