import { describe, expect, it } from 'vitest';
import { lifecycleFailureReport } from '../../test/visualize/report.js';
import { traceFromReport } from './trace.js';

describe('--trace: a lifecycle failure read back from the kit report (CK-4, CK-9)', () => {
  it('reads the failed CK-4 rule, its rotation grace and its steps', async () => {
    const report = JSON.parse(JSON.stringify(await lifecycleFailureReport()));
    const failed = report.rules.find((r: { id: string }) => r.id === 'CK-4.walks');
    expect(failed.status).toBe('fail');
    const trace = traceFromReport(report);
    expect(trace.rule).toBe('CK-4.walks');
    expect(trace.message).toBe(failed.message);
    const grace = (failed.counterexample as string[]).find((l) => l.startsWith('rotationGrace='));
    expect(`rotationGrace=${trace.run.rotationGrace}`).toBe(grace);
    // Every reported step but the creation, in order.
    expect(trace.steps.length).toBe(
      failed.counterexample.filter((l: string) => l.startsWith('T+')).length - 1,
    );
    expect(trace.steps.length).toBeGreaterThan(0);
  });

  it('says what is wrong with a file that is not a report, or a report without a lifecycle failure', () => {
    expect(() => traceFromReport({ hello: 1 })).toThrow(/not a conformance report/);
    expect(() => traceFromReport(null)).toThrow(TypeError);
    const passing = {
      rules: [
        { id: 'CK-4.paths', status: 'pass' },
        { id: 'ST-1', status: 'fail' },
      ],
    };
    expect(() => traceFromReport(passing)).toThrow(/no failed lifecycle rule \(CK-4\).*failed rules: ST-1/);
    const garbled = {
      rules: [{ id: 'CK-4.walks', status: 'fail', counterexample: ['T+0 create', 'T+x nonsense'] }],
    };
    expect(() => traceFromReport(garbled)).toThrow(/not a lifecycle step: 'T\+x nonsense'/);
  });
});
