// The docs and the code's comments send a reader to a key of the values file ("the values' `uid`", "the
// values file's `alerts.<name>`"): each such key must be one values.schema.json declares, or the reader
// sets a key the renderer refuses as unknown; and every values file they show must be one build accepts.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { deploymentFields, deploymentValues } from "../../deploy/values";
import schema from "../../deploy/values.schema.json";
import { projectRoot } from "../support/build";
import { codeBlocks, documentation } from "../support/docs";

type Schema = { properties?: Record<string, Schema>; additionalProperties?: boolean | Schema };

/** Whether a dotted key path (`federationSlo.enabled`, `alerts.<name>`) lies in the schema. */
function declared(path: string, at: Schema = schema as Schema): boolean {
  const [key, ...rest] = path.split(".");
  if (key === undefined || key === "") return rest.length === 0;
  // a placeholder (`<name>`) stands for any key the object may have: each declared one, or any other
  const placeholder = /^<.+>$/.test(key);
  const next = placeholder
    ? typeof at.additionalProperties === "object"
      ? at.additionalProperties
      : Object.values(at.properties ?? {})[0]
    : at.properties?.[key];
  return next !== undefined && (rest.length === 0 || declared(rest.join("."), next));
}

/** The keys named as "values' `key`" or "values file's `key: value`", with where they are named. */
function namedKeys(path: string, text: string): { where: string; key: string }[] {
  return [...text.matchAll(/values(?:'| file's) `([^`:\s]+)/g)].map((m) => ({ where: path, key: m[1] as string }));
}

const sources = ["build", "dashboards", "deploy", "panels", "alerts", "rules", "cli", "check"].flatMap((dir) =>
  readdirSync(join(projectRoot, dir), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts"))
    .map((name) => join(dir, name)),
);
const named = [
  ...documentation().flatMap(({ path, text }) => namedKeys(path, text)),
  ...sources.flatMap((path) => namedKeys(path, readFileSync(join(projectRoot, path), "utf8"))),
];

it("finds the values keys the docs and comments name", () => {
  expect(named.map(({ key }) => key)).toEqual(expect.arrayContaining(["uid", "federationSlo.enabled"]));
});

it("names only keys values.schema.json declares", () => {
  expect(named.filter(({ key }) => !declared(key))).toEqual([]);
});

it("tells a key the schema lacks", () => {
  expect(declared("rules.slo.enabled")).toBe(false);
  expect(declared("groupBy")).toBe(false);
  expect(declared("selector.groupBy")).toBe(true);
});

it("every values file the README and docs/ show is one the build accepts", async () => {
  const folder = mkdtempSync(join(tmpdir(), "docs-values-"));
  try {
    const valuesBlocks = codeBlocks(documentation(), ["yaml"]).filter((block) => {
      const parsed = parse(block) as unknown;
      const keys = typeof parsed === "object" && parsed !== null ? Object.keys(parsed) : [];
      return keys.length > 0 && keys.every((key) => (deploymentFields as string[]).includes(key));
    });
    expect(valuesBlocks.length).toBeGreaterThanOrEqual(2);
    for (const [i, block] of valuesBlocks.entries()) {
      const file = join(folder, `block-${i}.yaml`);
      writeFileSync(file, block);
      await expect(deploymentValues({}, file)).resolves.toBeDefined();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
