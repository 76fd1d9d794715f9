import {randomBytes} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {importPKCS8, SignJWT, type CryptoKey} from 'jose';
import type {Access} from './scopes';

export interface TokenSettings {
  /** PKCS#8 PEM of the ES256 key (scripts/lab-engine.sh makes it). */
  keyFile: string;
  /** PEM of the self-signed certificate the registry trusts (`rootcertbundle`). */
  certFile: string;
  /** `auth.token.issuer` in the registry's configuration. */
  issuer: string;
  /** `auth.token.service`: comes back as `?service=` and is the token's audience. */
  service: string;
}

/** Seconds a token is valid. The engine asks again when it runs out. */
export const TOKEN_TTL_S = 300;

/**
 * Signs registry tokens (JWT, ES256). Distribution 2.8 finds the key through
 * the `x5c` header: the certificate, checked against its `rootcertbundle`.
 */
export class TokenSigner {
  private constructor(
    private readonly key: CryptoKey,
    private readonly x5c: string[],
    readonly issuer: string,
    readonly service: string,
  ) {}

  static async load(s: TokenSettings): Promise<TokenSigner> {
    const [keyPem, certPem] = await Promise.all([readFile(s.keyFile, 'utf8'), readFile(s.certFile, 'utf8')]);
    const key = await importPKCS8(keyPem, 'ES256');
    const der = certPem
      .replace(/-----BEGIN CERTIFICATE-----|-----END CERTIFICATE-----/g, '')
      .replace(/\s+/g, '');
    return new TokenSigner(key, [der], s.issuer, s.service);
  }

  async sign(subject: string, access: Access[], ttlS = TOKEN_TTL_S): Promise<{token: string; expiresIn: number; issuedAt: string}> {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({access})
      .setProtectedHeader({alg: 'ES256', x5c: this.x5c})
      .setIssuer(this.issuer)
      .setSubject(subject)
      .setAudience(this.service)
      .setIssuedAt(now)
      .setNotBefore(now - 5)
      .setExpirationTime(now + ttlS)
      .setJti(randomBytes(12).toString('hex'))
      .sign(this.key);
    return {token, expiresIn: ttlS, issuedAt: new Date(now * 1000).toISOString()};
  }
}
