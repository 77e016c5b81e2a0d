/** Something /health/ready must find working: a database, the broker. */
export interface ReadinessProbe {
  name: string;
  isReady(): Promise<boolean> | boolean;
}

export const READINESS_PROBES = Symbol('READINESS_PROBES');
