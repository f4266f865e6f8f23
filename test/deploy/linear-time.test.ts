// The values file reader's time and memory grow at most linearly with its input, on ordinary,
// adversarial and late-failing YAML alike (the measure: test/support/linear-time.ts).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { deploymentValues } from "../../deploy/values";
import { useTempFolder } from "../support/build";
import { allowedRatio, growth, memoryGrowth } from "../support/linear-time";

// Time and memory measured on a shared machine: another process's burst can skew one measurement; a
// real regression (quadratic work, a copy per item) fails every try.
jest.retryTimes(2, { logErrorsBeforeRetry: true });

describe("the config reader takes time and memory linear in its input", () => {
  const folder = useTempFolder("linear-config-");
  const read = async (text: string) => {
    const file = join(folder(), "social.yaml");
    writeFileSync(file, text);
    return deploymentValues({}, file);
  };
  const shapes: [string, (n: number) => string, number][] = [
    ["many comment lines", (n) => `${"# a comment\n".repeat(n)}job: akkoma\n`, 5_000],
    ["a long quoted value with escapes", (n) => `title: "${"\\u00e9".repeat(n)}"\n`, 10_000],
    ["a long flow sequence", (n) => `job: [${Array(n).fill("a").join(", ")}]\n`, 1_000],
    [
      "deeply indented mappings",
      (n) => `job:\n${Array.from({ length: n }, (_, i) => `${" ".repeat(2 + (i % 40))}k${i}: v\n`).join("")}`,
      1_000,
    ],
    [
      "many anchors and aliases",
      (n) => `job: [${Array.from({ length: n }, (_, i) => `&a${i} x, *a${i}`).join(", ")}]\n`,
      1_000,
    ],
    ["many comment lines, then one bad character", (n) => `${"# a comment\n".repeat(n)}job: akkoma\n\t@\n`, 5_000],
    ["a flow sequence never closed", (n) => `job: [${Array(n).fill("a").join(", ")}\n`, 1_000],
    ["a quoted value never closed", (n) => `title: "${"x".repeat(n)}`, 50_000],
    [
      "more values than a values file may hold",
      (n) =>
        `deadInstanceReasons: [${Array(n * 10)
          .fill("a")
          .join(",")}]\n`,
      1_500,
    ],
  ];
  it.each(shapes)(
    "%s: time",
    async (_, make, n) => {
      expect(await growth(make, read, n)).toBeLessThan(allowedRatio);
    },
    60_000,
  );
  it.each(shapes)(
    "%s: memory",
    (_, make, n) => {
      expect(memoryGrowth(make, { module: "deploy/values", name: "deploymentValues", input: "path" }, n)).toBeLessThan(
        allowedRatio,
      );
    },
    60_000,
  );
});
