// Starting the real storeedge programs from the browser tests, as tests/support/process.hpp does for
// the C++ ones: the binaries come from $STOREEDGE_BIN_DIR (set by CTest), each daemon gets its own
// configuration and data directory, listens on an ephemeral loopback port that it publishes in
// DATA_DIR/<program>.addr, and its stdout/stderr go to files beside it. Every wait has a deadline,
// and a daemon still running when the test process exits is killed.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const kStartTimeoutMs = 20_000;
export const kStopTimeoutMs = 10_000;
export const kRequestTimeoutMs = 10_000;

const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function binDir() {
  const dir = process.env.STOREEDGE_BIN_DIR;
  if (!dir) {
    throw new Error('STOREEDGE_BIN_DIR is not set: run the browser tests through ctest ' +
                    '(ctest --test-dir build/release -L browser)');
  }
  return dir;
}

// Polls `condition` (sync or async) every 50 ms until it returns a truthy value, which it returns;
// throws naming `what` once `timeoutMs` has passed.
export async function eventually(condition, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

// The port a daemon published in `addressFile` ("host:port\n"), or 0 while it has not.
function publishedPort(addressFile) {
  let text;
  try {
    text = fs.readFileSync(addressFile, 'utf8');
  } catch {
    return 0;
  }
  if (!text.includes('\n')) return 0;
  return Number.parseInt(text.trim().slice(text.lastIndexOf(':') + 1), 10) || 0;
}

// One storehub or storeedged process. `program` is the binary's name in $STOREEDGE_BIN_DIR.
export class Daemon {
  constructor(program, configFile, dataDir) {
    this.program = program;
    this.configFile = configFile;
    this.addressFile = path.join(dataDir, `${program}.addr`);
    this.logDir = path.dirname(configFile);
    this.starts = 0;
    this.child = null;
    this.port = 0;
  }

  async start() {
    fs.rmSync(this.addressFile, { force: true });
    const prefix = path.join(this.logDir, `${this.program}-${++this.starts}`);
    this.errFile = `${prefix}.err`;
    const out = fs.openSync(`${prefix}.out`, 'w');
    const err = fs.openSync(this.errFile, 'w');
    const child = spawn(path.join(binDir(), this.program), ['--config', this.configFile],
                        { stdio: ['ignore', out, err] });
    fs.closeSync(out);
    fs.closeSync(err);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
    running.add(child);
    child.once('exit', () => running.delete(child));
    child.once('error', () => running.delete(child));
    let exitCode = null;
    this.exited.then((code) => { exitCode = code; });
    await eventually(() => publishedPort(this.addressFile) !== 0 || exitCode !== null, kStartTimeoutMs,
                     `${this.program} to publish its address`);
    if (exitCode !== null) {
      throw new Error(`${this.program} exited (${exitCode}) at start:\n${this.stderr()}`);
    }
    this.port = publishedPort(this.addressFile);
    return this.port;
  }

  // SIGTERM, then SIGKILL if it has not stopped within kStopTimeoutMs (which fails the caller).
  async stop() {
    if (!this.child) return;
    const child = this.child;
    this.child = null;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const cancel = new AbortController();  // a pending timer would keep the test process alive
    const timer = sleep(kStopTimeoutMs, 'timeout', { signal: cancel.signal }).catch(() => 'stopped');
    const outcome = await Promise.race([this.exited, timer]);
    cancel.abort();
    if (outcome === 'timeout') {
      child.kill('SIGKILL');
      throw new Error(`${this.program} did not stop within ${kStopTimeoutMs} ms of SIGTERM`);
    }
  }

  stderr() {
    try {
      return fs.readFileSync(this.errFile, 'utf8');
    } catch {
      return '';
    }
  }
}

// Runs a storeedge command line tool to completion (at most 30 s); returns its stdout, throws with
// its stderr when it fails.
export function runTool(program, args) {
  const r = spawnSync(path.join(binDir(), program), args, { encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${program} ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

// One HTTP request to 127.0.0.1:port with a deadline. `body` (an object) is sent as JSON.
// Returns {status, text, json} (json is null when the body is not JSON).
export async function request(port, method, target, { body, headers = {} } = {}) {
  const init = { method, headers: { ...headers }, signal: AbortSignal.timeout(kRequestTimeoutMs) };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['content-type'] = 'application/json';
  }
  const res = await fetch(`http://127.0.0.1:${port}${target}`, init);
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: the caller reads `text`
  }
  return { status: res.status, text, json };
}

// Like request(), but a status other than `expected` (any 2xx when unset) throws with the body.
export async function expectStatus(port, method, target, options = {}, expected = 0) {
  const r = await request(port, method, target, options);
  const ok = expected === 0 ? r.status >= 200 && r.status < 300 : r.status === expected;
  if (!ok) throw new Error(`${method} ${target} -> ${r.status} ${r.text}`);
  return r.json;
}
