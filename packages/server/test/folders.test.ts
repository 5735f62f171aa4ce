/**
 * The server's folders depend on each other one way: no folder imports from a
 * folder that imports back from it, however far round. A file directly under
 * src/ counts as a folder of its own. Imports are read from the sources, so a
 * cycle fails here before anyone has to untangle it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../src");
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"(\.{1,2}\/[^"]+)"/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

/** The folder of a file under src/ (`chat`, `store`…), or the file itself when it lies directly in src/. */
function folderOf(file: string): string {
  return relative(SRC, file).split(sep)[0]!;
}

/** Node → the nodes it imports from, where `nodeOf` names a file's node (its folder, or the file itself). */
function importGraph(files: string[], nodeOf: (file: string) => string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const from = nodeOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const target = resolve(dirname(file), match[1]!.replace(/\.js$/, ".ts"));
      if (!files.includes(target)) continue;
      const to = nodeOf(target);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the path that closes it. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const walk = (node: string, path: string[]): void => {
    const at = path.indexOf(node);
    if (at >= 0) {
      found.push([...path.slice(at), node]);
      return;
    }
    if (done.has(node)) return;
    for (const next of graph.get(node) ?? []) walk(next, [...path, node]);
    done.add(node);
  };
  for (const node of graph.keys()) walk(node, []);
  return found;
}

it("has no import cycle between the server's folders", () => {
  const graph = importGraph(sourceFiles(SRC), folderOf);
  expect(graph.get("chat")?.size).toBeGreaterThan(0);
  expect(cycles(graph).map((cycle) => cycle.join(" → "))).toEqual([]);
});

it("has no import cycle between the files of the chat domain", () => {
  const chat = sourceFiles(join(SRC, "chat"));
  const graph = importGraph(chat, (file) => relative(SRC, file));
  expect(graph.get(join("chat", "service.ts"))?.size).toBeGreaterThan(0);
  expect(cycles(graph).map((cycle) => cycle.join(" → "))).toEqual([]);
});
