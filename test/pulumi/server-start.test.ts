/**
 * Any server on Pulumi cells: `server.artifact` becomes the one bucket object, keyed by the SHA-256
 * of its bytes (a directory zipped deterministically by lib/pulumi/private/zip.ts, because
 * `BucketObjectv2.source` takes an asset, not an archive), user data unpacks it and runs
 * `server.command`; a tier with no server start is refused.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveTier, SERVER_PATHS, type TierConfig, userDataLines } from '../../lib/core';
import { WebSocketTier } from '../../lib/pulumi';
import { artifactObject } from '../../lib/pulumi/private/server-bundle';
import { crc32, zipDirectory } from '../../lib/pulumi/private/zip';
import { type PulumiRecorder, recordProgram } from '../helpers/pulumi-mocks';

const ZONE = 'Z00000000000000000000';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

function makeApp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-pulumi-app-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.mkdirSync(path.join(dir, 'lib', 'deep'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'bin', 'server'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'lib', 'deep', 'data.txt'), 'x'.repeat(10_000));
  fs.writeFileSync(path.join(dir, 'README'), 'héllo\n', { mode: 0o600 });
  return dir;
}

describe('zipDirectory', () => {
  test('CRC-32 is the IEEE one (check value of "123456789")', () => {
    expect(crc32(Buffer.from('123456789')).toString(16)).toBe('cbf43926');
  });

  test('unzip restores every file, its bytes and its mode; the same tree gives the same bytes', () => {
    const dir = makeApp();
    const zip = zipDirectory(dir);
    expect(zipDirectory(dir).equals(zip)).toBe(true);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-unzip-'));
    fs.writeFileSync(path.join(out, 'a.zip'), zip);
    execFileSync('unzip', ['-q', '-o', path.join(out, 'a.zip'), '-d', path.join(out, 'x')]);
    for (const rel of ['bin/server', 'lib/deep/data.txt', 'README']) {
      expect(fs.readFileSync(path.join(out, 'x', rel))).toEqual(fs.readFileSync(path.join(dir, rel)));
      expect(fs.statSync(path.join(out, 'x', rel)).mode & 0o777).toBe(fs.statSync(path.join(dir, rel)).mode & 0o777);
    }
    expect(execFileSync('unzip', ['-t', path.join(out, 'a.zip')], { encoding: 'utf8' })).toMatch(/No errors detected/);
  });

  test('a changed file changes the archive and so the object key', () => {
    const dir = makeApp();
    const before = artifactObject({ path: dir, format: 'directory', packaging: 'zip', installPath: SERVER_PATHS.app });
    fs.writeFileSync(path.join(dir, 'README'), 'changed\n');
    const after = artifactObject({ path: dir, format: 'directory', packaging: 'zip', installPath: SERVER_PATHS.app });
    expect(after.key).not.toBe(before.key);
    expect(after.key).toBe(`server-${sha(fs.readFileSync(after.file))}.zip`);
  });
});

describe('a directory artifact run by server.command', () => {
  const dir = makeApp();
  const config: TierConfig = {
    domainName: 'ws.example.com',
    cells: [{ name: 'a' }],
    server: { command: { executable: `${SERVER_PATHS.app}/bin/server`, args: ['--cell', 'a b'] }, artifact: dir, preStart: ['true'] },
  };
  let r: PulumiRecorder;
  beforeAll(async () => {
    ({ recorder: r } = await recordProgram(() => new WebSocketTier('t1', { ...config, hostedZoneId: ZONE })));
  });

  test('one object keyed by the SHA-256 of the zip, uploaded from the zip written for it', async () => {
    const zip = zipDirectory(dir);
    const object = r.named('t1-server-bundle-object').inputs;
    expect(object.key).toBe(`server-${sha(zip)}.zip`);
    expect(object.contentType).toBe('application/zip');
    expect(fs.readFileSync(await object.source.path).equals(zip)).toBe(true);
  });

  test("user data is core's script for this artifact: unzip into the app directory, preStart, then the command", () => {
    const plan = resolveTier(config);
    const key = r.named('t1-server-bundle-object').inputs.key;
    const ud = decode(r.named('t1-cell-a-launch-template').inputs.userData);
    expect(ud).toBe(['#!/bin/bash', ...userDataLines(plan, plan.cells[0], { s3Uri: `s3://t1-server-bundle-id/${key}` })].join('\n'));
    expect(ud).toContain(`unzip -q -o /opt/websocket-tier/artifact.zip -d ${SERVER_PATHS.app}`);
    expect(ud).toContain(`ExecStart=${SERVER_PATHS.app}/bin/server --cell "a b"`);
  });
});

test('a .tar.gz artifact keeps its extension in the key', () => {
  const tgz = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wst-tgz-')), 'app.tar.gz');
  fs.writeFileSync(tgz, 'tgz');
  const o = artifactObject({ path: tgz, format: 'tar.gz', packaging: 'tar.gz', installPath: SERVER_PATHS.app });
  expect(o).toEqual({ file: tgz, key: `server-${sha(Buffer.from('tgz'))}.tar.gz`, contentType: 'application/gzip' });
});

test('nothing starts the server: a ResourceError with server-no-start', async () => {
  await expect(
    recordProgram(() => new WebSocketTier('t1', { domainName: 'ws.example.com', cells: [{ name: 'a' }], hostedZoneId: ZONE })),
  ).rejects.toThrow(/t1: invalid WebSocket tier configuration[\s\S]*which stock Amazon Linux does not have[\s\S]*\[server-no-start\]/);
});
