// The documents of a YAML (or JSON) input as plain values, read within bounds: a node count checked before
// yaml builds any (about a kilobyte each), aliases expanded at most a hundred times, nesting too deep said
// so. Errors name the file and line.
import { parseAllDocuments } from "yaml";
import { DashboardError } from "../errors";
import { printable } from "../io/printable";
import { lineBeyondNodes, nestedTooDeeply, yamlError } from "../io/yaml";

export interface YamlBounds {
  readonly maxNodes: number;
  /** Said when the file holds more nodes, e.g. "a rule takes about five: split the file". */
  readonly tooManyHint: string;
}

export function readYamlDocuments(source: string, file: string, bounds: YamlBounds): unknown[] {
  const beyond = lineBeyondNodes(source, bounds.maxNodes);
  if (beyond !== undefined)
    throw new DashboardError(
      `${file}:${beyond}`,
      `more than ${bounds.maxNodes.toLocaleString("en")} YAML values; stopped reading`,
      bounds.tooManyHint,
    );
  // `<<: *base` merge keys, as promtool (Go's yaml.v3) reads them
  const documents = parseAllDocuments(source, { merge: true });
  const values: unknown[] = [];
  for (const document of Array.isArray(documents) ? documents : [documents]) {
    const error = document.errors[0];
    if (error) throw yamlError(file, error, "not YAML");
    // yaml reads `!!python/object` as a plain mapping with a warning; promtool and kubectl refuse it
    const unknownTag = document.warnings.find((warning) => warning.code === "TAG_RESOLVE_FAILED");
    if (unknownTag)
      throw yamlError(file, unknownTag, "an unknown YAML tag", "the file holds plain mappings: remove the tag");
    // a bounded alias expansion: a hostile file cannot multiply itself
    try {
      values.push(document.toJS({ maxAliasCount: 100 }));
    } catch (error) {
      if (error instanceof RangeError) throw new DashboardError(file, nestedTooDeeply);
      throw new DashboardError(
        file,
        `cannot be read: ${printable((error as Error).message)}`,
        "write the values, not aliases",
      );
    }
  }
  return values;
}
