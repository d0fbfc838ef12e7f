import { expect, test } from 'vitest';
import { measureRaceDetection } from '../test/race-detection.js';

// CK-5, CK-6: each planted race is caught at the quick profile on every one of these fixed seeds. The
// rate over 100 seeds (at least 95 each) is measured by `npx tsx test/race-detection.ts 100`.
test('CK-6: the quick profile catches every race mutant on each of 8 fixed seeds', async () => {
  const detections = await measureRaceDetection([1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007]);
  for (const d of detections)
    expect(`${d.rule} ${d.mutant}: ${d.caught}/${d.seeds}`).toBe(`${d.rule} ${d.mutant}: 8/8`);
});
