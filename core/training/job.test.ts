import { describe, expect, it } from 'vitest';
import { shouldPromote, type ValidationMetrics } from './job';

const m = (name: string, value: number): ValidationMetrics => ({ primary: { name, value }, n: 40 });

describe('shouldPromote', () => {
  it('promotes only a strictly better version on the same primary metric', () => {
    expect(shouldPromote(m('ap50', 0.61), m('ap50', 0.6))).toBe(true);
    expect(shouldPromote(m('ap50', 0.6), m('ap50', 0.6))).toBe(false);
    expect(shouldPromote(m('ap50', 0.5), m('ap50', 0.6))).toBe(false);
  });
  it('does not compare different metrics, and promotes when nothing is measured yet', () => {
    expect(shouldPromote(m('f1', 0.9), m('ap50', 0.6))).toBe(false);
    expect(shouldPromote(m('f1', 0.1), undefined)).toBe(true);
  });
});
