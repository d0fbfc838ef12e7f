/**
 * The mutation check of the lifecycle rules: each rule of `spec/rules.ts` (and each effect handler that
 * carries one out) is broken on purpose, one small change at a time, and the tests named for it must
 * fail. A mutation that every named test survives means a rule that is not pinned where it is used.
 *
 * The mutations are made in a copy of the sources (the working tree is never touched); each named test
 * runs alone, so the check costs a few vitest runs per mutation. Run it with `npx tsx test/mutations.ts`
 * (CI does, see `.ci/run`); it prints each mutation, the tests that killed it, and exits 1 on any
 * survivor or on a mutation that no longer applies to the source.
 *
 * @packageDocumentation
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** A test that must fail under a mutation: the tests of a file whose full name contains `name`. */
interface Killer {
  file: string;
  name: string;
}

/** One small change to one source file. */
interface Mutation {
  /** A short name. */
  id: string;
  /** The rule the change breaks. */
  rule: string;
  file: string;
  /** The exact text to replace: it must occur exactly once in the file. */
  from: string;
  to: string;
  /** Every one of these must fail. */
  killers: Killer[];
}

/** The table tests of a rule in `spec/rules.test.ts`, by the name of their `describe`. */
const rules = (name: string): Killer => ({ file: 'spec/rules.test.ts', name });
const CREDENTIAL = rules('CC-6, ID-5: the credential check');
const ENDED = rules('has ended');
const EXPIRY = rules('LC-7: expiresAt =');
const COOKIE = rules('LC-7: when a cookie is sent');
const WRITES_NOTHING = rules('which calls write nothing');
const RING = rules('CC-6, ID-3: the ring of retired secrets');

/** The catalog: at least one mutation per rule of `spec/rules.ts`. */
export const MUTATIONS: Mutation[] = [
  {
    id: 'grace-comparison',
    rule: 'CC-6 credential check: the window is open while now < previousUntil',
    file: 'spec/rules.ts',
    from: 'return context.previousUntil !== null && now < context.previousUntil;',
    to: 'return context.previousUntil !== null && now <= context.previousUntil;',
    killers: [
      CREDENTIAL,
      { file: 'spec/machine.test.ts', name: 'CC-6' },
      { file: 'src/commit.test.ts', name: 'at the end of the window' },
    ],
  },
  {
    id: 'ring-forgotten',
    rule: 'CC-6, ID-3: a secret the ring remembers is an old secret of the session, not one it never had',
    file: 'spec/rules.ts',
    from: "return retirementOf(hash, context, equal) === null ? null : 'retired';",
    to: 'return null;',
    killers: [RING, { file: 'src/credentials.test.ts', name: 'a secret two rotations old is reuse' }],
  },
  {
    id: 'reuse-ends-for-any-reason',
    rule: 'CC-6: only a secret that plain rotations alone separate from the current one may end the session',
    file: 'spec/rules.ts',
    from: "return retirement.separatedBy === 'r' && now >= retirement.until + margin;",
    to: 'return now >= retirement.until + margin;',
    killers: [RING, { file: 'src/credentials.test.ts', name: 'a secret retired by logout never triggers' }],
  },
  {
    id: 'ring-era-ignored',
    rule: 'CC-6: a secret from before a login, logout or credential change never ends the session',
    file: 'spec/rules.ts',
    from: "if (separatedBy === 'r') separatedBy = retired.reason;",
    to: '',
    killers: [
      RING,
      { file: 'src/credentials.test.ts', name: 'rotated away before the login is anonymous-era' },
    ],
  },
  {
    id: 'credential-without-grace',
    rule: 'CC-6 credential check: the previous secret is accepted inside its window',
    file: 'spec/rules.ts',
    from: "return presented === 'current' || (presented === 'previous' && graceOpen(context, now));",
    to: "return presented === 'current';",
    killers: [
      CREDENTIAL,
      { file: 'src/commit.test.ts', name: 'inside the window the grace write is re-applied' },
    ],
  },
  {
    id: 'has-ended-drops-destroyed',
    rule: 'LC-1, LC-6 "has ended": expired and destroyed are terminal',
    file: 'spec/rules.ts',
    from: "return state === 'expired' || state === 'destroyed';",
    to: "return state === 'expired';",
    killers: [
      ENDED,
      { file: 'src/session.test.ts', name: 'after an ending in the request every data call fails' },
      { file: 'src/commit.test.ts', name: 'a destroy queued with saves wins' },
    ],
  },
  {
    id: 'expiry-formula',
    rule: 'LC-7 expiresAt = min(lastSeenAt + idleTimeout, absoluteDeadline)',
    file: 'spec/rules.ts',
    from: 'return Math.min(idleDeadline(context), context.absoluteDeadline);',
    to: 'return Math.max(idleDeadline(context), context.absoluteDeadline);',
    killers: [EXPIRY, { file: 'src/session.test.ts', name: 'LC-7: expiresAt = min' }],
  },
  {
    id: 'idle-deadline',
    rule: 'LC-7 idle deadline = lastSeenAt + idleTimeout (the machine guard idleExpired)',
    file: 'spec/rules.ts',
    from: 'return context.lastSeenAt + context.idleTimeout;',
    to: 'return context.lastSeenAt + context.idleTimeout + 1;',
    killers: [
      EXPIRY,
      { file: 'spec/machine.test.ts', name: 'idle' },
      { file: 'src/session.test.ts', name: 'LC-7: idle timeout' },
    ],
  },
  {
    id: 'persistent-cookie-not-resent',
    rule: 'LC-7 a persistent cookie is sent again when a write moves its expiry',
    file: 'spec/rules.ts',
    from: 'return issued || (after.persistent && after.expiresAt !== before?.expiresAt);',
    to: 'return issued || (after.persistent && after.expiresAt === before?.expiresAt);',
    killers: [COOKIE, { file: 'src/session.test.ts', name: 'a touch re-sends a persistent cookie' }],
  },
  {
    id: 'cookie-max-age',
    rule: "LC-7 a persistent cookie's Max-Age is floor((expiresAt - now) / 1000)",
    file: 'spec/rules.ts',
    from: 'Math.floor((after.expiresAt - now) / 1000)',
    to: 'Math.ceil((after.expiresAt - now) / 1000)',
    killers: [COOKIE, { file: 'src/session.test.ts', name: 'Max-Age counts whole seconds down' }],
  },
  {
    id: 'logout-without-user-writes',
    rule: 'SEC-6 which calls write nothing: logout without a user is ignored',
    file: 'spec/rules.ts',
    from: "return event === 'logout' ? 'ignore' : 'not-authenticated';",
    to: "return event === 'logout' ? 'step' : 'not-authenticated';",
    killers: [
      WRITES_NOTHING,
      { file: 'src/session.test.ts', name: 'logout without a user and a second destroy write nothing' },
      { file: 'src/manager.test.ts', name: 'SEC-6: logout or destroy without a live session' },
    ],
  },
  {
    id: 'second-destroy-fails',
    rule: 'SEC-6, LC-6 which calls write nothing: ending an ended session is ignored',
    file: 'spec/rules.ts',
    from: "return event === 'destroy' || event === 'logout' ? 'ignore' : 'ended';",
    to: "return event === 'logout' ? 'ignore' : 'ended';",
    killers: [
      WRITES_NOTHING,
      { file: 'src/session.test.ts', name: 'logout without a user and a second destroy write nothing' },
    ],
  },
  {
    id: 'clear-cookie-ignored',
    rule: 'LC-6 the clearCookie effect clears the cookie',
    file: 'src/effects.ts',
    from: "    plan.cookie = 'clear';",
    to: '',
    killers: [{ file: 'src/session.test.ts', name: 'after an ending in the request' }],
  },
  {
    id: 'accept-previous-ignored',
    rule: 'CC-6 the acceptPrevious effect enters grace (no lifecycle calls, no cookie)',
    file: 'src/effects.ts',
    from: "    plan.credential = 'grace';",
    to: '',
    killers: [
      { file: 'src/session.test.ts', name: 'CC-6: the old secret reads and writes inside the window' },
    ],
  },
];

/** @internal Occurrences of `needle` in `text`. */
function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** @internal A test result of vitest's JSON report. */
interface TestResult {
  fullName: string;
  status: string;
}

/** @internal Escape text for a regular expression. */
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * @internal Run the killers' files once, filtered to the killers' names; for each killer, whether at
 * least one of its tests ran and whether one failed.
 */
function runKillers(sandbox: string, killers: readonly Killer[]): { ran: number; failed: boolean }[] {
  const files = [...new Set(killers.map((k) => k.file))];
  const pattern = killers.map((k) => `(${escapeRegExp(k.name)})`).join('|');
  const run = spawnSync('npx', ['vitest', 'run', ...files, '--reporter=json', '-t', pattern], {
    cwd: sandbox,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as {
    testResults: { name: string; assertionResults: TestResult[] }[];
  };
  return killers.map((killer) => {
    const file = report.testResults.find((r) => r.name.endsWith(`/${killer.file}`));
    const mine = (file?.assertionResults ?? []).filter(
      (t) => t.status !== 'skipped' && t.status !== 'pending' && t.fullName.includes(killer.name),
    );
    return { ran: mine.length, failed: mine.some((t) => t.status === 'failed') };
  });
}

/** @internal A copy of the sources the tests need, with the project's node_modules linked in. */
function makeSandbox(root: string): string {
  const sandbox = mkdtempSync(join(tmpdir(), 'sessionspec-mutations-'));
  for (const entry of ['spec', 'src', 'adapters', 'conformance', 'test', 'package.json', 'tsconfig.json']) {
    cpSync(join(root, entry), join(sandbox, entry), { recursive: true });
  }
  writeFileSync(
    join(sandbox, 'vitest.config.ts'),
    "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { testTimeout: 60_000 } });\n",
  );
  symlinkSync(join(root, 'node_modules'), join(sandbox, 'node_modules'), 'dir');
  return sandbox;
}

/** Apply every mutation in a sandbox and report; exits 1 on a survivor. */
function main(): void {
  const root = resolve(import.meta.dirname, '..');
  const sandbox = makeSandbox(root);
  const problems: string[] = [];
  const started = Date.now();
  try {
    for (const m of MUTATIONS) {
      const path = join(sandbox, m.file);
      const original = readFileSync(path, 'utf8');
      const n = count(original, m.from);
      if (n !== 1) {
        problems.push(`${m.id}: the text to mutate occurs ${n} times in ${m.file}, expected once`);
        continue;
      }
      writeFileSync(path, original.replace(m.from, m.to));
      try {
        const survivors: string[] = [];
        const results = runKillers(sandbox, m.killers);
        m.killers.forEach((killer, i) => {
          const { ran, failed } = results[i]!;
          const label = `${killer.file} "${killer.name}"`;
          if (ran === 0) problems.push(`${m.id}: ${label} ran no test`);
          else if (!failed) survivors.push(label);
          console.log(`  ${failed ? 'killed by' : 'SURVIVED'} ${label}`);
        });
        console.log(`${survivors.length === 0 ? 'killed  ' : 'SURVIVED'} ${m.id} (${m.rule})`);
        if (survivors.length > 0) problems.push(`${m.id} survived ${survivors.join(', ')}`);
      } finally {
        writeFileSync(path, original);
      }
    }
  } finally {
    rmSync(sandbox, { recursive: true, force: true });
  }
  console.log(`${MUTATIONS.length} mutations in ${Math.round((Date.now() - started) / 1000)} s`);
  if (problems.length > 0) {
    console.error(`mutation check failed:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
}

main();
