// docs/architecture.md tells a contributor where things are and how a panel is added: its code map names
// the files that exist, and its TypeScript snippets compile as a row's file (panels/activity.ts) holds them.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { projectRoot } from "../support/build";
import { codeBlocks } from "../support/docs";

const page = { path: "docs/architecture.md", text: readFileSync(join(projectRoot, "docs", "architecture.md"), "utf8") };

/** The code map: each top-level entry (a folder or a file) with its description. */
function codeMap(): { entry: string; text: string }[] {
  const block = /```\n(config\.ts[\s\S]*?)```/.exec(page.text)?.[1];
  if (!block) throw new Error("docs/architecture.md has no code map starting with config.ts");
  const entries: { entry: string; text: string }[] = [];
  for (const line of block.split("\n")) {
    const head = /^(\S+)\s/.exec(line)?.[1];
    if (head) entries.push({ entry: head, text: line });
    else if (entries.length > 0) (entries[entries.length - 1] as { text: string }).text += `\n${line}`;
  }
  return entries;
}

// Folders whose entry says what they are for, not file by file.
const describedByPurpose = new Set(["bench/", "tools/", "test/", "docs/", "out/"]);

describe("docs/architecture.md's code map", () => {
  const entries = codeMap();

  it("names folders and files that exist", () => {
    const missing = entries.filter(({ entry }) => {
      try {
        statSync(join(projectRoot, entry));
        return false;
      } catch {
        return true;
      }
    });
    expect(missing.map(({ entry }) => entry)).toEqual([]);
  });

  it("names each TypeScript file of a folder it describes file by file, and none that is gone", () => {
    const wrong = entries
      .filter(({ entry }) => entry.endsWith("/") && !describedByPurpose.has(entry))
      .flatMap(({ entry, text }) => {
        const named = new Set([...text.matchAll(/([\w-]+)\.ts\b/g)].map((m) => m[1] as string));
        const files = readdirSync(join(projectRoot, entry))
          .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))
          .map((name) => name.slice(0, -3));
        return [
          ...files.filter((file) => !named.has(file)).map((file) => `${entry}${file}.ts is not named`),
          ...[...named].filter((name) => !files.includes(name)).map((name) => `${entry}${name}.ts does not exist`),
        ];
      });
    expect(wrong).toEqual([]);
  });
});

/** The modules a row's file imports its names from, in the order a name is looked up. */
const rowFileModules = ["panels/common", "panels/panel", "queries/promql", "queries/catalogue"];

/**
 * A snippet as a file of its own: each name it uses that a row's file would import, imported from the first
 * of those modules that exports it (panels/common's `gauge` factory, not the catalogue's).
 */
function asRowFile(snippet: string): string {
  const exported = rowFileModules.map((module) => ({
    module,
    names: new Set(Object.keys(require(join(projectRoot, module)) as object)),
  }));
  const used = new Set([...snippet.matchAll(/\b[A-Za-z_]\w*\b/g)].map((m) => m[0]));
  const imports = new Map<string, string[]>();
  for (const name of used) {
    const from = exported.find(({ names }) => names.has(name));
    if (from) imports.set(from.module, [...(imports.get(from.module) ?? []), name]);
  }
  const lines = [...imports].map(
    ([module, names]) => `import { ${names.sort().join(", ")} } from ${JSON.stringify(join(projectRoot, module))};`,
  );
  return `${lines.join("\n")}\n\n${snippet}`;
}

/** What tsc says of each source, compiled together against the project's own types. */
function compiled(sources: readonly string[]): string[][] {
  const folder = mkdtempSync(join(tmpdir(), "architecture-snippets-"));
  try {
    const files = sources.map((source, i) => {
      const file = join(folder, `snippet-${i}.ts`);
      writeFileSync(file, source);
      return file;
    });
    const config = ts.readConfigFile(join(projectRoot, "tsconfig.json"), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, projectRoot);
    const program = ts.createProgram(files, { ...options, rootDir: undefined, noEmit: true, noUnusedLocals: false });
    const diagnostics = ts.getPreEmitDiagnostics(program);
    return files.map((file) =>
      diagnostics
        .filter((d) => d.file?.fileName === file)
        .map((d) => {
          const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
          return `line ${line}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
        }),
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe("docs/architecture.md's snippets", () => {
  const snippets = codeBlocks([page], ["ts"]);
  // a snippet that names what does not exist, to show the check would fail
  const broken = 'export const brokenPanel = () => panel(stat("x", 4, 4), [target(currentValue(nowhere), "x")]);';
  let said: string[][];
  beforeAll(() => {
    said = compiled([...snippets, broken].map(asRowFile));
  }, 60_000);

  it("are there: how a panel is added, and a stat panel", () => {
    expect(snippets.length).toBeGreaterThanOrEqual(2);
  });

  it("compile as a row's file holds them, against the project's own types", () => {
    expect(said.slice(0, snippets.length)).toEqual(snippets.map(() => []));
  });

  it("would fail on a snippet naming what does not exist", () => {
    expect(said[snippets.length]).toEqual([expect.stringContaining("Cannot find name 'nowhere'")]);
  });
});
