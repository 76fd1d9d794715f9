import {describe, expect, it} from 'vitest';
import {diskRefusal, formatDiskBytes} from '../../src/engine/disk';
import {assessEngine, compareVersions, engineMajor} from '../../src/engine/version';

describe('the engine version check', () => {
  it('accepts Docker 26.1 (Debian 13) and newer without a warning', () => {
    expect(assessEngine({Version: '26.1.5+dfsg1', ApiVersion: '1.45'})).toMatchObject({verdict: 'ok'});
    expect(assessEngine({Version: '28.2.2', ApiVersion: '1.50'}).verdict).toBe('ok');
    expect(assessEngine({Version: '25.0.3', ApiVersion: '1.44'}).verdict).toBe('ok');
  });

  it('warns on engines older than 25: unpatched BuildKit (CVE-2024-23652)', () => {
    const a = assessEngine({Version: '20.10.24+dfsg1', ApiVersion: '1.41'});
    expect(a.verdict).toBe('warn');
    expect(a.message).toMatch(/20\.10\.24\+dfsg1 is older than 25/);
    expect(a.message).toMatch(/CVE-2024-23652/);
    expect(assessEngine({Version: '24.0.7', ApiVersion: '1.43'}).verdict).toBe('warn');
  });

  it('refuses Engine APIs older than 1.41 with a clear message', () => {
    const a = assessEngine({Version: '19.03.15', ApiVersion: '1.40'});
    expect(a.verdict).toBe('refuse');
    expect(a.message).toMatch(/speaks Engine API 1\.40 \(Docker 19\.03\.15\); Docker Lab needs API 1\.41 or newer/);
    expect(assessEngine({Version: '1.13.1', ApiVersion: '1.26'}).verdict).toBe('refuse');
    expect(assessEngine({Version: '', ApiVersion: ''}).verdict).toBe('refuse');
  });

  it('compares versions numerically, not as text', () => {
    expect(compareVersions('1.9', '1.41')).toBeLessThan(0);
    expect(compareVersions('1.41', '1.41')).toBe(0);
    expect(compareVersions('1.45', '1.41')).toBeGreaterThan(0);
    expect(compareVersions('2.0', '1.99')).toBeGreaterThan(0);
    expect(engineMajor('26.1.5+dfsg1')).toBe(26);
    expect(engineMajor('dev')).toBeNull();
    // A development build with no number is not warned about (nothing to compare).
    expect(assessEngine({Version: 'dev', ApiVersion: '1.47'}).verdict).toBe('ok');
  });
});

describe('the disk watermark', () => {
  const GiB = 1024 ** 3;
  it('refuses below the watermark and says how much is free and needed', () => {
    const msg = diskRefusal(1.5 * GiB, 2 * GiB);
    expect(msg).toMatch(/low on disk space \(1\.5 GiB free; the lab starts builds only with at least 2\.0 GiB free\)/);
    expect(msg).toMatch(/nothing was sent to the engine/);
  });
  it('lets a build start at or above it, when it cannot tell, or when there is no watermark', () => {
    expect(diskRefusal(2 * GiB, 2 * GiB)).toBeNull();
    expect(diskRefusal(null, 2 * GiB)).toBeNull();
    expect(diskRefusal(0, 0)).toBeNull();
  });
  it('formats sizes in powers of 1024', () => {
    expect(formatDiskBytes(512)).toBe('512 B');
    expect(formatDiskBytes(75 * GiB)).toBe('75.0 GiB');
    expect(formatDiskBytes(1024 ** 5 * 3)).toBe('3.0 PiB');
  });
});
