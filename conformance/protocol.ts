/**
 * The adapter protocol (spec/conformance.md CONF-PROTO-*): JSON lines over a child's stdin/stdout, in the
 * spirit of geth's `evm t8n`. The runner writes one request per line and reads one response per line:
 *
 *   → {"type":"hello","protocol":1,"format":"1.0.0"}
 *   ← {"type":"hello","protocol":1,"implementation":"…","features":["vm.call","vm.validate"]}
 *   → {"type":"run","id":"…","kind":"vm.call","pre":{…},"input":{…}}
 *   ← {"type":"result","id":"…","actual":{…}}        or  {"type":"error","id":"…","message":"…"}
 *   → {"type":"trace","id":"…","kind":"vm.call","pre":{…},"input":{…}}   (only if hello listed "trace")
 *   ← {"type":"trace","id":"…","traces":[[{depth,module,fn,pc,op,gas,gasCost,stack,memSize}…]…]}
 *   → {"type":"bye"}                                   (then stdin closes; the adapter exits)
 *
 * `serveAdapter` is the implementation side (`curve adapter`); `processImplementation` the runner side,
 * with a per-vector timeout, restart after a crash or hang, and a clear message for each failure.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { FORMAT_VERSION, PROTOCOL_VERSION } from './format.ts';
import './kinds-all.ts';
import { kindHandler, kindNames, type Request, type RunHooks } from './kinds.ts';
import type { Implementation } from './runner.ts';
import { TRACE_FEATURE, referenceTraces, type Traces } from './trace.ts';

/** Answer one request line (the adapter side); returns the response line, or undefined for `bye`. */
export function answer(line: string, hooks: RunHooks = {}, implementation = 'curve reference'): string | undefined {
  let msg: { type?: unknown; id?: unknown; kind?: unknown; protocol?: unknown };
  try {
    msg = JSON.parse(line) as typeof msg;
  } catch {
    return JSON.stringify({ type: 'error', id: null, message: 'request is not valid JSON' });
  }
  const id = typeof msg.id === 'string' ? msg.id : null;
  if (msg.type === 'hello') {
    if (msg.protocol !== PROTOCOL_VERSION) return JSON.stringify({ type: 'error', id: null, message: `protocol ${String(msg.protocol)} not supported (this adapter speaks ${PROTOCOL_VERSION})` });
    return JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, implementation, features: [...kindNames(), TRACE_FEATURE] });
  }
  if (msg.type === 'bye') return undefined;
  if ((msg.type !== 'run' && msg.type !== 'trace') || id === null) return JSON.stringify({ type: 'error', id, message: 'expected a hello, run, trace or bye request' });
  if (msg.type === 'trace') {
    try {
      return JSON.stringify({ type: 'trace', id, traces: referenceTraces(msg as unknown as Request, hooks) });
    } catch (e) {
      return JSON.stringify({ type: 'error', id, message: e instanceof Error ? e.message.split('\n')[0] : String(e) });
    }
  }
  const h = typeof msg.kind === 'string' ? kindHandler(msg.kind) : undefined;
  if (!h) return JSON.stringify({ type: 'error', id, message: `unsupported kind ${String(msg.kind)}` });
  try {
    return JSON.stringify({ type: 'result', id, actual: h.run(msg as unknown as Request, hooks) });
  } catch (e) {
    return JSON.stringify({ type: 'error', id, message: e instanceof Error ? e.message.split('\n')[0] : String(e) });
  }
}

/** Serve the protocol on a line stream until `bye` or end of input. */
export async function serveAdapter(input: NodeJS.ReadableStream, write: (line: string) => void, hooks: RunHooks = {}, implementation?: string): Promise<void> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.trim() === '') continue;
    const out = answer(line, hooks, implementation);
    if (out === undefined) break;
    write(out + '\n');
  }
  rl.close();
}

export interface ProcessOptions {
  /** Per-vector time limit in milliseconds. */
  readonly timeoutMs: number;
  /** Time limit for starting up and the handshake. */
  readonly startTimeoutMs?: number;
  /** Restarts allowed after crashes or hangs before the remaining vectors fail at once. */
  readonly maxRestarts?: number;
}

interface Child {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly lines: string[];
  waiter: ((line: string | undefined) => void) | undefined;
  exited: string | undefined;
  stderr: string;
}

/** Start CMD (through the shell) and keep its stdout lines and exit state. */
function start(cmd: string): Child {
  const proc = spawn(cmd, { shell: true, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const c: Child = { proc, lines: [], waiter: undefined, exited: undefined, stderr: '' };
  createInterface({ input: proc.stdout, crlfDelay: Infinity }).on('line', (l) => {
    if (c.waiter) {
      const w = c.waiter;
      c.waiter = undefined;
      w(l);
    } else c.lines.push(l);
  });
  proc.stderr.on('data', (d: Buffer) => {
    c.stderr = (c.stderr + d.toString('utf8')).slice(-2000);
  });
  proc.stdin.on('error', () => {});
  const onExit = (why: string): void => {
    if (c.exited) return;
    c.exited = why;
    const w = c.waiter;
    c.waiter = undefined;
    w?.(undefined);
  };
  proc.on('exit', (code, signal) => onExit(signal ? `killed by ${signal}` : `exited with code ${code}`));
  proc.on('error', (e) => onExit(`could not start (${e.message})`));
  return c;
}

function kill(c: Child): void {
  if (c.exited || c.proc.pid === undefined) return;
  try {
    process.kill(-c.proc.pid, 'SIGKILL'); // the shell and the adapter it started (own process group)
  } catch {
    c.proc.kill('SIGKILL');
  }
}

/** Send one line and wait for one line, or a timeout, or the child's exit. */
function exchange(c: Child, line: string, timeoutMs: number): Promise<{ line: string } | { failure: string }> {
  if (c.exited) return Promise.resolve({ failure: `the adapter ${c.exited}` });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      c.waiter = undefined;
      resolve({ failure: `no response within ${timeoutMs} ms (adapter hung; killed)` });
      kill(c);
      c.exited ??= 'was killed after a timeout';
    }, timeoutMs);
    const got = (l: string | undefined): void => {
      clearTimeout(timer);
      if (l !== undefined) resolve({ line: l });
      else {
        const tail = c.stderr.trim().split('\n').at(-1) ?? '';
        resolve({ failure: `the adapter ${c.exited ?? 'closed its output'} while running the vector${tail ? ` (stderr: ${tail.slice(0, 200)})` : ''}` });
      }
    };
    const queued = c.lines.shift();
    if (queued !== undefined) got(queued);
    else c.waiter = got;
    c.proc.stdin.write(line + '\n');
  });
}

/** Start and handshake; returns the child and its hello, or why it could not. */
async function connect(cmd: string, o: ProcessOptions): Promise<{ child: Child; name: string; features: string[] } | { failure: string }> {
  const child = start(cmd);
  const r = await exchange(child, JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, format: FORMAT_VERSION }), o.startTimeoutMs ?? 60_000);
  if ('failure' in r) return { failure: `handshake with ${JSON.stringify(cmd)} failed: ${r.failure}` };
  try {
    const h = JSON.parse(r.line) as { type?: string; protocol?: number; implementation?: string; features?: unknown; message?: string };
    if (h.type !== 'hello' || h.protocol !== PROTOCOL_VERSION || !Array.isArray(h.features)) {
      kill(child);
      return { failure: `handshake with ${JSON.stringify(cmd)} failed: expected a protocol ${PROTOCOL_VERSION} hello, got ${r.line.slice(0, 200)}` };
    }
    return { child, name: String(h.implementation ?? cmd), features: h.features.map(String) };
  } catch {
    kill(child);
    return { failure: `handshake with ${JSON.stringify(cmd)} failed: not JSON: ${r.line.slice(0, 200)}` };
  }
}

/**
 * An implementation behind the adapter protocol. A vector whose adapter crashes, hangs or answers
 * malformed JSON fails with a message; the adapter is restarted for the next vector, up to `maxRestarts`
 * times, after which every remaining vector fails at once with the last reason (the run ends cleanly).
 */
export async function processImplementation(cmd: string, o: ProcessOptions): Promise<Implementation | { failure: string }> {
  const first = await connect(cmd, o);
  if ('failure' in first) return first;
  let child: Child | undefined = first.child;
  let restarts = 0;
  let gaveUp = '';
  const ensure = async (): Promise<Child | undefined> => {
    if (child && !child.exited) return child;
    if (gaveUp) return undefined;
    if (restarts >= (o.maxRestarts ?? 3)) {
      gaveUp = `adapter unavailable after ${restarts} restart(s)`;
      return undefined;
    }
    restarts++;
    const c = await connect(cmd, o);
    if ('failure' in c) {
      gaveUp = c.failure;
      return undefined;
    }
    child = c.child;
    return child;
  };
  /** One request, one response line of the wanted type (or a failure naming what went wrong). */
  const request = async (line: string, id: string, type: string): Promise<{ msg: Record<string, unknown> } | { failure: string }> => {
    const c = await ensure();
    if (!c) return { failure: gaveUp };
    const r = await exchange(c, line, o.timeoutMs);
    if ('failure' in r) return r;
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(r.line) as Record<string, unknown>;
    } catch {
      return { failure: `malformed response (not JSON): ${r.line.slice(0, 200)}` };
    }
    if (msg.id !== id) return { failure: `malformed response: id ${JSON.stringify(msg.id)} for request ${id}` };
    if (msg.type === 'error') return { failure: `the adapter reported an error: ${String(msg.message)}` };
    if (msg.type !== type) return { failure: `malformed response: ${r.line.slice(0, 200)}` };
    return { msg };
  };
  return {
    name: first.name,
    features: first.features,
    async run(req: Request) {
      const r = await request(JSON.stringify({ type: 'run', id: req.id, kind: req.kind, pre: req.pre, input: req.input }), req.id, 'result');
      if ('failure' in r) return r;
      if (r.msg.actual === undefined) return { failure: `malformed response: no actual result` };
      return { actual: r.msg.actual };
    },
    ...(first.features.includes(TRACE_FEATURE)
      ? {
          async trace(req: Request) {
            const r = await request(JSON.stringify({ type: 'trace', id: req.id, kind: req.kind, pre: req.pre, input: req.input }), req.id, 'trace');
            if ('failure' in r) return r;
            if (!Array.isArray(r.msg.traces)) return { failure: 'malformed trace response: no traces array' };
            return { traces: r.msg.traces as Traces };
          },
        }
      : {}),
    async close() {
      const c = child;
      if (!c || c.exited) return;
      c.proc.stdin.end(JSON.stringify({ type: 'bye' }) + '\n');
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          kill(c);
          resolve();
        }, 2000);
        c.proc.on('exit', () => {
          clearTimeout(t);
          resolve();
        });
        if (c.exited) {
          clearTimeout(t);
          resolve();
        }
      });
    },
  };
}
