import { describe, expect, it } from '@jest/globals';
import { modelOutcome, type ModelEnd } from '#containers/runner/src/outcome.js';

const end = (change: Partial<ModelEnd>): ModelEnd => ({
  code: 0,
  signal: null,
  log: { sawEndBanner: true },
  requireEndBanner: true,
  stopRequested: false,
  ...change,
});

describe("the runner's exit code from the model's end", () => {
  it('is 0 when GC Classic exits 0 after its end banner', () => {
    expect(modelOutcome(end({}))).toEqual({ exitCode: 0, message: 'the model finished' });
  });

  it('is 1 with the logged error when the model exits non-zero', () => {
    const outcome = modelOutcome(
      end({
        code: 1,
        log: { sawEndBanner: false, fatalError: 'GEOS-Chem ERROR: Error encountered in "Get_Met_2D"!' },
      }),
    );
    expect(outcome.exitCode).toBe(1);
    expect(outcome.message).toBe(
      'the model exited with code 1: GEOS-Chem ERROR: Error encountered in "Get_Met_2D"!',
    );
  });

  it('is 1 when the model exits 0 but logged a fatal error, or never printed the end banner', () => {
    expect(modelOutcome(end({ log: { sawEndBanner: true, fatalError: 'HEMCO ERROR: x' } })).exitCode).toBe(1);
    expect(modelOutcome(end({ log: { sawEndBanner: false } })).message).toMatch(/without printing/);
  });

  it('does not need the banner from GCHP', () => {
    expect(modelOutcome(end({ log: { sawEndBanner: false }, requireEndBanner: false })).exitCode).toBe(0);
  });

  it('is 1 when a signal killed the model, hinting at memory for SIGKILL', () => {
    expect(modelOutcome(end({ code: null, signal: 'SIGKILL' })).message).toMatch(
      /SIGKILL \(most often: out of memory\)/,
    );
  });

  it('is 143 when the job was told to stop', () => {
    expect(modelOutcome(end({ code: null, signal: 'SIGTERM', stopRequested: true })).exitCode).toBe(143);
  });
});
