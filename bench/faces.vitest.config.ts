// `npm run bench:faces` and `npm run docs:screenshots`: the test harness (a database and Redis prefix of their own,
// migrated) for two runs that are not tests, so `npm test` never picks them up.
import base from '../vitest.config';

export default {
  ...base,
  test: { ...base.test, include: ['bench/faces*.run.ts'], fileParallelism: false, testTimeout: 600_000 },
};
