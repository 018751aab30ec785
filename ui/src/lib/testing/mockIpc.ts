// An in-memory stand-in for the Tauri backend, for the browser tests
// (`vite build --mode mock`). It keeps its state in sessionStorage so that
// the reload on lock behaves as in the app. It mimics the backend's
// answers; the rules themselves are tested in Rust.
import type { AppError } from "../bindings/AppError";
import type { AppSettings } from "../bindings/AppSettings";
import type { CallForm } from "../bindings/CallForm";
import type { CallRow } from "../bindings/CallRow";
import type { ExportFormat } from "../bindings/ExportFormat";
import type { ReportRequest } from "../bindings/ReportRequest";
import type { ReportView } from "../bindings/ReportView";
import type { Vocabulary } from "../bindings/Vocabulary";
import type { Backend } from "../contract";
import vocabularyJson from "./vocabulary.json";
// Real library output (see `export_reports_for_the_browser_tests`): 2024,
// calendar and academic, without suppression and with K = 5.
import reportsJson from "./reports.json";

const vocabulary = vocabularyJson as Vocabulary;
const reports = reportsJson as unknown as Record<string, ReportView>;
/** Folders that exist on the pretend computer. */
const FOLDERS = ["/home/coordinator", "/home/coordinator/Documents"];
const KEY = "quietline-mock";
const RECOVERY_KEY = "GCKU-IN46-P5OE-MRMK-FZOZ-6OQQ-D6OV-DXHE";

interface StoredCall { id: string; form: CallForm; loggedAt: string }
interface SavedReport { path: string; format: ExportFormat; narrative: string[] }
interface MockState {
  exists: boolean;
  unlocked: boolean;
  demo: boolean;
  passphrase: string;
  calls: StoredCall[];
  draft: CallForm | null;
  settings: AppSettings;
  saved: SavedReport[];
  log: string[];
}

function initial(): MockState {
  const mode = new URLSearchParams(location.search).get("store") ?? "none";
  const state: MockState = {
    exists: mode !== "none",
    unlocked: mode === "unlocked",
    demo: false,
    passphrase: "correct horse battery staple",
    calls: [],
    draft: null,
    settings: {
      display_name: "",
      time_zone: "Europe/London",
      idle_lock_minutes: 5,
      signposting: [
        { name: "Samaritans", contact: "116 123" },
        { name: "Education Support", contact: "08000 562 561" },
        { name: "NHS 111", contact: "option 2 (mental health)" },
        { name: "Emergency services", contact: "999" },
      ],
    },
    saved: [],
    log: [],
  };
  if (new URLSearchParams(location.search).has("calls")) {
    state.calls = sampleCalls();
  }
  return state;
}

function load(): MockState {
  const saved = sessionStorage.getItem(KEY);
  return saved ? (JSON.parse(saved) as MockState) : initial();
}

let state = load();
const save = () => sessionStorage.setItem(KEY, JSON.stringify(state));
save();

function fail(code: AppError["code"], message: string, field: string | null = null): never {
  throw { code, message, field } satisfies AppError;
}

function requireUnlocked() {
  if (!state.unlocked) fail("locked", "Quietline is locked. Unlock it with your passphrase to carry on.");
}

function localNow(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function blankForm(): CallForm {
  return {
    started_at: localNow(), duration_minutes: "", call_type: "substantive", role: "", setting: "",
    employer: "", region: "", caller_type: "unknown", themes: [], risk: "none",
    safeguarding: {
      asked_directly_about_suicide: false, plan_discussed: false, means_discussed: false,
      timeframe_discussed: false, emergency_services_called: false, signposted: [],
      coordinator_consulted: false, coordinator_consulted_at: "", other_steps: [],
    },
    follow_up_needed: false, follow_up_due: "", follow_up_done: false, notes: "",
  };
}

function check(form: CallForm) {
  const quiet = form.call_type !== "substantive";
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(form.started_at)) fail("invalid", "Enter when the call started: a date and a time", "started_at");
  if (!quiet && form.duration_minutes.trim() === "") fail("invalid", "Enter how long the call lasted, in minutes (or use the call timer)", "duration_minutes");
  if (!/^\d*$/.test(form.duration_minutes.trim())) fail("invalid", `'${form.duration_minutes}' is not a number of minutes; enter whole minutes, such as 25`, "duration_minutes");
  if (!quiet && !form.role) fail("invalid", "Choose the caller's role", "role");
  if (!quiet && !form.setting) fail("invalid", "Choose the type of setting", "setting");
  if (!quiet && !form.region) fail("invalid", "Choose the region", "region");
  if (!quiet && form.themes.length === 0) fail("invalid", "Themes: a substantive call needs at least one theme", "themes");
}

const label = (list: { id: string; label: string }[], id: string) =>
  list.find((c) => c.id === id) ?? { id, label: id || "Not known" };

function row(c: StoredCall): CallRow {
  const f = c.form;
  const [date = "", time = ""] = f.started_at.split("T");
  const today = localNow().slice(0, 10);
  const due = f.follow_up_due;
  const follow_up = !f.follow_up_needed ? "none" : f.follow_up_done ? "done"
    : due && due < today ? "overdue" : due === today ? "due_today" : "open";
  return {
    id: c.id, started_at: f.started_at,
    date_label: new Date(`${date}T12:00`).toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric" }).replace(",", ""),
    time_label: time.slice(0, 5), duration_minutes: Number(f.duration_minutes || 0),
    call_type: label(vocabulary.call_types, f.call_type), role: label(vocabulary.roles, f.role || "unknown"),
    setting: label(vocabulary.settings, f.setting || "unknown"), region: label(vocabulary.regions, f.region || "unknown"),
    themes: f.themes.map((t) => label(vocabulary.themes, t)), risk: label(vocabulary.risk_levels, f.risk),
    follow_up, follow_up_due: due,
  };
}

function sampleCalls(): StoredCall[] {
  const make = (day: string, patch: Partial<CallForm>): StoredCall => ({
    id: crypto.randomUUID(), loggedAt: `${day} 10:00`,
    form: { ...blankForm(), started_at: `${day}T09:30`, duration_minutes: "25", role: "headteacher",
      setting: "primary", region: "north_west", themes: ["inspection.ofsted"], ...patch },
  });
  const today = localNow().slice(0, 10);
  return [
    make("2026-11-02", { themes: ["send.ehcp", "funding"], risk: "moderate", follow_up_needed: true, follow_up_due: "2026-11-05" }),
    make("2026-11-10", { role: "deputy_or_assistant_head", setting: "secondary", region: "london", themes: ["governance"], risk: "high" }),
    make(today, { call_type: "silent", role: "", setting: "", region: "", themes: [], duration_minutes: "0" }),
  ];
}

function reportFor(request: ReportRequest): ReportView {
  if (!Number.isInteger(request.year) || request.year < 1900 || request.year > 9998) {
    fail("invalid", `${request.year} is not a year Quietline can report on; enter a year such as 2024`, "year");
  }
  const k = request.suppress_below > 1 ? request.suppress_below : 0;
  const view = reports[`${request.year}-${request.academic ? "academic" : "calendar"}-${k}`];
  return view ?? fail("failed", "The browser tests' backend has reports for 2024 only, with or without K = 5.");
}

/** Mimics the library's rules for where a report may be saved. */
function exportPath(typed: string, stem: string, format: ExportFormat): string {
  const path = typed.trim().replace(/^~(?=\/|$)/, "/home/coordinator");
  if (path === "") fail("invalid", "Enter where to save the report: a folder such as your Documents folder, or a full file name.", "path");
  if (!path.startsWith("/")) fail("invalid", `'${typed.trim()}' is not a full path. Start it with / (or ~ for your home folder), for example ~/Documents/${stem}.${format}`, "path");
  if (FOLDERS.includes(path.replace(/\/$/, ""))) return `${path.replace(/\/$/, "")}/${stem}.${format}`;
  const folder = path.slice(0, path.lastIndexOf("/"));
  if (!FOLDERS.includes(folder)) fail("invalid", `The folder ${folder} does not exist. Choose a folder that does, such as your Documents folder.`, "path");
  return /\.[^/.]+$/.test(path) ? path : `${path}.${format}`;
}

export const backend: Backend = {
  async status() {
    return { exists: state.exists, unlocked: state.unlocked, demo: state.demo };
  },
  async passphraseStrength(p) {
    const n = [...p].length;
    const score = n < 8 ? 0 : n < 10 ? 1 : n < 14 ? 2 : n < 20 ? 3 : 4;
    return { score, label: ["Too short", "Weak", "Fair", "Good", "Strong"][score] ?? "", advice: "Four unrelated words work well.", acceptable: n >= 8 };
  },
  async createStore(p) {
    if (state.exists) fail("store_exists", "A Quietline store already exists here; unlock it instead. Nothing was changed.");
    if ([...p].length < 8) fail("invalid", "The passphrase is too short: use at least 8 characters", "passphrase");
    Object.assign(state, { exists: true, unlocked: true, passphrase: p });
    save();
    return { recovery_key: RECOVERY_KEY };
  },
  async unlock(p) {
    await new Promise((r) => setTimeout(r, 150));
    if (p !== state.passphrase) fail("wrong_passphrase", "That passphrase does not unlock this store. Check Caps Lock and try again; if it is lost, use your recovery key.");
    state.unlocked = true; state.demo = false; save();
    return { exists: true, unlocked: true, demo: false };
  },
  async recover(key, p) {
    if (key.replaceAll(/[\s-]/g, "").toUpperCase() !== RECOVERY_KEY.replaceAll("-", "")) fail("wrong_recovery_key", "That recovery key does not unlock this store. Check each group of four characters.");
    state.passphrase = p; state.unlocked = true; save();
    return { exists: true, unlocked: true, demo: false };
  },
  async openDemo() {
    state.unlocked = true; state.demo = true; state.calls = sampleCalls(); save();
    return { exists: state.exists, unlocked: true, demo: true };
  },
  async lock() { state.unlocked = false; state.log.push("lock"); save(); },
  async stillHere() { state.log.push("still_here"); save(); },
  async vocabulary() { requireUnlocked(); return vocabulary; },
  async newForm() { requireUnlocked(); return blankForm(); },
  async logCall(form) {
    requireUnlocked(); check(form);
    const id = crypto.randomUUID();
    state.calls.push({ id, form: structuredClone(form), loggedAt: localNow().replace("T", " ") });
    state.draft = null; state.log.push(`log_call:${form.call_type}`); save();
    return id;
  },
  async openCall(id) {
    requireUnlocked();
    const c = state.calls.find((x) => x.id === id) ?? fail("not_found", "That call is no longer in the log; it may have been deleted.");
    return { id, form: structuredClone(c.form), logged_by: "", logged_at: c.loggedAt, updated_at: c.loggedAt };
  },
  async updateCall(id, form) {
    requireUnlocked(); check(form);
    const c = state.calls.find((x) => x.id === id) ?? fail("not_found", "That call is no longer in the log.");
    c.form = structuredClone(form); save();
  },
  async deleteCall(id) { requireUnlocked(); state.calls = state.calls.filter((c) => c.id !== id); save(); },
  async listCalls(filter) {
    requireUnlocked();
    if (filter.from && filter.to && filter.from > filter.to) fail("invalid", "The end date is before the start date", "to");
    const rows = state.calls.map(row).sort((a, b) => b.started_at.localeCompare(a.started_at));
    const due = (r: CallRow) => r.follow_up === "due_today" || r.follow_up === "overdue";
    const shown = rows.filter((r) => (!filter.follow_up_due || due(r)) && (!filter.risk || r.risk.id === filter.risk));
    return { calls: shown, matched: shown.length, follow_ups_due: rows.filter(due).length };
  },
  async saveDraft(form) { requireUnlocked(); state.draft = structuredClone(form); save(); },
  async loadDraft() { requireUnlocked(); return state.draft; },
  async clearDraft() { requireUnlocked(); state.draft = null; save(); },
  async report(request) {
    requireUnlocked();
    // Long enough for the progress message to be seen, as on a large store.
    await new Promise((r) => setTimeout(r, 200));
    return structuredClone(reportFor(request));
  },
  async exportReport(request, narrative, format, typed) {
    requireUnlocked();
    const target = exportPath(typed, reportFor(request).file_stem, format);
    // Never over an existing file: "name (2).ext", as the library does.
    const taken = (p: string) => state.saved.some((s) => s.path === p);
    let path = target;
    for (let n = 2; taken(path); n++) path = target.replace(/(\.[^/.]+)?$/, ` (${n})$1`);
    state.saved.push({ path, format, narrative: format === "html" ? narrative.map((s) => s.trim()).filter((s) => s !== "") : [] });
    save();
    return { path };
  },
  async getSettings() { requireUnlocked(); return structuredClone(state.settings); },
  async updateSettings(s) {
    requireUnlocked();
    if (s.idle_lock_minutes < 1 || s.idle_lock_minutes > 60) fail("invalid", "Idle lock: choose between 1 and 60 minutes", "idle lock");
    state.settings = { ...structuredClone(s), display_name: s.display_name.trim() }; save();
    return structuredClone(state.settings);
  },
  async changePassphrase(current, next) {
    requireUnlocked();
    if (current !== state.passphrase) fail("wrong_passphrase", "The current passphrase is not right, so nothing was changed.", "current_passphrase");
    if ([...next].length < 8) fail("invalid", "The passphrase is too short: use at least 8 characters", "new_passphrase");
    state.passphrase = next; save();
  },
  async onLocked(handler) {
    const listener = () => { state = load(); state.unlocked = false; save(); handler(); };
    window.addEventListener("quietline-mock-locked", listener);
    return () => window.removeEventListener("quietline-mock-locked", listener);
  },
};

// For the tests: what the backend was asked, and the state it holds.
(window as unknown as { quietlineMock: unknown }).quietlineMock = {
  state: () => load(),
  lockFromBackend: () => window.dispatchEvent(new Event("quietline-mock-locked")),
};
