import { describe, expect, it } from 'vitest';
import { LEGAL_HOLD_TAG, namesLegalHold } from './legal-hold.js';

describe('namesLegalHold', () => {
  it('finds the tag as a key, in a list of tags and in a map of tags', () => {
    expect(namesLegalHold([{ run_id: 'r', key: LEGAL_HOLD_TAG, value: 'case 12' }])).toBe(true);
    expect(
      namesLegalHold([
        {
          tags: [
            { key: 'team', value: 'a' },
            { key: LEGAL_HOLD_TAG, value: 'x' },
          ],
        },
      ]),
    ).toBe(true);
    expect(namesLegalHold([{ tags: { [LEGAL_HOLD_TAG]: 'x' } }])).toBe(true);
    expect(namesLegalHold([undefined, {}, { experimentId: '1', key: LEGAL_HOLD_TAG }])).toBe(true);
  });

  it('leaves other tags, values that mention it and malformed parts alone', () => {
    expect(namesLegalHold([{ key: 'team', value: LEGAL_HOLD_TAG }])).toBe(false);
    expect(namesLegalHold([{ tags: [{ key: 'note', value: LEGAL_HOLD_TAG }] }])).toBe(false);
    expect(namesLegalHold([{ tags: { note: LEGAL_HOLD_TAG } }])).toBe(false);
    expect(namesLegalHold([{ key: 'mnemo.legal_hold ' }, { key: 'MNEMO.LEGAL_HOLD' }])).toBe(false);
    expect(namesLegalHold([null, 'mnemo.legal_hold', 3, { tags: 'x' }, { tags: [null, 'x'] }])).toBe(false);
  });
});
