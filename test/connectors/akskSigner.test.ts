import { describe, expect, it } from '@jest/globals';
import core from '@huaweicloud/huaweicloud-sdk-core';
import signerModule from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import { signSdkHmacSha256 } from '../../src/connectors/huawei/akskSigner.js';

/**
 * rotor signs CBH requests itself (the SDK is not a run-time dependency: it logs passwords on errors).
 * Its signature must be byte-for-byte the one the official signer computes for the same request.
 */
const cred = { ak: 'HPUAEXAMPLEAK123', sk: 'Sk3xampleSecretKeyThatIsLongEnough0123' };
const sdkCred = new core.BasicCredentials().withAk(cred.ak).withSk(cred.sk);

function sdkSign(url: URL, method: string, headers: Record<string, string>, data?: unknown): string {
  const queryParams: Record<string, string | string[]> = {};
  for (const k of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(k);
    queryParams[k] = all.length > 1 ? all : all[0]!;
  }
  const signed = signerModule.AKSKSigner.sign(
    { endpoint: `${url.origin}${url.pathname}`, method, headers: { ...headers }, queryParams, data },
    sdkCred,
  ) as Record<string, string>;
  return signed.Authorization!;
}

const cases: { what: string; method: string; url: string; headers: Record<string, string>; json?: unknown }[] = [
  {
    what: 'the CBH admin password change (PUT with a JSON body and X-Project-Id)',
    method: 'PUT',
    url: 'https://cbh.cn-north-4.myhuaweicloud.com/v1/0b5f1c2d3e/cbs/instance/password',
    headers: {
      'Content-Type': 'application/json',
      'X-Project-Id': '0b5f1c2d3e',
      'X-Request-Id': 'a3c1e0b2-4f7d-4c59-9d1e-2b8f6a7c9e10',
    },
    json: { new_password: 'N3w-Pa55word!', server_id: '6e22aced-2fdb-42e9-9175-4796fbe9fc23' },
  },
  {
    what: 'a GET with repeated and reserved-character query parameters',
    method: 'GET',
    url: 'https://iam.myhuaweicloud.com/v3/projects?name=cn-north-4&b=x%20y&b=a*b&z=%E4%B8%AD',
    headers: { 'Content-Type': 'application/json' },
  },
  {
    what: 'a path segment that needs encoding and a trailing slash',
    method: 'DELETE',
    url: 'https://api.example.myhuaweicloud.com/v2/things/a%20b~c/',
    headers: {},
  },
];

describe('rotor AK/SK signing', () => {
  it.each(cases)('matches the official signer for $what', ({ method, url, headers, json }) => {
    const u = new URL(url);
    const withDate = { ...headers, 'X-Sdk-Date': '20260102T030405Z' };
    const body = json === undefined ? '' : JSON.stringify(json);
    const ours = signSdkHmacSha256({ method, url: u, headers: withDate, body }, cred);
    expect(ours.Authorization).toBe(sdkSign(u, method, withDate, json));
    expect(ours.Authorization).toMatch(
      /^SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK123, SignedHeaders=[a-z;-]+, Signature=[0-9a-f]{64}$/,
    );
  });

  it('stamps X-Sdk-Date in the basic ISO format when the request has none', () => {
    const out = signSdkHmacSha256(
      { method: 'GET', url: new URL('https://x.example.com/v1/a'), headers: {}, body: '' },
      cred,
      new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
    );
    expect(out['X-Sdk-Date']).toBe('20260102T030405Z');
    expect(out.Authorization).toContain('SignedHeaders=host;x-sdk-date,');
  });
});
