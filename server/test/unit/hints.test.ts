import {describe, expect, it} from 'vitest';
import {bareNamePushHint, labLoginHint, unnamedImageTip} from '../../src/terminal/hints';

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('newcomer hints (issue 19 point 12)', () => {
  it('docker push hello: did you mean the lab registry name', () => {
    expect(plain(bareNamePushHint('hello', 'localhost:5000', 'alice', false))).toBe(
      "Did you mean `localhost:5000/alice/hello`? A name without a registry and user means Docker Hub's official images.\r\n",
    );
    expect(plain(bareNamePushHint('hello:v1', 'localhost:5000', 'alice', true))).toContain(
      'Did you mean `localhost:5000/alice/hello:v1`?' + " A name without a registry and user means Docker Hub's official images." +
        ' Name your image so first: docker tag hello:v1 localhost:5000/alice/hello:v1',
    );
    expect(plain(bareNamePushHint('hello', 'localhost:5000', undefined, false))).toContain('localhost:5000/<your lab name>/hello');
  });

  it('docker build without -t: an unnamed image cannot be pushed', () => {
    expect(plain(unnamedImageTip('localhost:5000', 'alice', 'hello'))).toBe(
      'Tip: this image has no name (no -t), so it cannot be pushed. Name it when you build: ' +
        'docker build -t localhost:5000/alice/hello . (or later with docker tag IMAGE_ID NAME)\r\n',
    );
  });

  it('a refused lab login says where the lab password is; other errors get no hint', () => {
    const hint = plain(labLoginHint('Error response from daemon: login attempt to http://localhost:5000/v2/ failed with status: 401 Unauthorized', 'alice'));
    expect(hint).toContain('your lab name (alice)');
    expect(hint).toContain('press Show (or Copy) next to "Lab password"');
    expect(labLoginHint('Error response from daemon: Get "http://localhost:5000/v2/": dial tcp: connection refused', 'alice')).toBe('');
  });
});
