import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { machineGraph, NO_GUARD, RULE_MAP, RULE_SUMMARIES, transitionRules } from './graph.js';
import { sessionMachine } from './machine.js';

interface Candidate {
  guard?: string;
  target?: string;
}
const config = sessionMachine.config as unknown as {
  states: Record<string, { type?: string; on?: Record<string, Candidate | Candidate[]>; always?: unknown }>;
};
const configStates = Object.keys(config.states);
const configEvents = [
  'create',
  ...new Set(Object.values(config.states).flatMap((s) => Object.keys(s.on ?? {}))),
  ...(Object.values(config.states).some((s) => s.always !== undefined) ? ['always'] : []),
];
const implementedGuards = Object.keys(sessionMachine.implementations.guards);
const implementedActions = Object.keys(sessionMachine.implementations.actions);

describe('RULE_MAP covers the machine (VIS-1: every transition is labelled with its rules)', () => {
  it('maps every state to at least one rule', () => {
    for (const state of configStates) expect(RULE_MAP.states, state).toHaveProperty([state]);
    for (const state of configStates)
      expect(RULE_MAP.states[state as keyof typeof RULE_MAP.states]).not.toEqual([]);
  });

  it('maps every event, create included, to at least one rule', () => {
    for (const event of configEvents) {
      expect(RULE_MAP.events, `event '${event}' has no entry in RULE_MAP.events`).toHaveProperty([event]);
      expect(RULE_MAP.events[event as keyof typeof RULE_MAP.events].length).toBeGreaterThan(0);
    }
  });

  it('maps every guard the machine implements to at least one rule', () => {
    for (const guard of implementedGuards) {
      expect(RULE_MAP.guards, `guard '${guard}' has no entry in RULE_MAP.guards`).toHaveProperty([guard]);
      expect(RULE_MAP.guards[guard as keyof typeof RULE_MAP.guards].length).toBeGreaterThan(0);
    }
  });

  it('has an entry (possibly empty) for every action, so a new effect is a conscious choice', () => {
    for (const action of implementedActions) {
      expect(RULE_MAP.actions, `action '${action}' has no entry in RULE_MAP.actions`).toHaveProperty([
        action,
      ]);
    }
  });

  it('gives every transition of the machine a rule through its event or guard, not only its actions', () => {
    const graph = machineGraph();
    expect(graph.transitions.length).toBeGreaterThan(configStates.length);
    for (const t of graph.transitions) {
      expect(transitionRules(t.event, t.guard, []), `${t.id} (${t.event} [${t.guard}])`).not.toEqual([]);
    }
  });

  it('names nothing the machine does not have (no stale entries)', () => {
    expect(Object.keys(RULE_MAP.states).sort()).toEqual([...configStates].sort());
    for (const key of Object.keys(RULE_MAP.events)) {
      const [event = '', guard] = key.split('/');
      expect(configEvents, key).toContain(event);
      if (guard !== undefined && guard !== NO_GUARD) expect(implementedGuards, key).toContain(guard);
    }
    expect(Object.keys(RULE_MAP.guards).sort()).toEqual([...implementedGuards].sort());
    expect(Object.keys(RULE_MAP.actions).sort()).toEqual([...implementedActions].sort());
  });

  it('has a one-line summary for every rule ID it uses', () => {
    const used = new Set(Object.values(RULE_MAP).flatMap((section) => Object.values(section).flat()));
    for (const id of used) {
      expect(id).toMatch(/^[A-Z]+-\d+$/);
      expect(RULE_SUMMARIES[id], `${id} has no summary`).toMatch(/\S/);
      expect(RULE_SUMMARIES[id]).not.toContain('\n');
    }
  });
});

describe('machineGraph reads the machine (VIS-1)', () => {
  const graph = machineGraph();

  it('has every state, with the terminal ones marked final (LC-1)', () => {
    expect(graph.states.map((s) => s.id)).toEqual(configStates);
    const finals = configStates.filter((s) => config.states[s]?.type === 'final');
    expect(graph.states.filter((s) => s.final).map((s) => s.id)).toEqual(finals);
    expect(finals.length).toBeGreaterThan(0);
  });

  it('has one transition per guarded candidate of the machine, plus create', () => {
    let candidates = 0;
    for (const [state, node] of Object.entries(config.states)) {
      for (const [event, spec] of Object.entries(node.on ?? {})) {
        const list = Array.isArray(spec) ? spec : [spec];
        candidates += list.length;
        list.forEach((c, n) => {
          const t = graph.transitions.find((x) => x.id === `edge-${state}-${event}-${n}`);
          expect(t, `${state} ${event} #${n}`).toMatchObject({
            source: state,
            event,
            guard: c.guard ?? null,
            target: c.target ?? state,
            internal: c.target === undefined,
          });
        });
      }
    }
    expect(graph.transitions).toHaveLength(candidates + 1);
    expect(graph.transitions[0]).toMatchObject({
      id: 'edge-initial-create-0',
      source: null,
      target: 'anonymous',
    });
    expect(graph.transitions[0]?.actions).toEqual(['issueToken', 'audit(created)']);
  });

  it('lists every guard, and the ones no transition uses as queries (LC-8 isFresh)', () => {
    expect([...graph.guards].sort()).toEqual([...implementedGuards].sort());
    expect(graph.queryGuards).toEqual(['isFresh']);
  });

  it('labels logout with LC-5 and the authenticate from anonymous with LC-2 (a user looks these up)', () => {
    expect(graph.transitions.find((t) => t.event === 'logout')?.rules).toContain('LC-5');
    expect(graph.transitions.find((t) => t.id === 'edge-anonymous-authenticate-0')?.rules).toEqual(
      expect.arrayContaining(['LC-2', 'LC-3', 'LC-7']),
    );
  });

  it('includes eventless (always) transitions, which toDirectedGraph leaves out', () => {
    const machine = createMachine({
      id: 'm',
      initial: 'a',
      states: {
        a: { always: [{ guard: 'ready', target: 'b' }, { target: 'c' }] },
        b: {},
        c: { type: 'final' },
      },
    });
    const always = machineGraph(machine).transitions.filter((t) => t.event === 'always');
    expect(always.map((t) => [t.id, t.source, t.target, t.guard])).toEqual([
      ['edge-a-always-0', 'a', 'b', 'ready'],
      ['edge-a-always-1', 'a', 'c', null],
    ]);
  });

  it('rejects a machine with no initial state with a TypeError', () => {
    const machine = createMachine({ id: 'flat' });
    expect(() => machineGraph(machine)).toThrow(TypeError);
  });
});
