import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { ensureBuilt } from './build';
import { join } from 'node:path';
import { TEST_JWT_SECRET } from './app';

const ROOT = join(__dirname, '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The node flags of `npm start` (package.json's start script), so a child runs as the service does. */
export function startFlags(root: string): string[] {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  return (scripts.start ?? '').split(/\s+/).filter((part) => part.startsWith('--'));
}

/** The service as a separate OS process, so a test can `kill -9` it. */
export class ChildServer {
  private child: ChildProcess | null = null;
  readonly baseUrl: string;
  output = '';

  /** The server's process id (to read its memory from /proc), or null when not running. */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly env: Record<string, string> = {},
    /** The checkout to run (benchmarks may point at another commit's build). */
    private readonly root: string = ROOT,
    /** Compiled JS to run instead of the checkout's dist/src/main.js (a bench-only variant). */
    private readonly entry?: string,
  ) {
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  async start(timeoutMs = 120_000): Promise<void> {
    // BENCH_NODE_ARGS (space-separated, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the server under a benchmark.
    const argv = [...startFlags(this.root), ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), this.entry ?? ensureBuilt(this.root)];
    this.child = spawn('node', argv, {
      cwd: this.root,
      env: {
        ...process.env,
        DATA_DIR: this.dataDir,
        PORT: String(this.port),
        JWT_SECRET: TEST_JWT_SECRET,
        LOG_LEVEL: 'warn',
        RATE_LIMIT_PER_MINUTE: '10000000',
        SCHEDULES_ENABLED: 'false',
        OCR_EAGER_START: 'false',
        OCR_WORKERS: '1',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`server exited with ${this.child.exitCode}: ${this.output.slice(-2000)}`);
      try {
        const res = await fetch(`${this.baseUrl}/health`);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`server did not become healthy: ${this.output.slice(-2000)}`);
  }

  /** SIGKILL: no shutdown hooks, no flush, as a crash or an OOM kill. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    this.child = null;
  }
}
