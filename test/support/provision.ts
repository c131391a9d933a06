// Global setup of the integration project: the servers these tests start must be installed. When one is missing and
// this runs as root on Debian or Ubuntu, it is installed with apt-get (as on CI); otherwise the run stops at once and
// says exactly what to install, instead of failing test by test.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

interface Need {
  readonly what: string;
  readonly found: () => boolean;
  readonly debian: string;
  readonly macos: string;
}

function onPath(file: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, file)));
}

/** PostgreSQL's server tools: Debian keeps them in /usr/lib/postgresql/<major>/bin, other systems on PATH. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const majors = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (majors[0] !== undefined) return join(root, majors[0], 'bin');
  }
  const dir = (process.env.PATH ?? '')
    .split(delimiter)
    .find((d) => d !== '' && existsSync(join(d, 'initdb')) && existsSync(join(d, 'postgres')));
  return dir;
}

const needs: Need[] = [
  {
    what: 'redis-server (with redis-cli)',
    found: () => onPath('redis-server') && onPath('redis-cli'),
    debian: 'redis-server',
    macos: 'brew install redis',
  },
  {
    what: "PostgreSQL's server (initdb, postgres)",
    found: () => postgresBinDir() !== undefined,
    debian: 'postgresql',
    macos: 'brew install postgresql@16 (and put its bin folder on PATH)',
  },
  {
    what: 'openssl (certificates for the TLS tests)',
    found: () => onPath('openssl'),
    debian: 'openssl',
    macos: 'brew install openssl',
  },
  {
    what: 'python3 (a real program whose output `secret-refs run` masks)',
    found: () => onPath('python3'),
    debian: 'python3',
    macos: 'brew install python',
  },
];

export default function provision(): void {
  const missing = needs.filter((need) => !need.found());
  if (missing.length === 0) return;
  const packages = missing.map((need) => need.debian);
  const canInstall = process.getuid?.() === 0 && onPath('apt-get');
  if (canInstall) {
    console.info(`Installing ${packages.join(' ')} for the integration tests (apt-get, as root)…`);
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', ...packages], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const still = missing.filter((need) => !need.found());
    if (still.length === 0) return;
    missing.splice(0, missing.length, ...still);
  }
  const lines = missing.map(
    (need) =>
      `  - ${need.what}: Debian/Ubuntu \`apt-get install -y ${need.debian}\`; macOS \`${need.macos}\``,
  );
  throw new Error(
    `The integration tests start real servers, and these are not installed:\n${lines.join('\n')}\n` +
      'Install them and run the tests again (`npm run test:unit` runs the tests that need no server).',
  );
}
