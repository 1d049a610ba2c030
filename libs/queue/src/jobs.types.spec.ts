import { describe, expect, it } from 'vitest';
import { InvalidJobError, parseJob } from './jobs.types';

describe('parseJob', () => {
  const id = '0b6e3f8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b';

  it('accepts a tick carrying a deployment id only', () => {
    expect(parseJob('deployment.tick', { deploymentId: id })).toEqual({ name: 'deployment.tick', data: { deploymentId: id } });
  });

  it.each([
    ['unknown name', 'deployment.nope', { deploymentId: id }],
    ['missing id', 'deployment.tick', {}],
    ['not a uuid', 'deployment.tick', { deploymentId: 'x' }],
    ['state smuggled in the payload', 'deployment.tick', { deploymentId: id, state: {} }],
    ['not an object', 'deployment.tick', 'abc'],
  ])('refuses %s', (_, name, data) => {
    expect(() => parseJob(name, data)).toThrow(InvalidJobError);
  });
});
