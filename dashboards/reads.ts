import { type Reader, readerOf } from "../queries/query";
import type { Section } from "./akkoma";

/** Every panel of the sections, with what its queries read: read from the declarations, nothing rendered. */
export const panelReaders = (sections: readonly Section[]): Reader[] =>
  sections.flatMap((section) =>
    section.panels.map((panel) =>
      readerOf(
        "panel",
        panel.title,
        panel.targets.map((target) => target.query),
      ),
    ),
  );
