import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Samples in the window that were not idle. */
  busySamples: number;
  /** Share of busy samples per function (self time), largest first. */
  functions: Array<{ name: string; share: number }>;
  /** Share of busy samples per package / project folder / runtime bucket, largest first. */
  modules: Array<{ name: string; share: number }>;
}

/** Which package or part of the project a script URL belongs to. */
function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /dist\/((?:apps|libs)\/[^/]+)/.exec(url);
  if (own) return `fpms ${own[1]}`;
  return url.replace(/^file:\/\//, '');
}

function shortUrl(url: string): string {
  const m = /node_modules\/(.*)$/.exec(url) ?? /dist\/(.*)$/.exec(url);
  return m ? m[1] : url.replace(/^file:\/\//, '');
}

/**
 * Self time per function and per module of a `node --cpu-prof` profile, counted only over
 * samples whose time falls in [from, to] microseconds before the profile's end (the load
 * window, leaving start-up and shutdown out).
 */
export function summariseCpuProfile(path: string, window: { fromUsBeforeEnd: number; toUsBeforeEnd: number }, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const from = profile.endTime - window.fromUsBeforeEnd;
  const to = profile.endTime - window.toUsBeforeEnd;
  const functions = new Map<string, number>();
  const modules = new Map<string, number>();
  let t = profile.startTime;
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < from || t > to) continue;
    const frame = byId.get(profile.samples[i])!.callFrame;
    if (frame.functionName === '(idle)') continue;
    busy++;
    const name = `${frame.functionName || '(anonymous)'}${frame.url ? ` ${shortUrl(frame.url)}:${frame.lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + 1);
    const mod = moduleOf(frame.url, frame.functionName);
    modules.set(mod, (modules.get(mod) ?? 0) + 1);
  }
  const ranked = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, n]) => ({ name, share: busy ? n / busy : 0 }));
  return { busySamples: busy, functions: ranked(functions), modules: ranked(modules) };
}
