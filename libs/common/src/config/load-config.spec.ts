import { z } from 'zod';
import { ConfigError, env, loadConfig } from './load-config';

describe('loadConfig', () => {
  const schema = z.object({ DB_NAME: env.string(), HTTP_PORT: env.port(3000), AMQP_URL: env.url('amqp://localhost') });

  it('applies defaults and coerces numbers', () => {
    expect(loadConfig(schema, { DB_NAME: 'x' })).toEqual({ DB_NAME: 'x', HTTP_PORT: 3000, AMQP_URL: 'amqp://localhost' });
    expect(loadConfig(schema, { DB_NAME: 'x', HTTP_PORT: '8080' }).HTTP_PORT).toBe(8080);
  });

  it('names every missing or malformed variable', () => {
    let error: unknown;
    try {
      loadConfig(schema, { HTTP_PORT: 'eighty' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^DB_NAME is required but not set/);
    expect(problems[1]).toMatch(/^HTTP_PORT: /);
    expect((error as Error).message).toContain('DB_NAME');
  });
});
