import type { Core } from '../core';
import { mergeMetadata } from '../http/form';
import { paginate } from '../http/list';
import type { ApiRouter } from '../http/router';
import { closeDispute, submitEvidence } from '../money/disputes';

export function registerDisputes(api: ApiRouter, core: Core): void {
  const { state } = core;
  api.get('/disputes/:id', (req) => state.disputes.get(req.path.id, req.owner));
  api.get('/disputes', (req) => {
    const charge = req.params.str('charge');
    const pi = req.params.str('payment_intent');
    const items = state.disputes.all(req.owner).filter((d) => (!charge || d.charge === charge) && (!pi || d.payment_intent === pi));
    return paginate(items, req.params, '/v1/disputes');
  });
  api.post(
    '/disputes/:id',
    (req) => {
      const d = state.disputes.get(req.path.id, req.owner);
      const p = req.params;
      if (p.has('metadata')) d.metadata = mergeMetadata(d.metadata, p.metadata());
      const evidence = p.obj('evidence');
      if (evidence) {
        const ev = d.evidence as unknown as Record<string, unknown>;
        for (const key of evidence.keys()) if (key in ev && typeof evidence.raw[key] === 'string') ev[key] = evidence.str(key);
        d.evidence_details.has_evidence = true;
      }
      // Stripe submits evidence immediately unless submit=false.
      if (evidence && p.bool('submit') !== false) submitEvidence(core, req.owner, d);
      else core.events.publish('charge.dispute.updated', req.owner, d);
      return d;
    },
    { allow: ['evidence', 'metadata', 'submit'] },
  );
  // Accepting a dispute concedes it: it is lost.
  api.post('/disputes/:id/close', (req) => closeDispute(core, req.owner, state.disputes.get(req.path.id, req.owner), 'lost'), {
    allow: [],
  });
}
