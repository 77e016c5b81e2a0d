/**
 * The load generator of bench:webhooks, on a thread of its own (as Stripe is another
 * machine, its work must not share the service's event loop): signs each body like
 * Stripe, POSTs it with `concurrency` requests in flight over keep-alive connections and
 * reports the time to each answer.
 */
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import Stripe from 'stripe';

export interface LoadInput {
  port: number;
  path: string;
  secret: string;
  concurrency: number;
  bodies: string[];
}

export interface LoadResult {
  latenciesMs: number[];
  elapsedMs: number;
  statuses: Record<string, number>;
}

function post(agent: http.Agent, input: LoadInput, body: string): Promise<number> {
  const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: input.secret });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: input.port,
        path: input.path,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          'stripe-signature': signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function run(input: LoadInput): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: input.concurrency });
  const latenciesMs: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: Math.min(input.concurrency, input.bodies.length) }, async () => {
      while (next < input.bodies.length) {
        const body = input.bodies[next++];
        const t = process.hrtime.bigint();
        const status = await post(agent, input, body);
        latenciesMs.push(Number(process.hrtime.bigint() - t) / 1e6);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  agent.destroy();
  return { latenciesMs, elapsedMs, statuses };
}

run(workerData as LoadInput).then((result) => parentPort!.postMessage(result));
