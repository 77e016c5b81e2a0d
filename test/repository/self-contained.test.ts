import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Users clone this repository alone: nothing it builds, starts, tests or documents may
 * reach outside it. Checks every tracked file for references to the sibling folder the
 * project was developed next to, and every relative Markdown link for a target inside
 * the repository.
 */
const root = path.resolve(__dirname, '..', '..');
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter((file) => file.length > 0 && existsSync(path.join(root, file)));
const textFiles = tracked.filter((file) => /\.(ts|js|json|md|ya?ml|sh|sql|txt)$|(^|\/)(Dockerfile|\.ci\/run)$/.test(file));

// Written in two parts so that this file does not match itself.
const outsideFolder = ['..', 'shared'].join('/');

describe('the repository stands on its own', () => {
  it('tracks the files it checks', () => {
    expect(textFiles).toEqual(expect.arrayContaining(['README.md', 'package.json', 'docs/architecture.md']));
  });

  it('no tracked file refers to a folder outside the repository', () => {
    const offenders = textFiles.filter((file) => readFileSync(path.join(root, file), 'utf8').includes(outsideFolder));
    expect(offenders).toEqual([]);
  });

  it('every relative link in the Markdown files points to a file inside the repository', () => {
    const broken: string[] = [];
    for (const file of textFiles.filter((name) => name.endsWith('.md'))) {
      const text = readFileSync(path.join(root, file), 'utf8');
      for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = match[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue; // web page, mail, anchor
        const resolved = path.resolve(root, path.dirname(file), target.split('#')[0]);
        const inside = resolved === root || resolved.startsWith(root + path.sep);
        if (!inside || !existsSync(resolved)) broken.push(`${file}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
