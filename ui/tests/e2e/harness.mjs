// What every real-app test file needs: tauri-driver started on its own
// temporary store, the app driven through it, the CLI to check the store
// afterwards, and a clean stop (see stopApp).
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Driver, KEYS, sleep } from "./webdriver.mjs";

export const APP = process.env.QUIETLINE_APP_BIN;
export const CLI = process.env.QUIETLINE_CLI_BIN;
export const PASSPHRASE = "kettle morning oxbow lantern";
const PORT = 4444;

async function waitForDriver() {
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${PORT}/status`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error("tauri-driver did not start");
}

/** Runs the CLI on the store in `dir`; returns its stdout, failing on a non-zero exit. */
export function cli(dir, ...args) {
  const run = spawnSync(CLI, ["--store", dir, ...args], {
    env: { ...process.env, QUIETLINE_PASSPHRASE: PASSPHRASE },
    encoding: "utf8",
  });
  assert.equal(run.status, 0, `quietline ${args.join(" ")}: ${run.stderr}`);
  return run.stdout;
}

/**
 * Starts tauri-driver and the app on a new temporary store (or one the
 * CLI has just created), with `env` added to the app's environment.
 * Returns `{ driver, root, store, stop }`; `stop()` ends both and removes
 * the store.
 */
export async function startApp({ created = false, env = {} } = {}) {
  assert.ok(APP && CLI, "set QUIETLINE_APP_BIN and QUIETLINE_CLI_BIN (scripts/e2e.sh does)");
  const root = mkdtempSync(join(tmpdir(), "quietline-e2e-"));
  const store = join(root, "store");
  // With `created`, the store exists (made by the CLI) and the app opens on Unlock.
  if (created) cli(store, "init");
  const driverProcess = spawn("tauri-driver", ["--port", String(PORT)], {
    env: { ...process.env, ...env, QUIETLINE_STORE: store },
    stdio: ["ignore", "inherit", "inherit"],
  });
  await waitForDriver();
  const driver = await Driver.start(`http://127.0.0.1:${PORT}`, APP);
  async function stop() {
    await driver.quit();
    await stopApp(store);
    driverProcess.kill();
    rmSync(root, { recursive: true, force: true });
  }
  return { driver, root, store, stop };
}

/** Processes of this run's app: the app binary, started with this run's store. */
function appProcesses(store) {
  const exe = realpathSync(APP);
  const marker = `QUIETLINE_STORE=${store}`;
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return (
          readlinkSync(`/proc/${pid}/exe`) === exe &&
          readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(marker)
        );
      } catch {
        return false; // gone, or not ours to read
      }
    })
    .map(Number);
}

/**
 * Ending the session should close the app, but if tauri-driver is stopped
 * before WebKitWebDriver has done so, the app lives on holding this
 * runner's stdout, and the test run never ends. Wait for it, then stop it.
 */
async function stopApp(store) {
  const deadline = Date.now() + 10_000;
  while (appProcesses(store).length > 0 && Date.now() < deadline) await sleep(200);
  for (const pid of appProcesses(store)) {
    console.log(`# the app (pid ${pid}) outlived its session; stopping it`);
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** Presses a button from the keyboard, as a volunteer who tabs to it
 *  would (a pointer click can land on the bar Settings keeps in view). */
export async function activate(driver, id) {
  await driver.find(`#${id}`);
  await driver.script("document.getElementById(arguments[0]).focus(); return true", [id]);
  await driver.press(KEYS.enter);
}

/** Replaces what a text box holds with `text`. */
export async function retype(element, text) {
  await element.type(KEYS.ctrl + "a" + KEYS.release + KEYS.release);
  await element.type(text);
}

/** Logs a call with the CLI on `day` (noon, UK summer time) naming `theme`. */
export function logCall(dir, day, theme = "wellbeing.workload") {
  cli(
    dir,
    "log",
    "--at",
    `${day}T12:00:00+01:00`,
    "--minutes",
    "20",
    "--role",
    "headteacher",
    "--setting",
    "primary",
    "--region",
    "london",
    "--theme",
    theme,
    "--risk",
    "low",
  );
}
