import {request} from 'node:http';

export interface PlainResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A plain HTTP request with node:http. Not fetch: fetch refuses "bad ports"
 * (5060 and 5061 among them, SIP), and a lab registry may well sit on one.
 */
export function httpRequest(
  url: string,
  opts: {method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number; maxBytes?: number} = {},
): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, {method: opts.method ?? 'GET', headers: opts.headers, timeout: opts.timeoutMs ?? 15_000}, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > (opts.maxBytes ?? 16 * 1024 * 1024)) req.destroy(new Error('response too large'));
        else chunks.push(c);
      });
      res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8')}));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${new URL(url).host}`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}
