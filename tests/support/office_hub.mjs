// A real doorstep-server for the office console's browser tests and screenshots:
// the binary on 127.0.0.1, a free port, a throwaway data directory (a real SQLCipher
// store), the demo council seeded (--demo), and the office API called as a script
// would, with bearer tokens. With DOORSTEP_TEST_POSTGRES (a postgresql://USER@HOST:PORT
// URL, or a file holding one: the CTest fixture "postgresql", scripts/pg-cluster) the
// hub runs on a fresh PostgreSQL database instead of SQLite.
//
//   const hub = await startHub(serverBinary, ['--session-idle', '65'], { listen: '127.0.0.1:PORT' });
//   hub.url, hub.officePassword, hub.demoPassword; await hub.api(token, 'GET', path);
//   await hub.stop();
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const OFFICE_PASSWORD = 'office-password-2026';
export const DEMO_PASSWORD = 'demo-password-2026';

// A port free now (for a redirect URL that must be known before the hub starts).
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Runs `command args` until it prints "listening on URL"; returns {url, child}.
export function startListening(command, args, env = process.env) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  process.on('exit', () => child.kill('SIGKILL')); // never outlive the test
  let out = '';
  let log = '';
  child.stderr.on('data', (d) => {
    log += d;
  });
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start in 20 s:\n${out}\n${log}`)), 20000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${code}) before listening:\n${out}\n${log}`));
    });
  });
  return { child, url, log: () => log, out: () => out };
}

export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

// A fresh database on the test cluster, or null when DOORSTEP_TEST_POSTGRES is unset.
function postgresDatabase() {
  let base = process.env.DOORSTEP_TEST_POSTGRES ?? '';
  if (!base) return null;
  if (base.startsWith('/')) base = readFileSync(base, 'utf8').split('\n')[0];
  base = base.trim().replace(/\/+$/, '');
  if (!base.startsWith('postgresql://')) throw new Error('DOORSTEP_TEST_POSTGRES must be a postgresql:// URL or a file holding one');
  const name = `doorstep_console_${randomBytes(8).toString('hex')}`;
  execFileSync('psql', [`${base}/postgres`, '-q', '-c', `CREATE DATABASE ${name} ENCODING 'UTF8' TEMPLATE template0`]);
  return {
    url: `${base}/${name}`,
    drop: () => execFileSync('psql', [`${base}/postgres`, '-q', '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]),
  };
}

export async function startHub(server, args = [], { listen = '127.0.0.1:0' } = {}) {
  const data = mkdtempSync(join(tmpdir(), 'doorstep-console-'));
  const pg = postgresDatabase();
  const database = pg ? ['--database', pg.url] : [];
  const started = startListening(server, ['--data', join(data, 'hub'), ...database, '--listen', listen, '--demo', ...args], {
    ...process.env,
    DOORSTEP_OFFICE_PASSWORD: OFFICE_PASSWORD,
    DOORSTEP_DEMO_PASSWORD: DEMO_PASSWORD,
  });
  const { child } = started;
  let url;
  try {
    url = await started.url;
  } catch (e) {
    rmSync(data, { recursive: true, force: true });
    pg?.drop();
    throw e;
  }
  const log = started.log;

  async function api(token, method, path, body = undefined, headers = {}) {
    const h = { ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    if (body !== undefined) h['Content-Type'] = 'application/json';
    const res = await fetch(url + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    let json = null;
    try {
      json = await res.json();
    } catch {
      json = null;
    }
    return { status: res.status, body: json, headers: res.headers };
  }

  async function login(username, password) {
    const r = await api(null, 'POST', '/v1/office/login', { username, password });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.access_token;
  }

  async function stop() {
    await stopChild(child);
    rmSync(data, { recursive: true, force: true });
    pg?.drop();
  }

  return { url, api, login, stop, officePassword: OFFICE_PASSWORD, demoPassword: DEMO_PASSWORD, log };
}
