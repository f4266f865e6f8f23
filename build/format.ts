import * as prettier from "prettier/standalone";
import * as babel from "prettier/plugins/babel";
import * as estree from "prettier/plugins/estree";

/** Prettier's JSON style, so the committed file diffs cleanly; the standalone build loads much faster. */
export const formatJson = (value: unknown): Promise<string> =>
  prettier.format(JSON.stringify(value), { parser: "json", plugins: [babel, estree], printWidth: 120 });
