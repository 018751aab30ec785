// Lets a screen with unsaved edits ask before the volunteer leaves it
// (another screen from the menu, or locking), as draft.ts lets the lock
// write the call being logged. The screen registers a check that answers
// whether leaving may go ahead, after asking the volunteer if it must.

type LeaveCheck = () => Promise<boolean>;

let check: LeaveCheck | null = null;

/** Registers the shown screen's check; returns a function that removes it. */
export function registerLeaveCheck(next: LeaveCheck): () => void {
  check = next;
  return () => {
    if (check === next) check = null;
  };
}

/** Whether the shown screen may be left now. A check that fails lets go. */
export async function mayLeave(): Promise<boolean> {
  if (!check) return true;
  return check().catch(() => true);
}
