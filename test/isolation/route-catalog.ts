import { INestApplication } from '@nestjs/common';

export interface DiscoveredRoute {
  method: string;
  path: string;
}

/** Reads every route the running gateway serves from its Express router. */
export function discoverRoutes(app: INestApplication): DiscoveredRoute[] {
  const express = app.getHttpAdapter().getInstance() as { router?: { stack: unknown[] }; _router?: { stack: unknown[] } };
  const stack = (express.router ?? express._router)?.stack ?? [];
  const routes: DiscoveredRoute[] = [];
  for (const layer of stack as Array<{ route?: { path: string; methods: Record<string, boolean> } }>) {
    if (!layer.route) continue;
    for (const [method, enabled] of Object.entries(layer.route.methods)) {
      if (enabled && method !== '_all') routes.push({ method: method.toUpperCase(), path: layer.route.path });
    }
  }
  return routes;
}

/**
 * Routes the isolation suite must have a case for: every route that takes an id, and every
 * admin route (cross-tenant by nature, ids or not).
 */
export function needsIsolationCase(route: DiscoveredRoute): boolean {
  return route.path.includes(':') || route.path.startsWith('/api/v1/admin/');
}
