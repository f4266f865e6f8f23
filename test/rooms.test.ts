// The project's folders ("rooms") each own one step, and data flows one way: no two rooms import each
// other, so a room can be read, tested and moved without the one it feeds. Read from the sources' own
// import lines (type imports too: they tie the rooms as much).
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { projectRoot } from "./support/build";

const notRooms = new Set(["node_modules", "dist", "out", "test", "docs", ".git", ".ci"]);

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return notRooms.has(entry.name) ? [] : sources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

const roomOf = (file: string) => (file.includes("/") ? file.split("/")[0]! : undefined);

/** Each room's imports of another room, as file -> imported file. */
function roomImports(): Map<string, Map<string, [string, string]>> {
  const rooms = new Map<string, Map<string, [string, string]>>();
  for (const path of sources(projectRoot)) {
    const file = relative(projectRoot, path);
    const room = roomOf(file);
    if (room === undefined) continue;
    for (const [, spec] of readFileSync(path, "utf8").matchAll(/(?:from|import)\s*\(?\s*"(\.\.?\/[^"]+)"/g)) {
      const target = normalize(join(dirname(file), spec!));
      const other = roomOf(target);
      if (other === undefined || other === room) continue;
      if (!rooms.has(room)) rooms.set(room, new Map());
      rooms.get(room)!.set(other, [file, target]);
    }
  }
  return rooms;
}

it("no two rooms import each other", () => {
  const rooms = roomImports();
  expect(rooms.size).toBeGreaterThan(8);
  const both: string[] = [];
  for (const [room, others] of rooms) {
    for (const [other, [file, target]] of others) {
      const back = rooms.get(other)?.get(room);
      if (back && room < other) both.push(`${file} imports ${target}, and ${back[0]} imports ${back[1]}`);
    }
  }
  expect(both).toEqual([]);
});
