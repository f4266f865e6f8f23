import type { Reader } from "../queries/query";
import type { Section } from "./akkoma";

/** Every panel of the sections, with what its queries read: read from the declarations, nothing rendered. */
export const panelReaders = (sections: readonly Section[]): Reader[] =>
  sections.flatMap((section) =>
    section.panels.map((panel) => ({
      kind: "panel" as const,
      name: panel.title,
      reads: panel.targets.flatMap((target) => target.query.reads),
    })),
  );
