import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "./build";

/** A page of the documentation: the README or one of docs/, by its path from the project root. */
export interface Page {
  readonly path: string;
  readonly text: string;
}

/** The README and every Markdown page of docs/, the README first. */
export function documentation(): Page[] {
  const docs = readdirSync(join(projectRoot, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => join("docs", name));
  return ["README.md", ...docs].map((path) => ({ path, text: readFileSync(join(projectRoot, path), "utf8") }));
}

/** The fenced blocks of a language (`sh`, `yaml`...) in every page. */
export const codeBlocks = (pages: readonly Page[], languages: readonly string[]): string[] =>
  pages.flatMap(({ text }) =>
    [...text.matchAll(/```(\w*)\n([\s\S]*?)```/g)]
      .filter((m) => languages.includes(m[1] as string))
      .map((m) => m[2] as string),
  );
