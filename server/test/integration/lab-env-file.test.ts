/**
 * scripts/lab-engine.sh writes the demo credentials to its env file: only
 * its owner may read it (issue 12 point 10).
 */
import {execFileSync} from 'node:child_process';
import {statSync} from 'node:fs';
import path from 'node:path';
import {expect, it} from 'vitest';
import {ROOT} from './lab-env';

it('the env file with the registry password is mode 0600', () => {
  execFileSync('bash', [path.join(ROOT, 'scripts/lab-engine.sh'), 'up'], {stdio: 'pipe', env: {...process.env}});
  const file = path.join(process.env.LAB_STATE_DIR || path.join(ROOT, '.lab'), 'env');
  expect(statSync(file).mode & 0o777).toBe(0o600);
});
