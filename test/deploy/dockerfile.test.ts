import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser, Instruction } from 'dockerfile-ast';

/**
 * The image's rules (docs/deploy.md): multi-stage; the runtime stage holds only compiled
 * code and production dependencies, runs as a numeric non-root user, has a HEALTHCHECK and
 * an init as PID 1 that forwards SIGTERM; the build context leaves out what must not leak.
 */
const root = join(__dirname, '..', '..');
const dockerfile = DockerfileParser.parse(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const stages = dockerfile.getFROMs().map((from) => ({
  name: from.getBuildStage(),
  image: from.getImageName(),
  instructions: [] as Instruction[],
}));
{
  let index = -1;
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') index += 1;
    else if (index >= 0) stages[index].instructions.push(instruction);
  }
}
const runtime = stages[stages.length - 1];
const args = (i: Instruction) => i.getArguments().map((a) => a.getValue());
const ofKind = (keyword: string) => runtime.instructions.filter((i) => i.getKeyword() === keyword);
const stageByName = (name: string | undefined) => stages.find((s) => s.name === name);

describe('Dockerfile', () => {
  it('builds in stages and pins the base image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const defaultBase = dockerfile
      .getARGs()
      .find((a) => a.getProperty()?.getName() === 'NODE_IMAGE')
      ?.getProperty()
      ?.getValue();
    expect(defaultBase).toMatch(/^node:20\.\d+\.\d+-bookworm-slim$/);
  });

  it('copies into the runtime stage only compiled code, production dependencies and the manifest', () => {
    const sources = ofKind('COPY').map((i) => ({ from: /--from=(\S+)/.exec(i.getTextContent())?.[1], source: args(i)[0] }));
    expect(sources).toEqual(
      expect.arrayContaining([
        { from: 'production-dependencies', source: '/app/node_modules' },
        { from: 'build', source: '/app/dist' },
      ]),
    );
    for (const { from, source } of sources) {
      if (from === undefined) expect(source).toBe('package.json');
      else expect(['/app/node_modules', '/app/dist']).toContain(source);
    }
    // The dependencies come from a stage that installed without dev dependencies.
    const depsStage = stageByName('production-dependencies');
    const installs = depsStage?.instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => args(i).join(' ')) ?? [];
    expect(installs.some((cmd) => /npm ci .*--omit=dev/.test(cmd))).toBe(true);
    // No build tools in the runtime stage: nothing installed but the init.
    const runtimeRuns = ofKind('RUN').map((i) => args(i).join(' '));
    for (const cmd of runtimeRuns) expect(cmd).not.toMatch(/npm (ci|install)|build-essential|python|g\+\+|make/);
    expect(runtimeRuns.join(' ')).toMatch(/apt-get install -y --no-install-recommends tini/);
  });

  it('runs as a numeric non-root user, with tini as PID 1 and a HEALTHCHECK', () => {
    const [user] = ofKind('USER').map(args);
    expect(user[0]).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    // The last USER wins, and it comes after every RUN that needs root.
    const keywords = runtime.instructions.map((i) => i.getKeyword());
    expect(keywords.lastIndexOf('RUN')).toBeLessThan(keywords.lastIndexOf('USER'));
    expect(ofKind('ENTRYPOINT').map((i) => i.getArgumentsContent())).toEqual(['["/usr/bin/tini", "--"]']);
    const healthcheck = ofKind('HEALTHCHECK').map((i) => i.getArgumentsContent())[0];
    expect(healthcheck).toContain('dist/tools/infra/healthcheck.js');
    expect(ofKind('CMD').map((i) => i.getArgumentsContent())).toEqual(['["node", "dist/apps/gateway/src/main.js"]']);
  });

  it('keeps secrets, sources of other kinds and local state out of the build context', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['.git', '.local', 'node_modules', 'dist', 'test', '**/*.spec.ts', '**/*.test.ts']));
  });
});
