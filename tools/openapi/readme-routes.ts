import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One row of README's API table, for one method and one concrete path. */
export interface ReadmeRoute {
  auth: string;
  what: string;
}

/**
 * README's API table is where each route's prose lives (who may call it, what it answers):
 * the document takes the operation descriptions from it rather than repeating them in
 * decorators, and a route missing from the table fails the generation.
 * Rows may name several methods (`GET, PATCH, DELETE`, `PUT / DELETE`), alternatives
 * (`.../{accept,contest}`), a second path relative to the first (`/timer/start`, `/timer/stop`)
 * and a query (`?limit&before`).
 */
export function readReadmeRoutes(root: string): Map<string, ReadmeRoute> {
  const text = readFileSync(join(root, 'README.md'), 'utf8');
  const routes = new Map<string, ReadmeRoute>();
  for (const line of text.split('\n')) {
    const cells = splitRow(line);
    if (!cells || !/^(GET|POST|PUT|PATCH|DELETE)\b/.test(cells[0])) continue;
    const methods = cells[0].split(/[,/]/).map((m) => m.trim());
    const paths = expandPaths(cells[1]);
    for (const method of methods) {
      for (const path of paths) {
        const key = `${method} ${path}`;
        if (!routes.has(key)) routes.set(key, { auth: cells[2], what: cells[3] });
      }
    }
  }
  return routes;
}

function splitRow(line: string): string[] | undefined {
  if (!line.startsWith('| ')) return undefined;
  // Split on | not escaped (\|) and not inside backticks.
  const cells: string[] = [];
  let current = '';
  let code = false;
  for (let i = 1; i < line.length; i++) {
    const ch = line[i];
    if (ch === '`') code = !code;
    if (ch === '|' && line[i - 1] !== '\\' && !code) {
      cells.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  return cells.length >= 4 ? cells.map((c) => c.replace(/\\\|/g, '|')) : undefined;
}

function expandPaths(cell: string): string[] {
  const quoted = [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1].split('?')[0]);
  const [first, ...others] = quoted;
  if (!first) return [];
  const absolute = [first];
  for (const other of others) {
    if (other.startsWith('/api/') || other.startsWith('/webhooks') || other.startsWith('/health')) absolute.push(other);
    else {
      const segments = other.split('/').filter(Boolean).length;
      absolute.push(first.split('/').slice(0, -segments).join('/') + other);
    }
  }
  return absolute.flatMap(expandBraces);
}

function expandBraces(path: string): string[] {
  const match = /\{([^}]+)\}/.exec(path);
  if (!match) return [path];
  return match[1]
    .split(',')
    .flatMap((choice) => expandBraces(path.slice(0, match.index) + choice + path.slice(match.index + match[0].length)));
}
