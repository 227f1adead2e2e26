import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { httpExampleFile } from '../helpers/httpExamples.js';
import { repoRoot, runCli } from '../helpers/runCli.js';

/**
 * The two http examples dropped into a config with a `strong` policy, as their header says; each
 * broken variant changes one template, and `rotor config validate` must say where and how to fix it.
 */
const head = `redis: { url: "redis://127.0.0.1:6379", prefix: rotor }
vault:
  address: "http://127.0.0.1:8200"
  auth: { method: token, token: "\${VAULT_TOKEN}" }
policies:
  strong: { length: 24, lower: 2, upper: 2, digits: 2, special: 2, specialChars: "!@#$%^&*-_=+" }
`;

const env = {
  VAULT_TOKEN: 'hvs.test-token-value',
  HTTP_EXAMPLE_ENDPOINT: 'https://api.example.test',
  HTTP_EXAMPLE_SECRET_PATH: 'http/example',
  HTTP_EXAMPLE_ACCOUNT: 'bob@acme.com',
  HTTP_EXAMPLE_USER_ID: '3f1c0a',
  HTTP_EXAMPLE_USER_NAME: 'alice',
  HTTP_EXAMPLE_DOMAIN: 'acme',
};

let dir: string;
let meeting: string;
let iam: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rotor-http-config-'));
  meeting = await readFile(httpExampleFile('meeting'), 'utf8');
  iam = await readFile(httpExampleFile('iam'), 'utf8');
});

/** The 1-based line of the first line of `text` that contains `needle`. */
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

async function validate(text: string) {
  const file = join(dir, 'rotor.yaml');
  await writeFile(file, text);
  return runCli(['--config', file, 'config', 'validate'], env);
}

describe('rotor config validate with http targets', () => {
  it.each([
    ['meeting', () => meeting],
    ['iam', () => iam],
  ])(
    'accepts config/examples/http-huawei-%s.yaml dropped into a config with a strong policy',
    async (_name, example) => {
      const result = await validate(head + example());
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain('ok (1 target)');
      expect(result.code).toBe(0);
    },
  );

  it('is what docs/http-targets.md shows: both examples, verbatim', async () => {
    const page = await readFile(join(repoRoot, 'docs', 'http-targets.md'), 'utf8');
    expect(page).toContain(meeting);
    expect(page).toContain(iam);
  });

  it('names an unknown variable with the file, YAML path, line, the names there are and the likely one', async () => {
    const text = head + meeting.replace("oldPwd: '{{ oldPassword }}'", "oldPwd: '{{ oldPasword }}'");
    const result = await validate(text);
    const line = lineOf(text, 'oldPasword');
    expect(result.stderr).toMatch(
      new RegExp(
        `rotor\\.yaml:${line}:\\d+: targets\\[0\\]\\.change\\.json\\.oldPwd: unknown variable \\{\\{ oldPasword \\}\\} \\(did you mean \\{\\{ oldPassword \\}\\}\\?\\); in the change request the names are: vars\\.account, oldPassword, newPassword, login\\.session`,
      ),
    );
    expect(result.code).toBe(2);
  });

  it('refuses a password in the path or the query, saying where to send it instead', async () => {
    const text =
      head +
      iam
        .replace("path: '/v3/users/{{ vars.userId | urlencode }}/password'", "path: '/v3/users/{{ newPassword }}'")
        .replace("query: { nocatalog: 'true' }", "query: { nocatalog: 'true', pw: '{{ password | urlencode }}' }");
    const result = await validate(text);
    expect(result.stderr).toMatch(
      new RegExp(
        `rotor\\.yaml:${lineOf(text, '/v3/users/{{ newPassword }}')}:\\d+: targets\\[0\\]\\.change\\.path: \\{\\{ newPassword \\}\\} is a secret and may not render into the path: .*send it in a header, basicAuth or the body`,
      ),
    );
    expect(result.stderr).toMatch(
      new RegExp(
        `rotor\\.yaml:${lineOf(text, 'pw: ')}:\\d+: targets\\[0\\]\\.login\\.query\\.pw: \\{\\{ password \\}\\} is a secret and may not render into the query`,
      ),
    );
    expect(result.stderr).toContain('2 problems');
    expect(result.code).toBe(2);
  });

  it("checks the policy against the target's own rules at load", async () => {
    const text = head + meeting.replace('maxLength: 32', 'maxLength: 16');
    const result = await validate(text);
    expect(result.stderr).toMatch(
      new RegExp(
        `rotor\\.yaml:${lineOf(text, 'policy: strong')}:\\d+: targets\\[0\\]\\.policy: policy strong: length 24 exceeds http maximum 16`,
      ),
    );
    expect(result.code).toBe(2);
  });

  it('refuses a request that leaves success undefined, with an example of how to write it', async () => {
    const text = head + iam.replace('      success: { status: 204 }\n', '');
    const result = await validate(text);
    expect(result.stderr).toMatch(
      /rotor\.yaml:\d+:\d+: targets\[0\]\.change\.success: expected success: the reply that proves the request worked, e\.g\. success: \{ status: \[200\] \}/,
    );
    expect(result.code).toBe(2);
  });
});

describe('rotor policy generate --target with an http target', () => {
  it("follows the target's own rules: its length bounds and its special characters", async () => {
    const file = join(dir, 'policy.yaml');
    await writeFile(
      file,
      `${head}  any: { minClasses: 0 }
targets:
  - id: t
    kind: http
    endpoint: https://x.example
    secretPath: a/b
    vars: { account: bob }
    rules: { minLength: 10, maxLength: 12, specialChars: '-', minClasses: 4, mustNotContain: [account] }
    change: { method: PUT, path: /p, json: { p: '{{ newPassword }}' }, success: { status: 200 } }
    verify: none
`,
    );
    const result = await runCli(['--config', file, 'policy', 'generate', 'any', '--target', 't', '--count', '20'], env);
    expect(result.code).toBe(0);
    const passwords = result.stdout.trim().split('\n');
    expect(passwords).toHaveLength(20);
    for (const p of passwords) {
      expect(p.length).toBeGreaterThanOrEqual(10);
      expect(p.length).toBeLessThanOrEqual(12);
      expect(p).toMatch(/^[A-Za-z0-9-]+$/);
      expect(p).toMatch(/-/);
      expect(p.toLowerCase()).not.toContain('bob');
    }
  });
});
