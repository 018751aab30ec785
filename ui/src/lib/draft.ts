// Lets the lock button write the draft at once instead of waiting for the
// typing pause, so locking mid-sentence keeps the last words too.

let flusher: (() => Promise<void>) | null = null;

export function registerDraftFlush(flush: (() => Promise<void>) | null): void {
  flusher = flush;
}

export async function flushDraft(): Promise<void> {
  if (flusher) await flusher().catch(() => {});
}
