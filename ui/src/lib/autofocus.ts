// Where typing goes when a screen is shown: the cursor lands in the
// screen's first field, marked `data-autofocus`, so a volunteer on the phone
// can type at once. Screens load their data after they appear, so the field
// may come later than the screen: until it does, the screen's h1 holds the
// focus (a screen reader hears where it is), and the field takes it as soon
// as it is there, unless the volunteer has moved the focus meanwhile.

const WAIT_MS = 5000;

/**
 * Focuses the first element in `container` that matches `selector` (by
 * default `[data-autofocus]`), now or as soon as it appears; meanwhile the
 * container's h1, made focusable with tabindex="-1". Gives up after a few
 * seconds, or once the volunteer clicks or moves the focus. Returns a
 * function that stops waiting.
 */
export function focusFirstField(container: HTMLElement, selector = "[data-autofocus]"): () => void {
  /** Where the focus was when the screen was chosen, or the h1 we put it on. */
  let ours: Element | null = document.activeElement;
  let stopped = false;

  const untouched = () => {
    const now = document.activeElement;
    return now === null || now === document.body || now === ours || !now.isConnected;
  };

  function attempt() {
    if (stopped) return;
    if (!untouched()) {
      stop();
      return;
    }
    const field = container.querySelector<HTMLElement>(selector);
    if (field) {
      field.focus();
      if (document.activeElement === field) {
        stop();
        return;
      }
    }
    const heading = container.querySelector<HTMLElement>("h1");
    if (
      heading &&
      document.activeElement !== heading &&
      (!field || document.activeElement !== field)
    ) {
      if (!heading.hasAttribute("tabindex")) heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
      ours = heading;
    }
  }

  const observer = new MutationObserver(attempt);
  observer.observe(container, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["data-autofocus", "disabled", "id"],
  });
  const timer = setTimeout(stop, WAIT_MS);
  // A click anywhere is the volunteer choosing where to be, even on a spot
  // that takes no focus.
  document.addEventListener("pointerdown", stop, true);

  function stop() {
    stopped = true;
    observer.disconnect();
    clearTimeout(timer);
    document.removeEventListener("pointerdown", stop, true);
  }

  attempt();
  return stop;
}
