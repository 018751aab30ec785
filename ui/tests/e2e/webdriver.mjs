// A minimal W3C WebDriver client over fetch: enough to drive the real app
// through tauri-driver and WebKitWebDriver without another dependency.

const ELEMENT = "element-6066-11e4-a6e0-4c4f3e2d9d0a";
export const KEYS = {
  ctrl: "\uE009",
  alt: "\uE00A",
  enter: "\uE007",
  tab: "\uE004",
  shift: "\uE008",
  escape: "\uE00C",
  arrowRight: "\uE014",
  arrowDown: "\uE015",
  release: "\uE000",
};

export class Driver {
  constructor(base, session) {
    this.base = base;
    this.session = session;
  }

  static async start(base, application, env = {}) {
    const res = await call(`${base}/session`, "POST", {
      capabilities: { alwaysMatch: { browserName: "wry", "tauri:options": { application, env } } },
    });
    return new Driver(base, res.sessionId ?? res.value.sessionId);
  }

  url(path) {
    return `${this.base}/session/${this.session}${path}`;
  }

  async find(css, { timeoutMs = 15_000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      try {
        const res = await call(this.url("/element"), "POST", { using: "css selector", value: css });
        return new Element(this, res.value[ELEMENT] ?? Object.values(res.value)[0]);
      } catch (e) {
        last = e;
        await sleep(150);
      }
    }
    throw new Error(`no element matches ${css}: ${last?.message}`);
  }

  /** The first element matching `css` whose trimmed text is `text`. */
  async findByText(css, text, { timeoutMs = 15_000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = await this.scriptWhileLoading(
        "return [...document.querySelectorAll(arguments[0])].find(e => e.textContent.trim() === arguments[1]) ?? null",
        [css, text],
      );
      if (found) return new Element(this, found[ELEMENT] ?? Object.values(found)[0]);
      await sleep(150);
    }
    throw new Error(`no ${css} reads "${text}"`);
  }

  /** Waits until some element matching `css` has text containing `text`. */
  async waitForText(css, text, { timeoutMs = 15_000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    let seen = "";
    while (Date.now() < deadline) {
      seen =
        (await this.scriptWhileLoading(
          "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText).join('\\n')",
          [css],
        )) ?? "";
      if (seen.includes(text)) return seen;
      await sleep(150);
    }
    throw new Error(`waited for "${text}" in ${css}; saw: ${seen.slice(0, 300)}`);
  }

  /** Presses keys on whatever has focus, as a person would: each item is
   *  a key, or an array of keys held together (a chord such as Ctrl+Enter). */
  async press(...keys) {
    const actions = [];
    for (const key of keys) {
      const chord = Array.isArray(key) ? key : [key];
      for (const k of chord) actions.push({ type: "keyDown", value: k });
      for (const k of [...chord].reverse()) actions.push({ type: "keyUp", value: k });
    }
    await call(this.url("/actions"), "POST", {
      actions: [{ type: "key", id: "keyboard", actions }],
    });
  }

  /** Types `text` on whatever has focus, one key at a time. */
  async typeText(text) {
    await this.press(...text);
  }

  /** Asks the app's backend directly, as the window does (a test's check, not a path the UI takes). */
  async invoke(command, args = {}) {
    return (
      await call(this.url("/execute/async"), "POST", {
        script:
          "const done = arguments[arguments.length - 1];" +
          "window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then((v) => done({ ok: v }), (e) => done({ err: e }));",
        args: [command, args],
      })
    ).value;
  }

  async script(body, args = []) {
    return (await call(this.url("/execute/sync"), "POST", { script: body, args })).value;
  }

  /** Like `script`, for polling loops: the page polled may be reloading
   *  (locking reloads the web view), and a script cut off by the unload
   *  answers `null` so the loop asks again. */
  async scriptWhileLoading(body, args = []) {
    try {
      return await this.script(body, args);
    } catch (e) {
      if (String(e).includes("unload")) return null;
      throw e;
    }
  }

  async setWindowSize(width, height) {
    await call(this.url("/window/rect"), "POST", { width, height });
  }

  async screenshot() {
    return Buffer.from((await call(this.url("/screenshot"), "GET")).value, "base64");
  }

  async quit() {
    await call(this.url(""), "DELETE").catch(() => {});
  }
}

class Element {
  constructor(driver, id) {
    this.driver = driver;
    this.id = id;
  }
  url(path) {
    return this.driver.url(`/element/${this.id}${path}`);
  }
  async type(text) {
    await call(this.url("/value"), "POST", { text });
  }
  async click() {
    await call(this.url("/click"), "POST", {});
  }
  async text() {
    return (await call(this.url("/text"), "GET")).value;
  }
}

async function call(url, method, body) {
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok)
    throw new Error(
      `${method} ${url}: ${res.status} ${JSON.stringify(json.value ?? json).slice(0, 300)}`,
    );
  return json;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
