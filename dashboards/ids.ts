import { DashboardError } from "../errors";

/** Ids fit in this many values: small enough to read in a `viewPanel=` link, large enough to rarely collide. */
const idSpace = 9_973;

/** FNV-1a: a stable hash of the key, the same on every machine and Node.js version. */
function fnv1a(key: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A panel's id from its title alone: what the dashboard gives it, and what an alert's link to it names. */
export const panelId = (title: string): number => (fnv1a(title) % idSpace) + 1;

/**
 * A panel's id from its identity (its title), not its place: inserting a panel changes no other id,
 * so `viewPanel=` links and alert links survive edits. Two keys on one id fail the build, naming both.
 */
export class PanelIds {
  private readonly owners = new Map<number, string>();

  of(key: string): number {
    const id = panelId(key);
    const owner = this.owners.get(id);
    if (owner !== undefined && owner !== key) {
      throw new DashboardError(
        `panel "${key}"`,
        `its id ${id} is already the id of "${owner}"`,
        "rename one of the two panels slightly",
      );
    }
    this.owners.set(id, key);
    return id;
  }
}
