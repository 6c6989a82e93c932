/**
 * The repository carries its own copy of Meta's documentation samples (test/fixtures/meta-docs), so
 * a clone on a hosted CI runner has them. Where the workplace's originals sit beside the repository
 * (../shared/fixtures/meta-docs, as on our machines), the copy must match them file for file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { META_FIXTURES } from '../../support/meta-fixtures.ts';

const ORIGINALS = path.resolve(import.meta.dirname, '../../../../shared/fixtures/meta-docs');

describe("the repository's copy of Meta's samples", () => {
  it('has the samples', () => {
    expect(readdirSync(META_FIXTURES).length).toBeGreaterThan(50);
  });

  it.skipIf(!existsSync(ORIGINALS))('matches the workplace originals file for file', () => {
    const names = readdirSync(ORIGINALS).sort();
    expect(readdirSync(META_FIXTURES).sort()).toEqual(names);
    const differing = names.filter((n) => !readFileSync(path.join(ORIGINALS, n)).equals(readFileSync(path.join(META_FIXTURES, n))));
    expect(differing).toEqual([]);
  });
});
