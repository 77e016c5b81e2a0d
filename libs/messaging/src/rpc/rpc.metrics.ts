import { Metrics } from '@fpms/common/metrics/metrics';

/** The caller's side of RPC: latency by pattern and answer, and the two failures that page someone. */
export function rpcClientMetrics(metrics: Metrics) {
  return {
    duration: metrics.histogram({
      name: 'fpms_rpc_client_duration_seconds',
      help: 'RPC calls made, by pattern and the status they ended with (200, or the error status: 4xx, 503, 504)',
      labelNames: ['pattern', 'status'] as const,
    }),
    timeouts: metrics.counter({
      name: 'fpms_rpc_client_timeouts_total',
      help: 'RPC calls the callee did not answer in time (504)',
      labelNames: ['pattern'] as const,
    }),
    unavailable: metrics.counter({
      name: 'fpms_rpc_client_unavailable_total',
      help: 'RPC calls answered 503: no consumer on the queue, or the broker unavailable',
      labelNames: ['pattern'] as const,
    }),
  };
}

/** The callee's side: handler latency by pattern and outcome (`ok` or the error code). */
export function rpcServerMetrics(metrics: Metrics) {
  return {
    duration: metrics.histogram({
      name: 'fpms_rpc_server_duration_seconds',
      help: 'RPC requests handled, by pattern and outcome (ok, or the error code)',
      labelNames: ['pattern', 'outcome'] as const,
    }),
  };
}
