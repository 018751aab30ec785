// Keeping what was typed when the values underneath change: importing a
// helpline profile changes some settings (its key, time zone, signposting)
// while the Settings screen may hold edits not saved yet.

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The values to show after the backend's copy moved from `saved` to
 * `fresh` while the screen held `edited`: each value the backend changed is
 * its new one; each value only the screen changed keeps the edit.
 */
export function keepEdits<T extends object>(saved: T, edited: T, fresh: T): T {
  const out = { ...fresh };
  for (const key of Object.keys(fresh) as (keyof T)[]) {
    if (!same(edited[key], saved[key]) && same(fresh[key], saved[key])) out[key] = edited[key];
  }
  return out;
}
