import { describe, expect, it } from 'vitest';
import { ReplyRouter } from '../../src/page/replies.js';
import { WorkerCrashedError } from '../../src/shared/errors.js';
import type { PredictOutcome } from '../../src/shared/protocol.js';

describe('ReplyRouter', () => {
  it('hands each outcome posted on its port to the call waiting for it', async () => {
    const router = new ReplyRouter();
    const heard: Array<[number, PredictOutcome]> = [];
    router.expect([1, 2], (outcomes) => heard.push(...outcomes));
    const outcome: PredictOutcome = { results: [] };
    router.port.postMessage([[2, outcome]]);
    router.port.postMessage([[9, outcome]]); // no call waits for 9: dropped
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(heard).toEqual([[2, outcome]]);
    router.close(new WorkerCrashedError('gone'));
  });

  it('fails the calls still waiting when it closes for a dead worker', () => {
    const router = new ReplyRouter();
    const heard: Array<[number, PredictOutcome]> = [];
    router.expect([1, 2], (outcomes) => heard.push(...outcomes));
    router.forget([2]);
    router.close(new WorkerCrashedError('the webinfer worker stopped'));
    expect(heard).toHaveLength(1);
    expect(heard[0]?.[0]).toBe(1);
    expect(heard[0]?.[1]).toMatchObject({ error: { message: 'the webinfer worker stopped' } });
  });
});
