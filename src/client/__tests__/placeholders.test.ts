import {describe, expect, it} from 'vitest';
import {hasPlaceholder, normalizeRegistry, resolvePlaceholders, usernameFor} from '../placeholders';
import {buildCommand, shellCommandLine} from '../../blocks';

const lab = {registry: 'lab' as const, labRegistry: 'localhost:5000', logins: {}};
const hub = {registry: 'hub' as const, labRegistry: 'localhost:5000', logins: {}};

describe('resolvePlaceholders', () => {
  it('uses the lab registry and student by default', () => {
    expect(resolvePlaceholders('docker push <registry>/<username>/hello', lab)).toBe(
      'docker push localhost:5000/student/hello',
    );
    expect(resolvePlaceholders('docker login <registry>', lab)).toBe('docker login localhost:5000');
  });

  it('uses the logged-in lab user', () => {
    const opts = {...lab, logins: {'localhost:5000': 'ada'}};
    expect(resolvePlaceholders('<registry>/<username>/hello', opts)).toBe('localhost:5000/ada/hello');
  });

  it('drops the registry for Docker Hub without leaving double spaces', () => {
    expect(resolvePlaceholders('docker login <registry>', hub)).toBe('docker login');
    expect(resolvePlaceholders('docker login <registry> -u x', hub)).toBe('docker login -u x');
    expect(resolvePlaceholders('docker logout <registry>\n', hub)).toBe('docker logout\n');
  });

  it('leaves <username> on Docker Hub until someone logs in there', () => {
    expect(resolvePlaceholders('docker push <registry>/<username>/hello', hub)).toBe(
      'docker push <username>/hello',
    );
    for (const key of ['https://index.docker.io/v1/', 'docker.io', 'index.docker.io']) {
      const opts = {...hub, logins: {[key]: 'grace', 'localhost:5000': 'ada'}};
      expect(resolvePlaceholders('docker push <registry>/<username>/hello', opts)).toBe(
        'docker push grace/hello',
      );
    }
  });

  it('follows the server-reported lab registry address', () => {
    const opts = {...lab, labRegistry: 'lab.example:5443'};
    expect(resolvePlaceholders('FROM <registry>/<username>/base', opts)).toBe(
      'FROM lab.example:5443/student/base',
    );
  });

  it('reports unresolved placeholders', () => {
    expect(hasPlaceholder('docker push <username>/hello')).toBe(true);
    expect(hasPlaceholder('docker push alice/hello')).toBe(false);
    expect(usernameFor(hub)).toBeNull();
    expect(normalizeRegistry('https://index.docker.io/v1/')).toBe('index.docker.io');
  });
});

describe('shellCommandLine / buildCommand', () => {
  it('joins continuations', () => {
    expect(shellCommandLine('docker run --rm \\\n  -p 8080:80 \\\n  nginx\n')).toEqual({
      command: 'docker run --rm -p 8080:80 nginx',
    });
  });
  it('rejects several commands, prompts and empty blocks', () => {
    expect(shellCommandLine('docker images\ndocker ps')).toHaveProperty('error');
    expect(shellCommandLine('$ docker images')).toHaveProperty('error');
    expect(shellCommandLine('\n\n')).toHaveProperty('error');
  });
  it('builds with or without a tag', () => {
    expect(buildCommand('localhost:5000/student/hello')).toBe('docker build -t localhost:5000/student/hello .');
    expect(buildCommand(undefined)).toBe('docker build .');
  });
});

describe('<username> and the reader\'s lab name', () => {
  it('is the lab name on the lab registry, the Hub login on Docker Hub', () => {
    const base = {labRegistry: 'localhost:5000', logins: {'localhost:5000': 'student', 'https://index.docker.io/v1/': 'hubber'}};
    expect(resolvePlaceholders('<registry>/<username>/hello', {...base, registry: 'lab', readerName: 'alice'})).toBe('localhost:5000/alice/hello');
    expect(resolvePlaceholders('<registry>/<username>/hello', {...base, registry: 'hub', readerName: 'alice'})).toBe('hubber/hello');
    expect(resolvePlaceholders('<registry>/<username>/hello', {...base, registry: 'lab', readerName: null})).toBe('localhost:5000/student/hello');
  });
});
