// The call timer's arithmetic. A call that has started counts as at least
// a minute: a 20-second call was still a call.

export function minutesBetween(startMs: number, endMs: number): number {
  const ms = Math.max(0, endMs - startMs);
  return Math.max(1, Math.round(ms / 60_000));
}

/** "4:05", or "1:02:09" past the hour. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}
