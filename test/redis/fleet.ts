import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Flavour } from './helpers.js';

/** One child process of the fleet, driven over IPC. */
export interface Member {
  /** Sends a command and waits for the reply. */
  ask<T = { fetched: number }>(command: object): Promise<T>;
  /** Every message the child sent that was not a reply (listener counts, timings…). */
  exit(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./fleet-child.ts', import.meta.url));

/** Starts one fleet member (a `tsx` child process) and waits until it listens on the bus. */
export async function startMember(setup: {
  url: string;
  flavour: Flavour;
  namespace: string;
  secrets: Record<string, string>;
  latencyMs?: number;
  encryptionKey: string;
  cluster?: readonly { host: string; port: number }[];
  aws?: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
}): Promise<Member> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, JSON.stringify({ latencyMs: 0, ...setup })],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  );
  const replies: ((message: unknown) => void)[] = [];
  child.on('message', (message) => replies.shift()?.(message));
  const next = (): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`fleet member exited (${code})`));
      child.once('exit', exited);
      replies.push((message) => {
        child.off('exit', exited);
        resolve(message);
      });
    });
  await next();
  return {
    ask<T>(command: object) {
      const answer = next() as Promise<T>;
      child.send(command);
      return answer;
    },
    async exit() {
      if (child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.send({ op: 'exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
