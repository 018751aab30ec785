// An in-memory stand-in for the Tauri backend, for the browser tests
// (`vite build --mode mock`). It keeps its state in sessionStorage so that
// the reload on lock behaves as in the app. It mimics the backend's
// answers; the rules themselves are tested in Rust.
import type { ActivityList } from "../bindings/ActivityList";
import type { AppError } from "../bindings/AppError";
import type { AppSettings } from "../bindings/AppSettings";
import type { BackupFileView } from "../bindings/BackupFileView";
import type { BackupMade } from "../bindings/BackupMade";
import type { BackupStatus } from "../bindings/BackupStatus";
import type { CallForm } from "../bindings/CallForm";
import type { CallRow } from "../bindings/CallRow";
import type { ExportFormat } from "../bindings/ExportFormat";
import type { Field } from "../bindings/Field";
import type { MergeResult } from "../bindings/MergeResult";
import type { PassphraseStrength } from "../bindings/PassphraseStrength";
import type { PassphraseSuggestion } from "../bindings/PassphraseSuggestion";
import type { ProfileApplied } from "../bindings/ProfileApplied";
import type { ProfileExported } from "../bindings/ProfileExported";
import type { ProfileFile } from "../bindings/ProfileFile";
import type { ProfileFileState } from "../bindings/ProfileFileState";
import type { ProfileView } from "../bindings/ProfileView";
import type { ReportRequest } from "../bindings/ReportRequest";
import type { ReportView } from "../bindings/ReportView";
import type { RestorePreview } from "../bindings/RestorePreview";
import type { RestoreRequest } from "../bindings/RestoreRequest";
import type { Restored } from "../bindings/Restored";
import type { RetentionView } from "../bindings/RetentionView";
import type { ReturnFile } from "../bindings/ReturnFile";
import type { ReturnsOverview } from "../bindings/ReturnsOverview";
import type { Rules } from "../bindings/Rules";
import type { ShredDone } from "../bindings/ShredDone";
import type { ShredPreview } from "../bindings/ShredPreview";
import type { ThemeDraftView } from "../bindings/ThemeDraftView";
import type { ThemeEdit } from "../bindings/ThemeEdit";
import type { UpdateCheck } from "../bindings/UpdateCheck";
import type { Vocabulary } from "../bindings/Vocabulary";
import type { VolunteerRow } from "../bindings/VolunteerRow";
import type { Backend, FileDrop } from "../contract";
import { longDate } from "../dates";
import { plural } from "../returns";
import blankFormJson from "./blank-form.json";
import messagesJson from "./messages.json";
import refusalsJson from "./refusals.json";
import rulesJson from "./rules.json";
import vocabularyJson from "./vocabulary.json";
// Real library output (see `export_reports_for_the_browser_tests`): 2024,
// calendar and academic, without suppression and with K = 5.
import reportsJson from "./reports.json";
// The profile and the theme list editor as the library answers them (see
// `export_profile_and_theme_editor_for_the_browser_tests`).
import profileJson from "./profile.json";
// Backups, restoring and the retention policy as the library answers them
// (see `export_keeping_for_the_browser_tests`).
import keepingJson from "./keeping.json";
// The activity record as the library answers it: all of it, since one
// day, and its refusal when the chain is broken (see
// `export_activity_for_the_browser_tests`).
import activityJson from "./activity.json";
// Rust's verdicts on the passphrases the tests type, and a suggestion (see
// `write_the_passphrase_fixture`).
import passphrasesJson from "./passphrases.json";
// What Rust says about updates, with {current}, {version} and {notes} to
// fill in (see `export_update_messages_for_the_browser_tests`).
import updatesJson from "./updates.json";

const vocabulary = vocabularyJson as Vocabulary;
// What Rust says once a call is saved, by call type ([logged, saved
// again]), and once a return is merged (see
// `export_messages_for_the_browser_tests`).
const messages = messagesJson as {
  logged: Record<string, string[]>;
  merged: string;
  already_merged: string;
  purged: string;
  demo_note: string;
};
// Rust's rules (see `export_rules_for_the_browser_tests`).
const rules = rulesJson as Rules;
// Rust's refusals (see `export_refusals_for_the_browser_tests`): the
// stand-in decides when to refuse, never what the refusal says.
const refusals = refusalsJson as Record<string, AppError>;
const passphrases = passphrasesJson as {
  verdicts: Record<string, PassphraseStrength>;
  too_short: PassphraseStrength;
  suggestion: PassphraseSuggestion;
};
/**
 * Rust's verdict on a passphrase the fixture holds. Others are judged by a
 * stand-in (the real estimator is Rust's): four or more words of three or
 * more letters pass, with the strong verdict's words; anything else is
 * refused with the weak one's.
 */
function verdictFor(p: string): PassphraseStrength {
  const known = passphrases.verdicts[p];
  if (known) return known;
  if ([...p].length < rules.min_passphrase_chars) return passphrases.too_short;
  const words = p.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 3);
  return words.length >= 4
    ? passphrases.verdicts["kettle morning oxbow lantern"]!
    : passphrases.verdicts["password123"]!;
}
const yearIn = (year: number) =>
  Number.isInteger(year) && year >= rules.years.min && year <= rules.years.max;
const reports = reportsJson as unknown as Record<string, ReportView>;
/** A coordinator key pasted by hand: its fingerprint and Rust's refusals until it is typed. */
interface PastedKey {
  key: string;
  fingerprint: string;
  missing: AppError;
  wrong: AppError;
}
const profiles = profileJson as unknown as {
  views: Record<
    "none" | "coordinator_new" | "coordinator" | "coordinator_exported" | "coordinator_published",
    ProfileView
  >;
  files: Record<ProfileFileState, ProfileFile>;
  applied: Record<"first_import" | "current" | "update" | "repin", ProfileApplied>;
  exported: Record<"first" | "published", ProfileExported>;
  keys: Record<"coordinator" | "other", PastedKey>;
  refusals: Record<string, AppError>;
  editor: {
    drafts: Record<string, ThemeDraftView>;
    /** Each change the stand-in knows: from one named draft to another. */
    edits: { from: string; edit: ThemeEdit; to: string }[];
    refused_edits: { from: string; edit: ThemeEdit; error: AppError }[];
  };
};
/** Rust's refusal from the profile fixture, as it said it. */
function profileRefusal(name: string): never {
  const r = profiles.refusals[name];
  if (!r) throw new Error(`profile.json has no ${name}`);
  fail(r.code, r.message, r.field);
}
/** The profile files on the pretend computer: the coordinator's first and
 *  second, and one signed by another key, each as Rust checked it. */
const PROFILE_FOLDER = "/home/volunteer/Downloads";
const PRETEND_PROFILES: Record<string, ProfileFile> = {
  [`${PROFILE_FOLDER}/quietline-profile-v1.qlprofile`]: profiles.files.first_import,
  [`${PROFILE_FOLDER}/quietline-profile-v2.qlprofile`]: profiles.files.update,
  [`${PROFILE_FOLDER}/new-coordinator.qlprofile`]: profiles.files.other_signer,
};
const pastedKeys = Object.values(profiles.keys);
/** Whether `typed` names `fingerprint`, roughly as the library compares. */
const sameFingerprint = (typed: string, fingerprint: string) => {
  const simple = (s: string) => s.replaceAll(/[^a-z0-9]/gi, "").toUpperCase();
  return typed.trim() !== "" && simple(typed) === simple(fingerprint);
};
/** JSON with its keys in order and its strings trimmed, to compare what the screen sent. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "string") return v.trim();
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)));
    }
    return v;
  });
}
/** The name of the fixture's draft that `draft` is, if any. */
const draftName = (draft: unknown) =>
  Object.entries(profiles.editor.drafts).find(
    ([, view]) => canonical(view.draft) === canonical(draft),
  )?.[0];
const keeping = keepingJson as unknown as {
  status: Record<
    "not_set_up" | "demo" | "no_backups" | "backed_up" | "stale" | "unreachable",
    BackupStatus
  >;
  files: Record<"new_laptop" | "store_exists", BackupFileView>;
  previews: Record<"newest" | "older" | "store_exists", RestorePreview>;
  /** By months: 0, 6, 12, 24, 36 and 120. */
  shred_previews: Record<string, ShredPreview>;
  retention: Record<"none" | "set", RetentionView>;
  said: {
    older: BackupMade;
    made: BackupMade;
    restored: Restored;
    hold: string;
    release: string;
    not_held: string;
    shredded: ShredDone;
    nothing_shredded: ShredDone;
    shredded_call: string;
  };
  refusals: Record<string, AppError>;
};
/** Rust's refusal from the keeping fixture, `{path}` standing for what was typed. */
function keepingRefusal(name: string, typed = ""): never {
  const r = keeping.refusals[name];
  if (!r) throw new Error(`keeping.json has no ${name}`);
  fail(r.code, r.message.replaceAll("/{path}", typed).replaceAll("{path}", typed), r.field);
}
/** The backup folder the fixture was made with: a USB stick on the pretend computer. */
const BACKUP_FOLDER = keeping.status.backed_up.folder;
/** The backups on the pretend computer: the newest, and one three days older. */
const PRETEND_BACKUPS: Record<string, RestorePreview> = {
  [keeping.said.made.path]: keeping.previews.newest,
  [keeping.said.older.path]: keeping.previews.older,
};
/** The passphrase the pretend backups were made under. */
const BACKUP_PASSPHRASE = "correct horse battery staple";
/** The word Rust asks to be typed to replace a call log. */
const REPLACE_WORD = keeping.files.store_exists.confirm_word;
/** Folders that exist on the pretend computer. */
const FOLDERS = ["/home/coordinator", "/home/coordinator/Documents", BACKUP_FOLDER];
const KEY = "quietline-mock";
/** Eight groups of four and the check character, as Rust shows a recovery key. */
const RECOVERY_KEY = "GCKU-IN46-P5OE-MRMK-FZOZ-6OQQ-D6OV-DXHE-T";
/**
 * Which refusal a typed recovery key earns, if any: the key in full or as
 * written before the check character is right; another key with a check
 * character stands for a typing mistake (Rust checks it), one without for
 * a key that does not open the store.
 */
function recoveryKeyRefusal(typed: string): "mistyped" | "wrong" | null {
  const cleaned = typed.replaceAll(/[\s-]/g, "").toUpperCase();
  const key = RECOVERY_KEY.replaceAll("-", "");
  if (cleaned === key || cleaned === key.slice(0, -1)) return null;
  return cleaned.length === key.length ? "mistyped" : "wrong";
}
// Made-up keys in the real formats: an age public key, 80-bit fingerprints.
const COORDINATOR_KEY = profiles.keys.coordinator.key;
const OWN_FINGERPRINT = "KZ3Q-7MNA-PX4D-TW2E";
/** Return files are named after their volunteer: `alex-2024-25.qlreturn`. */
const PRETEND_VOLUNTEERS: Record<string, PretendVolunteer> = {
  alex: { name: "Alex", fingerprint: "M4QF-2ZRA-KD7P-XW3N", calls: 42, deleted: 1 },
  sam: { name: "Sam", fingerprint: "B7TL-Q2XE-5NVA-HR6C", calls: 17, deleted: 0 },
  jo: { name: "Jo", fingerprint: "DW5K-3PZM-T2QA-7LXE", calls: 30, deleted: 2 },
};

interface StoredCall {
  id: string;
  form: CallForm;
  loggedAt: string;
  /** The theme list it was logged under, when older than the current one. */
  themeListVersion?: number;
}
interface SavedReport {
  path: string;
  format: ExportFormat;
  narrative: string[];
}
/** A volunteer whose returns the pretend computer holds. */
interface PretendVolunteer {
  name: string;
  fingerprint: string;
  calls: number;
  deleted: number;
}
interface MockState {
  exists: boolean;
  unlocked: boolean;
  demo: boolean;
  passphrase: string;
  calls: StoredCall[];
  draft: CallForm | null;
  /** The draft generation: saving or clearing a form moves it on. */
  generation: number;
  settings: AppSettings;
  saved: SavedReport[];
  /** Return files this store has written. */
  returnsSaved: string[];
  ownCoordinatorKey: string | null;
  volunteers: VolunteerRow[];
  /** Return files merged, by path. */
  merged: string[];
  /** What the file chooser hands back next. */
  chooserPaths: string[];
  profile: ProfileView;
  /** Profile files this store has written. */
  profilesSaved: string[];
  backups: {
    /** "" while backups are not set up. */
    folder: string;
    keep: number;
    warnDays: number;
    /** Backups written (the newest last). */
    made: string[];
    /** Whether the USB stick is out. */
    unplugged: boolean;
    /** Whether the last backup is older than the warning allows. */
    stale: boolean;
  };
  /** The retention policy in months; 0 keeps notes. */
  retentionMonths: number;
  /** Calls on legal hold, by id. */
  holds: string[];
  /** Calls whose notes the retention policy shredded, by id. */
  shredded: string[];
  /** What the pretend update server offers (`update=`): nothing newer, a
   *  signed 0.2.0, a 0.2.0 whose signature does not verify, or no answer. */
  update: "latest" | "offer" | "forged" | "offline";
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
    generation: 0,
    settings: {
      display_name: "",
      time_zone: "Europe/London",
      idle_lock_minutes: 5,
      call_idle_lock_minutes: 60,
      signposting: [
        { name: "Samaritans", contact: "116 123" },
        { name: "Education Support", contact: "08000 562 561" },
        { name: "NHS 111", contact: "option 2 (mental health)" },
        { name: "Emergency services", contact: "999" },
      ],
      coordinator_key: "",
      coordinator_key_fingerprint: "",
      check_for_updates: false,
    },
    saved: [],
    returnsSaved: [],
    ownCoordinatorKey: null,
    volunteers: [],
    merged: [],
    chooserPaths: [],
    profile: structuredClone(profiles.views.none),
    profilesSaved: [],
    backups: { folder: "", keep: 7, warnDays: 7, made: [], unplugged: false, stale: false },
    retentionMonths: 0,
    holds: [],
    shredded: [],
    update: "latest",
    log: [],
  };
  const params = new URLSearchParams(location.search);
  const update = params.get("update");
  if (update === "offer" || update === "forged" || update === "offline") state.update = update;
  // The demo log (`demo=1`), opened as the Start screen's button opens it.
  if (params.has("demo")) state.demo = true;
  if (params.has("volunteer")) {
    state.settings.display_name = "Robin";
    state.settings.coordinator_key = COORDINATOR_KEY;
    state.settings.coordinator_key_fingerprint = profiles.keys.coordinator.fingerprint;
  }
  // A volunteer who imported the coordinator's first profile (`profile=1`)
  // or their second, with theme list version 2 (`profile=2`).
  const imported = params.get("profile");
  if (imported === "1" || imported === "2") {
    const applied = imported === "1" ? profiles.applied.first_import : profiles.applied.update;
    state.profile = structuredClone(applied.profile);
    state.settings.display_name = "Robin";
    state.settings.coordinator_key = applied.profile.return_key;
  }
  if (params.has("coordinator")) {
    state.ownCoordinatorKey = COORDINATOR_KEY;
    state.profile = structuredClone(profiles.views.coordinator_new);
    state.volunteers = [
      {
        name: "Jo",
        fingerprint: PRETEND_VOLUNTEERS.jo!.fingerprint,
        trusted_on: "2 Sep 2024",
        revoked_on: null,
        last_return_on: "1 Sep 2025",
        returns_merged: 1,
        calls_by_year: [{ label: "2024/25", calls: 30 }],
      },
    ];
  }
  if (new URLSearchParams(location.search).has("calls")) {
    state.calls = sampleCalls();
    // A call logged under an older theme list than the one in use.
    const first = state.calls[0];
    if (first && state.profile.theme_list_version > 1) first.themeListVersion = 1;
    // The first call's notes shredded by a retention policy (`shredded`).
    if (first && params.has("shredded")) {
      state.shredded.push(first.id);
      first.form.notes = "";
      state.retentionMonths = 12;
    }
  }
  // Backups set up (`backups=set`), the last one long ago (`stale`), or
  // the USB stick they go to out (`unplugged`).
  const backups = params.get("backups");
  if (backups === "set" || backups === "stale" || backups === "unplugged") {
    state.backups.folder = BACKUP_FOLDER;
    state.backups.made = [keeping.said.older.path, keeping.said.made.path];
    state.backups.stale = backups === "stale";
    state.backups.unplugged = backups === "unplugged";
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

const updates = updatesJson as {
  offer: UpdateCheck;
  latest: UpdateCheck;
  not_signed: string;
  unreachable: string;
};
/** The pretend update server's version and notes. */
const MOCK_UPDATE = { current: "0.1.0", version: "0.2.0", notes: "Fixes the yearly report." };

/** Rust's answer to a check, filled in for the pretend server. */
function updateCheck(which: "offer" | "latest"): UpdateCheck {
  const fill = (text: string) =>
    text
      .replaceAll("{current}", MOCK_UPDATE.current)
      .replaceAll("{version}", MOCK_UPDATE.version)
      .replaceAll("{notes}", MOCK_UPDATE.notes);
  const said = updates[which];
  return {
    version: said.version === null ? null : fill(said.version),
    current_version: fill(said.current_version),
    notes: fill(said.notes),
    message: fill(said.message),
    installing: fill(said.installing),
  };
}

function fail(code: AppError["code"], message: string, field: Field | null = null): never {
  throw { code, message, field } satisfies AppError;
}

/** Refuses as the backend does: Rust's refusal `name`, quoting `typed`
 *  where it quotes what was typed; `field` where the call names another. */
function refuse(name: string, typed = "", field?: Field): never {
  const r = refusals[name];
  if (!r) throw new Error(`refusals.json has no ${name}`);
  fail(r.code, r.message.replaceAll("{typed}", typed), field ?? r.field);
}

function requireUnlocked() {
  if (!state.unlocked) refuse("locked");
}

function localNow(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Now as the backend shows a call's start: `Wed 2 Dec 2026 10:20`. */
// A function, not a constant: sample calls are made before the module's
// later constants exist.
function months(): string[] {
  return ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
}

function shownNow(): string {
  const d = new Date();
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getDay()];
  return `${day} ${d.getDate()} ${months()[d.getMonth()]} ${d.getFullYear()} ${localNow().slice(11)}`;
}

/** A start as shown (or typed as the old `2026-12-02T10:20`), as `2026-12-02T10:20`. */
function isoStart(text: string): string | null {
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(text)) return text;
  const m = /^(?:\w{3}\s+)?(\d{1,2})\s+(\w{3})\w*\s+(\d{4})\s+(\d{1,2}):(\d\d)$/.exec(text.trim());
  const month = m ? months().indexOf(m[2]!.slice(0, 3)) : -1;
  if (!m || month < 0) return null;
  const pad = (n: string | number) => String(n).padStart(2, "0");
  return `${m[3]}-${pad(month + 1)}-${pad(m[1]!)}T${pad(m[4]!)}:${m[5]}`;
}

/** A blank form: Rust's defaults, with a new id, the generation and now. */
function blankForm(generation = 0): CallForm {
  return {
    ...structuredClone(blankFormJson as CallForm),
    id: crypto.randomUUID(),
    draft_generation: generation,
    started_at: shownNow(),
  };
}

function check(form: CallForm) {
  const quiet = form.call_type !== "substantive";
  if (isoStart(form.started_at) === null) refuse("started_at");
  if (!quiet && form.duration_minutes.trim() === "") refuse("duration_missing");
  if (!/^\d*$/.test(form.duration_minutes.trim()))
    refuse("duration_not_minutes", form.duration_minutes.trim());
  if (!quiet && !form.role) refuse("role");
  if (!quiet && !form.setting) refuse("setting");
  if (!quiet && !form.region) refuse("region");
  // Roughly the backend's rule: a due date needs a day and a month.
  if (
    form.follow_up_due.trim() &&
    !/^(\w+\s+)?\d{1,2}(st|nd|rd|th)?[\s/.-]+(\d{1,2}|[a-z]{3,})\b/i.test(
      form.follow_up_due.trim(),
    ) &&
    !/^\d{4}-\d\d-\d\d$/.test(form.follow_up_due.trim())
  ) {
    refuse("follow_up_due", form.follow_up_due.trim());
  }
  if (!quiet && form.theme_text.trim()) refuse("theme_text", form.theme_text.trim());
  if (!quiet && form.themes.length === 0) refuse("no_theme");
}

const label = (list: { id: string; label: string }[], id: string) =>
  list.find((c) => c.id === id) ?? { id, label: id || "Not known" };

function row(c: StoredCall): CallRow {
  const f = c.form;
  const [date = "", time = ""] = f.started_at.split("T");
  const today = localNow().slice(0, 10);
  const due = f.follow_up_due;
  const follow_up = !f.follow_up_needed
    ? "none"
    : f.follow_up_done
      ? "done"
      : due && due < today
        ? "overdue"
        : due === today
          ? "due_today"
          : "open";
  return {
    id: c.id,
    started_at: f.started_at,
    date_label: longDate(date),
    time_label: time.slice(0, 5),
    duration_minutes: Number(f.duration_minutes || 0),
    call_type: label(vocabulary.call_types, f.call_type),
    role: label(vocabulary.roles, f.role || "unknown"),
    setting: label(vocabulary.settings, f.setting || "unknown"),
    region: label(vocabulary.regions, f.region || "unknown"),
    themes: f.themes.map((t) => label(vocabulary.themes, t)),
    risk: label(vocabulary.risk_levels, f.risk),
    follow_up,
    follow_up_due: due,
  };
}

function sampleCalls(): StoredCall[] {
  const make = (day: string, patch: Partial<CallForm>): StoredCall => ({
    id: crypto.randomUUID(),
    loggedAt: `${day} 10:00`,
    form: {
      ...blankForm(),
      started_at: `${day}T09:30`,
      duration_minutes: "25",
      role: "headteacher",
      setting: "primary",
      region: "north_west",
      themes: ["inspection.ofsted"],
      ...patch,
    },
  });
  const today = localNow().slice(0, 10);
  return [
    make("2026-11-02", {
      themes: ["send.ehcp", "funding"],
      risk: "moderate",
      follow_up_needed: true,
      follow_up_due: "2026-11-05",
    }),
    make("2026-11-10", {
      role: "deputy_or_assistant_head",
      setting: "secondary",
      region: "london",
      themes: ["governance"],
      risk: "high",
    }),
    make(today, {
      call_type: "silent",
      role: "",
      setting: "",
      region: "",
      themes: [],
      duration_minutes: "0",
    }),
  ];
}

function reportFor(request: ReportRequest): ReportView {
  if (!yearIn(request.year)) refuse("report_year", String(request.year));
  const k = request.suppress_below > 1 ? request.suppress_below : 0;
  const view = reports[`${request.year}-${request.academic ? "academic" : "calendar"}-${k}`];
  return (
    view ??
    fail("failed", "The browser tests' backend has reports for 2024 only, with or without K = 5.")
  );
}

/** Where a report or return is saved on the pretend computer; refused in Rust's words. */
function exportPath(typed: string, stem: string, format: string): string {
  const path = typed.trim().replace(/^~(?=\/|$)/, "/home/coordinator");
  const at = (name: string, quoted: string) => {
    const r = refusals[name]!;
    fail(
      r.code,
      r.message
        .replaceAll("{typed}", quoted)
        .replaceAll("{stem}", stem)
        .replaceAll("{extension}", format),
      r.field,
    );
  };
  if (path === "") at("no_path", "");
  if (!path.startsWith("/")) at("path_not_full", typed.trim());
  if (FOLDERS.includes(path.replace(/\/$/, "")))
    return `${path.replace(/\/$/, "")}/${stem}.${format}`;
  const folder = path.slice(0, path.lastIndexOf("/"));
  if (!FOLDERS.includes(folder)) at("no_folder", folder.slice(1));
  return /\.[^/.]+$/.test(path) ? path : `${path}.${format}`;
}

/** Never over an existing file: "name (2).ext", as the library does. */
function freePath(target: string, taken: (p: string) => boolean): string {
  let path = target;
  for (let n = 2; taken(path); n++) path = target.replace(/(\.[^/.]+)?$/, ` (${n})$1`);
  return path;
}

function requireCoordinator() {
  if (!state.ownCoordinatorKey) refuse("not_coordinator");
}

/** The fingerprint of one of the pretend keys; "" for any other. */
const keyFingerprint = (key: string | null) =>
  pastedKeys.find((k) => k.key === key)?.fingerprint ?? "";

function overview(): ReturnsOverview {
  return {
    display_name: state.settings.display_name,
    fingerprint: OWN_FINGERPRINT,
    coordinator_key: state.settings.coordinator_key,
    coordinator_key_fingerprint: keyFingerprint(state.settings.coordinator_key),
    own_coordinator_key: state.ownCoordinatorKey,
    own_coordinator_key_fingerprint: state.ownCoordinatorKey
      ? keyFingerprint(state.ownCoordinatorKey)
      : null,
    returns_made: state.returnsSaved.length,
    default_folder: "/home/coordinator/Documents",
    suggested_year:
      new Date().getMonth() >= 8 ? new Date().getFullYear() : new Date().getFullYear() - 1,
  };
}

/** What checking a pretend return file finds, by its path. */
function checkFile(path: string): ReturnFile & { who?: PretendVolunteer } {
  const file_name = path.split("/").pop() ?? path;
  const shown: ReturnFile = {
    path,
    file_name,
    state: "refused",
    volunteer: "",
    fingerprint: "",
    period: "",
    calls: 0,
    deleted: 0,
    made_on: "",
    problem: "",
    warning: "",
  };
  const folder = path.slice(0, path.lastIndexOf("/"));
  const who = PRETEND_VOLUNTEERS[file_name.split("-")[0] ?? ""];
  if (
    !path.startsWith("/") ||
    (!FOLDERS.includes(folder) && folder !== "/tmp" && folder !== "/home/coordinator/Returns")
  ) {
    return { ...shown, problem: refusals.return_unreadable!.message };
  }
  if (!file_name.endsWith(".qlreturn") || !who || file_name.includes("bad")) {
    return { ...shown, problem: refusals.not_a_return!.message };
  }
  const year = /(\d{4})-(\d\d)/.exec(file_name);
  const filled = {
    ...shown,
    volunteer: who.name,
    fingerprint: who.fingerprint,
    period: year ? `${year[1]}/${year[2]}` : "2024/25",
    calls: who.calls,
    deleted: who.deleted,
    made_on: "1 Sep 2025",
    who,
  };
  const known = state.volunteers.find((v) => v.fingerprint === who.fingerprint);
  if (known?.revoked_on)
    return {
      ...filled,
      problem: `${who.name}’s key was revoked on ${known.revoked_on}, so their returns are refused.`,
    };
  if (state.merged.includes(path)) return { ...filled, state: "already_merged" };
  return { ...filled, state: known ? "ready" : "new_volunteer" };
}

/** Today as the library's returns write it: "2 Dec 2026". */
function today(): string {
  return longDate(new Date()).replace(/^\S+ /, "");
}

/** What the library says of a profile file on the pretend computer, by path. */
function checkProfile(path: string): ProfileFile {
  if (state.ownCoordinatorKey) profileRefusal("coordinator_cannot_import");
  const file = PRETEND_PROFILES[path.trim()];
  if (!file) {
    if (path.trim().endsWith(".qlprofile") && path.trim().startsWith(`${PROFILE_FOLDER}/`))
      profileRefusal("not_a_profile");
    const r = profiles.refusals.profile_unreadable!;
    fail(r.code, r.message.replace("{path}", path.trim()), r.field);
  }
  const p = state.profile;
  const fileState: ProfileFileState =
    p.role === "none"
      ? "first_import"
      : p.signer_fingerprint !== file.signer_fingerprint
        ? "other_signer"
        : file.version > p.version
          ? "update"
          : file.version === p.version
            ? "current"
            : "superseded";
  const said = profiles.files[fileState];
  if (said.version !== file.version || said.signer_fingerprint !== file.signer_fingerprint) {
    fail("failed", `The browser tests' backend has no ${fileState} answer for ${path}.`);
  }
  return { ...structuredClone(said), path: path.trim() };
}

/** Puts a profile in use as the library does: its key is the one returns are made for. */
function applyProfile(applied: ProfileApplied): ProfileApplied {
  state.profile = structuredClone(applied.profile);
  state.settings.coordinator_key = applied.profile.return_key;
  state.settings.coordinator_key_fingerprint = applied.profile.return_key_fingerprint;
  save();
  return structuredClone(applied);
}

/** `text` with the fixture's backup folder named as the one chosen. */
const inFolder = (text: string) => text.replaceAll(BACKUP_FOLDER, state.backups.folder);

/** How the backups stand, as the library says in each case. */
function backupStatus(): BackupStatus {
  const b = state.backups;
  if (state.demo) return structuredClone(keeping.status.demo);
  const said =
    b.folder === ""
      ? keeping.status.not_set_up
      : b.unplugged
        ? keeping.status.unreachable
        : b.made.length === 0
          ? keeping.status.no_backups
          : b.stale
            ? keeping.status.stale
            : keeping.status.backed_up;
  return {
    ...structuredClone(said),
    folder: b.folder,
    keep: b.keep,
    warn_after_days: b.warnDays,
    line: inFolder(said.line),
    // As the library: a log with no calls is not yet owed a backup.
    warning: b.folder === "" && state.calls.length === 0 ? "" : inFolder(said.warning),
    kept: b.unplugged ? 0 : Math.min(b.made.length, b.keep),
  };
}

/** What the pretend computer holds at `typed`: a backup's preview, or Rust's refusal. */
function backupAt(typed: string): { path: string; preview: RestorePreview } {
  const path = typed.trim();
  if (path === "") keepingRefusal("no_file");
  const preview = PRETEND_BACKUPS[path] ?? keepingRefusal("file_missing", path);
  return { path, preview };
}

/** Unlocks a pretend backup as the library does, or refuses in its words. */
function unlockBackup(request: RestoreRequest): RestorePreview {
  const { preview } = backupAt(request.path);
  if (request.recovery_key.trim() !== "") {
    const refusal = recoveryKeyRefusal(request.recovery_key);
    if (refusal === "mistyped") refuse("recovery_key_mistyped");
    if (refusal === "wrong") keepingRefusal("recovery_key_wrong");
    if (!verdictFor(request.new_passphrase).acceptable) keepingRefusal("new_passphrase_weak");
  } else if (request.passphrase !== BACKUP_PASSPHRASE) {
    keepingRefusal("wrong_passphrase");
  }
  return { ...structuredClone(preview), store_exists: state.exists };
}

const fileDrops = new EventTarget();

export const backend: Backend = {
  async status() {
    return {
      exists: state.exists,
      unlocked: state.unlocked,
      demo: state.demo,
      demo_note: state.demo && state.unlocked ? messages.demo_note : "",
    };
  },
  async passphraseStrength(p) {
    return structuredClone(verdictFor(p));
  },
  async suggestPassphrase() {
    state.log.push("suggest_passphrase");
    save();
    return structuredClone(passphrases.suggestion);
  },
  async createStore(p) {
    if (state.exists) refuse("store_exists");
    if (!verdictFor(p).acceptable) refuse("passphrase_weak");
    Object.assign(state, { exists: true, unlocked: true, passphrase: p });
    save();
    return { recovery_key: RECOVERY_KEY };
  },
  async unlock(p) {
    await new Promise((r) => setTimeout(r, 150));
    if (p !== state.passphrase) refuse("wrong_passphrase");
    state.unlocked = true;
    state.demo = false;
    save();
    return { exists: true, unlocked: true, demo: false, demo_note: "" };
  },
  async recover(key, p) {
    const refusal = recoveryKeyRefusal(key);
    if (refusal === "mistyped") refuse("recovery_key_mistyped");
    if (refusal === "wrong") refuse("wrong_recovery_key");
    if (!verdictFor(p).acceptable) refuse("passphrase_weak");
    state.passphrase = p;
    state.unlocked = true;
    save();
    return { exists: true, unlocked: true, demo: false, demo_note: "" };
  },
  async openDemo() {
    state.unlocked = true;
    state.demo = true;
    state.calls = sampleCalls();
    save();
    return { exists: state.exists, unlocked: true, demo: true, demo_note: messages.demo_note };
  },
  async lock() {
    state.unlocked = false;
    state.log.push("lock");
    save();
  },
  async stillHere() {
    state.log.push("still_here");
    save();
  },
  async rules() {
    return rules;
  },
  async vocabulary() {
    requireUnlocked();
    return vocabulary;
  },
  async newForm() {
    requireUnlocked();
    return blankForm(state.generation);
  },
  async logCall(form) {
    requireUnlocked();
    check(form);
    // As the backend: the form's id makes a second save replace the first.
    // Kept with the start as `2026-12-02T10:20`, which the listing sorts by.
    const stored = {
      ...structuredClone(form),
      started_at: isoStart(form.started_at) ?? form.started_at,
    };
    const again = state.calls.find((c) => c.id === form.id);
    if (again) again.form = stored;
    else state.calls.push({ id: form.id, form: stored, loggedAt: localNow().replace("T", " ") });
    if (form.draft_generation === state.generation) {
      state.draft = null;
      state.generation += 1;
    }
    state.log.push(`log_call:${form.call_type}`);
    save();
    return {
      id: form.id,
      message: messages.logged[form.call_type]![0]!.replace("{at}", localNow().slice(11)),
      next: blankForm(state.generation),
    };
  },
  async logShortCall(form, callType) {
    const short = {
      ...blankForm(state.generation),
      id: form.id,
      draft_generation: form.draft_generation,
      started_at: form.started_at,
      duration_minutes: form.duration_minutes,
      call_type: callType,
    };
    return backend.logCall(short);
  },
  async undoLog(id, form) {
    requireUnlocked();
    state.calls = state.calls.filter((c) => c.id !== id);
    const back = {
      ...structuredClone(form),
      id: crypto.randomUUID(),
      draft_generation: state.generation,
    };
    state.draft = back;
    state.log.push("undo_log");
    save();
    return back;
  },
  async openCall(id) {
    requireUnlocked();
    const c = state.calls.find((x) => x.id === id) ?? refuse("call_not_found");
    const version = c.themeListVersion ?? state.profile.theme_list_version;
    return {
      id,
      form: structuredClone(c.form),
      logged_by: "",
      logged_at: c.loggedAt,
      updated_at: c.loggedAt,
      theme_labels: c.form.themes.map((t) => {
        const theme = label(vocabulary.themes, t);
        return { id: theme.id, label: theme.label };
      }),
      theme_list_version: version,
      older_theme_list: version < state.profile.theme_list_version,
      held: state.holds.includes(id),
      shredded: state.shredded.includes(id) ? keeping.said.shredded_call : "",
    };
  },
  async updateCall(id, form) {
    requireUnlocked();
    check(form);
    const c = state.calls.find((x) => x.id === id) ?? refuse("call_not_found");
    if (c.form.themes.join() !== form.themes.join()) delete c.themeListVersion;
    c.form = structuredClone(form);
    save();
  },
  async deleteCall(id) {
    requireUnlocked();
    state.calls = state.calls.filter((c) => c.id !== id);
    state.holds = state.holds.filter((h) => h !== id);
    save();
  },
  async listCalls(filter) {
    requireUnlocked();
    if (filter.from && filter.to && filter.from > filter.to) refuse("end_before_start");
    const rows = state.calls.map(row).sort((a, b) => b.started_at.localeCompare(a.started_at));
    const due = (r: CallRow) => r.follow_up === "due_today" || r.follow_up === "overdue";
    const day = (r: CallRow) => r.started_at.slice(0, 10);
    const shown = rows.filter(
      (r) =>
        (!filter.follow_up_due || due(r)) &&
        (!filter.risk || r.risk.id === filter.risk) &&
        (!filter.from || day(r) >= filter.from) &&
        (!filter.to || day(r) <= filter.to),
    );
    return { calls: shown, matched: shown.length, follow_ups_due: rows.filter(due).length };
  },
  async saveDraft(form) {
    requireUnlocked();
    if (state.demo) refuse("demo_keep_draft");
    if (form.draft_generation !== state.generation) return false;
    state.draft = structuredClone(form);
    save();
    return true;
  },
  async loadDraft() {
    requireUnlocked();
    return state.draft;
  },
  async clearDraft() {
    requireUnlocked();
    state.draft = null;
    state.generation += 1;
    save();
    return blankForm(state.generation);
  },
  async report(request) {
    requireUnlocked();
    // Long enough for the progress message to be seen, as on a large store.
    await new Promise((r) => setTimeout(r, 200));
    return structuredClone(reportFor(request));
  },
  async exportReport(request, narrative, format, typed) {
    requireUnlocked();
    const target = exportPath(typed, reportFor(request).file_stem, format);
    const path = freePath(target, (p) => state.saved.some((s) => s.path === p));
    state.saved.push({
      path,
      format,
      narrative: format === "html" ? narrative.map((s) => s.trim()).filter((s) => s !== "") : [],
    });
    save();
    return { path };
  },
  async getSettings() {
    requireUnlocked();
    return structuredClone(state.settings);
  },
  async updateSettings(s) {
    requireUnlocked();
    const idle = rules.idle_lock_minutes;
    if (s.idle_lock_minutes < idle.min || s.idle_lock_minutes > idle.max) refuse("idle_lock");
    const callIdle = rules.call_idle_lock_minutes;
    if (s.call_idle_lock_minutes < callIdle.min || s.call_idle_lock_minutes > callIdle.max)
      refuse("call_idle_lock");
    const key = s.coordinator_key.trim();
    if (key !== "" && !/^age1[02-9ac-hj-np-z]{58}$/.test(key)) {
      refuse("coordinator_key", key);
    }
    // A key other than the saved one needs the fingerprint read out by phone.
    if (key !== "" && key !== state.settings.coordinator_key) {
      const pasted =
        pastedKeys.find((k) => k.key === key) ??
        fail("failed", "The browser tests' backend knows its two pretend keys only.");
      if (!sameFingerprint(s.coordinator_key_fingerprint, pasted.fingerprint)) {
        const r = s.coordinator_key_fingerprint.trim() === "" ? pasted.missing : pasted.wrong;
        fail(r.code, r.message, r.field);
      }
    }
    state.settings = {
      ...structuredClone(s),
      display_name: s.display_name.trim(),
      coordinator_key: key,
      coordinator_key_fingerprint: keyFingerprint(key),
    };
    save();
    return structuredClone(state.settings);
  },
  async changePassphrase(current, next) {
    requireUnlocked();
    if (current !== state.passphrase) refuse("current_passphrase_wrong");
    if (!verdictFor(next).acceptable) refuse("passphrase_weak", "", "new_passphrase");
    state.passphrase = next;
    save();
  },
  async returnsOverview() {
    requireUnlocked();
    return overview();
  },
  async createReturn(request) {
    requireUnlocked();
    if (state.demo) refuse("demo_make_return");
    if (!yearIn(request.year)) {
      fail(
        "invalid",
        `Year: ${request.year} is not a year Quietline can make a return for; enter a year such as 2024`,
        "year",
      );
    }
    if (state.settings.coordinator_key === "") refuse("no_coordinator_key");
    if (state.settings.display_name === "") refuse("no_display_name");
    const period = request.academic
      ? `${request.year}/${String((request.year + 1) % 100).padStart(2, "0")}`
      : String(request.year);
    const target = exportPath(
      request.path,
      `quietline-return-${period.replace("/", "-")}`,
      "qlreturn",
    );
    const path = freePath(target, (p) => state.returnsSaved.includes(p));
    const [from, to] = request.academic
      ? [`${request.year}-09-01`, `${request.year + 1}-09-01`]
      : [`${request.year}-01-01`, `${request.year + 1}-01-01`];
    const calls = state.calls.filter(
      (c) => c.form.started_at >= from && c.form.started_at < to,
    ).length;
    state.returnsSaved.push(path);
    save();
    return { path, period, calls, deleted: 0, fingerprint: OWN_FINGERPRINT };
  },
  async becomeCoordinator() {
    requireUnlocked();
    if (state.demo) refuse("demo_become_coordinator");
    if (!state.ownCoordinatorKey) {
      state.ownCoordinatorKey = COORDINATOR_KEY;
      state.profile = structuredClone(profiles.views.coordinator_new);
    }
    save();
    return overview();
  },
  async checkReturns(paths) {
    requireUnlocked();
    if (state.demo) refuse("demo_merge_returns");
    requireCoordinator();
    await new Promise((r) => setTimeout(r, 100));
    return paths.map((p) => {
      const file: Partial<ReturnType<typeof checkFile>> = checkFile(p);
      delete file.who;
      return file as Omit<ReturnType<typeof checkFile>, "who">;
    });
  },
  async mergeReturns(request) {
    requireUnlocked();
    if (state.demo) refuse("demo_merge_returns");
    requireCoordinator();
    const results: MergeResult[] = request.paths.map((path) => {
      const file = checkFile(path);
      const base = { path, file_name: file.file_name };
      const who = file.who;
      if (file.state === "refused" || !who)
        return { ...base, state: "refused", message: file.problem };
      if (file.state === "already_merged")
        return {
          ...base,
          state: "already_merged",
          message: messages.already_merged
            .replace("{volunteer}", who.name)
            .replace("{period}", file.period),
        };
      if (file.state === "new_volunteer") {
        if (!request.trust.includes(who.fingerprint)) {
          return {
            ...base,
            state: "refused",
            message: refusals
              .unknown_signer!.message.replace("{name}", who.name)
              .replace("{fingerprint}", who.fingerprint),
          };
        }
        state.volunteers.push({
          name: who.name,
          fingerprint: who.fingerprint,
          trusted_on: today(),
          revoked_on: null,
          last_return_on: null,
          returns_merged: 0,
          calls_by_year: [],
        });
      }
      const v = state.volunteers.find((x) => x.fingerprint === who.fingerprint)!;
      v.last_return_on = today();
      v.returns_merged++;
      const year = v.calls_by_year.find((y) => y.label === file.period);
      if (year) year.calls += who.calls;
      else v.calls_by_year.push({ label: file.period, calls: who.calls });
      state.merged.push(path);
      return {
        ...base,
        state: "merged",
        message: messages.merged
          .replace("{volunteer}", who.name)
          .replace("{period}", file.period)
          .replace("{added}", String(who.calls))
          .replace("{updated}", "0")
          .replace("{unchanged}", "0")
          .replace("{removed}", String(who.deleted)),
      };
    });
    save();
    return results;
  },
  async volunteers() {
    requireUnlocked();
    return structuredClone(state.volunteers);
  },
  async revokeVolunteer(fingerprint) {
    requireUnlocked();
    const v =
      state.volunteers.find((x) => x.fingerprint === fingerprint) ?? refuse("no_such_volunteer");
    v.revoked_on ??= today();
    save();
    return structuredClone(state.volunteers);
  },
  async purgeVolunteer(fingerprint) {
    requireUnlocked();
    const v =
      state.volunteers.find((x) => x.fingerprint === fingerprint) ?? refuse("no_such_volunteer");
    if (!v.revoked_on) refuse("not_revoked", v.name);
    const calls = v.calls_by_year.reduce((n, y) => n + y.calls, 0);
    v.calls_by_year = [];
    save();
    return {
      calls,
      message: messages.purged
        .replace("{calls}", plural(calls, "call"))
        .replace("{volunteer}", v.name),
    };
  },
  async chooseReturnFiles() {
    const paths = state.chooserPaths;
    state.log.push("choose_files");
    save();
    return paths;
  },
  async profile() {
    requireUnlocked();
    return structuredClone(state.profile);
  },
  async checkProfileFile(path) {
    requireUnlocked();
    if (state.demo) refuse("demo_import_profile");
    await new Promise((r) => setTimeout(r, 100));
    return checkProfile(path);
  },
  async importProfile(request) {
    requireUnlocked();
    if (state.demo) refuse("demo_import_profile");
    const file = checkProfile(request.path);
    let pinning: ProfileApplied | null = null;
    switch (file.state) {
      case "current":
        return structuredClone(profiles.applied.current);
      case "superseded":
        return profileRefusal("superseded");
      case "update":
        return applyProfile(profiles.applied.update);
      case "other_signer":
        if (!request.repin) profileRefusal("other_signer");
        pinning = profiles.applied.repin;
        break;
      case "first_import":
        pinning = profiles.applied.first_import;
        break;
    }
    if (!sameFingerprint(request.fingerprint, file.signer_fingerprint)) {
      const missing = request.fingerprint.trim() === "";
      if (file.state === "other_signer")
        profileRefusal(missing ? "repin_fingerprint_missing" : "repin_fingerprint_wrong");
      profileRefusal(missing ? "fingerprint_missing" : "fingerprint_wrong");
    }
    return applyProfile(pinning);
  },
  async setProfileDetails(details) {
    requireUnlocked();
    if (!state.ownCoordinatorKey) profileRefusal("volunteer_cannot_author");
    // Roughly the library's rules: a name, and a count up to 100.
    if (details.helpline.trim() === "") profileRefusal("helpline");
    if (details.suppress_below > 100) profileRefusal("suppress_below");
    state.profile = {
      ...state.profile,
      helpline: details.helpline.trim(),
      suppress_below: details.suppress_below,
    };
    save();
    return structuredClone(state.profile);
  },
  async exportProfile(typed) {
    requireUnlocked();
    if (!state.ownCoordinatorKey) profileRefusal("volunteer_cannot_author");
    if (state.profile.helpline === "") profileRefusal("export_no_helpline");
    const published =
      state.profile.theme_list_version === profiles.views.coordinator_published.theme_list_version;
    const made = published ? profiles.exported.published : profiles.exported.first;
    const stem = (made.path.split("/").pop() ?? "").replace(/\.qlprofile$/, "");
    const path = freePath(exportPath(typed, stem, "qlprofile"), (p) =>
      state.profilesSaved.includes(p),
    );
    state.profilesSaved.push(path);
    state.profile.version = made.version;
    save();
    return { ...made, path };
  },
  async coordinatorKeyFingerprint(key) {
    if (!/^age1[02-9ac-hj-np-z]{58}$/.test(key.trim())) refuse("coordinator_key", key.trim());
    return (
      keyFingerprint(key.trim()) ||
      fail("failed", "The browser tests' backend knows its two pretend keys only.")
    );
  },
  async startThemeDraft(shipped) {
    requireUnlocked();
    if (!state.ownCoordinatorKey) profileRefusal("volunteer_cannot_edit_themes");
    const drafts = profiles.editor.drafts;
    if (state.profile.theme_list_version !== drafts.current!.base_version) {
      if (shipped) profileRefusal("shipped_unavailable");
      fail("failed", "The browser tests' backend has drafts of theme list version 1 only.");
    }
    await new Promise((r) => setTimeout(r, 100));
    return structuredClone(shipped ? drafts.shipped! : drafts.current!);
  },
  async editThemeDraft(request) {
    requireUnlocked();
    if (!state.ownCoordinatorKey) profileRefusal("volunteer_cannot_edit_themes");
    const from = draftName(request.draft);
    const same = (e: { from: string; edit: ThemeEdit }) =>
      e.from === from && canonical(e.edit) === canonical(request.edit);
    const refused = profiles.editor.refused_edits.find(same);
    if (refused) fail(refused.error.code, refused.error.message, refused.error.field);
    const known = profiles.editor.edits.find(same);
    if (!known) {
      fail(
        "failed",
        "The browser tests' backend knows only the theme list changes in profile.json.",
      );
    }
    return structuredClone(profiles.editor.drafts[known.to]!);
  },
  async publishThemeDraft(draft) {
    requireUnlocked();
    if (!state.ownCoordinatorKey) profileRefusal("volunteer_cannot_edit_themes");
    const name = draftName(draft);
    if (name === "current") profileRefusal("publish_unchanged");
    if (name !== "rename") {
      fail(
        "failed",
        "The browser tests' backend publishes the draft after the split and the rename only.",
      );
    }
    state.profile.theme_list_version = profiles.views.coordinator_published.theme_list_version;
    save();
    return structuredClone(state.profile);
  },
  async chooseProfileFile() {
    const path = state.chooserPaths[0] ?? null;
    state.log.push("choose_profile");
    save();
    return path;
  },
  async backupStatus() {
    requireUnlocked();
    return backupStatus();
  },
  async chooseBackups(choice) {
    requireUnlocked();
    if (state.demo) keepingRefusal("demo");
    const folder = choice.folder.trim();
    if (folder !== "" && !folder.startsWith("/")) keepingRefusal("folder_not_full");
    if (folder !== "" && !FOLDERS.includes(folder.replace(/(.)\/$/, "$1")))
      keepingRefusal("no_folder", folder);
    // The library's bounds, as its refusals say them.
    if (choice.keep < 1 || choice.keep > 60) keepingRefusal("keep_backups");
    if (choice.warn_after_days < 1 || choice.warn_after_days > 90)
      keepingRefusal("backup_warn_days");
    if (folder !== state.backups.folder) {
      state.backups.made = [];
      state.backups.unplugged = false;
    }
    state.backups.folder = folder;
    state.backups.keep = choice.keep;
    state.backups.warnDays = choice.warn_after_days;
    state.log.push("choose_backups");
    save();
    return backupStatus();
  },
  async backUpNow() {
    requireUnlocked();
    if (state.demo) keepingRefusal("demo");
    if (state.backups.folder === "") keepingRefusal("no_folder_chosen");
    // Long enough for "Backing up…" to be seen, as on a real USB stick.
    await new Promise((r) => setTimeout(r, 300));
    if (state.backups.unplugged) {
      const r = keeping.refusals.unreachable!;
      fail(r.code, inFolder(r.message), r.field);
    }
    const made = keeping.said.made;
    state.backups.made.push(inFolder(made.path));
    state.backups.stale = false;
    state.log.push("back_up_now");
    save();
    return { ...structuredClone(made), path: inFolder(made.path), message: inFolder(made.message) };
  },
  async activity(since) {
    requireUnlocked();
    state.log.push(`activity ${since ?? "all"}`);
    save();
    const said = activityJson as unknown as {
      all: ActivityList;
      since: Record<string, ActivityList>;
      refusals: Record<string, AppError>;
    };
    // A record whose chain is broken (`activity=damaged`).
    if (new URLSearchParams(location.search).get("activity") === "damaged") {
      const r = said.refusals.damaged!;
      fail(r.code, r.message, r.field);
    }
    if (since === null) return structuredClone(said.all);
    return structuredClone(said.since[since] ?? { entries: [], total: said.all.total });
  },
  async retention() {
    requireUnlocked();
    const said = state.retentionMonths === 0 ? keeping.retention.none : keeping.retention.set;
    return { ...structuredClone(said), held: state.holds.length };
  },
  async previewShred(months) {
    requireUnlocked();
    if (months > 120) keepingRefusal("retention_months");
    const said =
      keeping.shred_previews[String(months)] ??
      fail("failed", "The browser tests' backend knows 0, 6, 12, 24, 36 and 120 months only.");
    return structuredClone(said);
  },
  async setRetention(months) {
    requireUnlocked();
    if (months > 120) keepingRefusal("retention_months");
    if (months !== 0 && months !== 12)
      fail("failed", "The browser tests' backend sets 0 or 12 months only.");
    state.retentionMonths = months;
    state.log.push(`set_retention:${months}`);
    save();
    return structuredClone(months === 0 ? keeping.said.nothing_shredded : keeping.said.shredded);
  },
  async holdCall(id) {
    requireUnlocked();
    if (!state.calls.some((c) => c.id === id)) refuse("call_not_found");
    if (state.shredded.includes(id)) keepingRefusal("hold_shredded");
    if (!state.holds.includes(id)) state.holds.push(id);
    save();
    return keeping.said.hold;
  },
  async releaseHold(id) {
    requireUnlocked();
    if (!state.calls.some((c) => c.id === id)) refuse("call_not_found");
    const was = state.holds.includes(id);
    state.holds = state.holds.filter((h) => h !== id);
    save();
    return was ? keeping.said.release : keeping.said.not_held;
  },
  async checkBackupFile(typed) {
    await new Promise((r) => setTimeout(r, 100));
    const { path, preview } = backupAt(typed);
    const view = state.exists ? keeping.files.store_exists : keeping.files.new_laptop;
    return { ...structuredClone(view), path, made: preview.made };
  },
  async previewRestore(request) {
    // Unlocking a backup derives its key, as unlocking the store does.
    await new Promise((r) => setTimeout(r, 150));
    return unlockBackup(request);
  },
  async restoreBackup(request) {
    await new Promise((r) => setTimeout(r, 150));
    if (state.exists && request.confirm.trim().toLowerCase() !== REPLACE_WORD)
      keepingRefusal("replace_confirmation");
    unlockBackup(request);
    Object.assign(state, {
      exists: true,
      unlocked: true,
      demo: false,
      passphrase: request.recovery_key.trim() === "" ? request.passphrase : request.new_passphrase,
      calls: sampleCalls(),
      draft: null,
      holds: [],
      shredded: [],
    });
    state.log.push("restore_backup");
    save();
    return structuredClone(keeping.said.restored);
  },
  async checkForUpdate() {
    state.log.push("check_for_update");
    save();
    await new Promise((r) => setTimeout(r, 100));
    if (state.update === "offline") fail("failed", updates.unreachable);
    return updateCheck(state.update === "latest" ? "latest" : "offer");
  },
  async installUpdate() {
    state.log.push("install_update");
    save();
    await new Promise((r) => setTimeout(r, 100));
    if (state.update === "forged") fail("failed", updates.not_signed);
    if (state.update !== "offer")
      fail("failed", "The browser tests' backend has nothing to install.");
    // The real backend locks and restarts into the new version.
    state.unlocked = false;
    save();
    window.location.reload();
  },
  async chooseBackupFolder() {
    const path = state.chooserPaths[0] ?? null;
    state.log.push("choose_backup_folder");
    save();
    return path;
  },
  async chooseBackupFile() {
    const path = state.chooserPaths[0] ?? null;
    state.log.push("choose_backup_file");
    save();
    return path;
  },
  async onFileDrop(handler) {
    const listener = (e: Event) => handler((e as CustomEvent<FileDrop>).detail);
    fileDrops.addEventListener("drop", listener);
    return () => fileDrops.removeEventListener("drop", listener);
  },
  async onLockingSoon(handler) {
    const listener = (e: Event) => handler((e as CustomEvent<number>).detail);
    window.addEventListener("quietline-mock-locking-soon", listener);
    return () => window.removeEventListener("quietline-mock-locking-soon", listener);
  },
  async onUpdateAvailable(handler) {
    const listener = () => handler(updateCheck("offer"));
    window.addEventListener("quietline-mock-update-available", listener);
    return () => window.removeEventListener("quietline-mock-update-available", listener);
  },
  async onLocked(handler) {
    const listener = () => {
      state = load();
      state.unlocked = false;
      save();
      handler();
    };
    window.addEventListener("quietline-mock-locked", listener);
    return () => window.removeEventListener("quietline-mock-locked", listener);
  },
};

// For the tests: what the backend was asked, and the state it holds.
(window as unknown as { quietlineMock: unknown }).quietlineMock = {
  state: () => load(),
  lockFromBackend: () => window.dispatchEvent(new Event("quietline-mock-locked")),
  /** As the check after unlocking reports a newer version. */
  updateAvailable: () => window.dispatchEvent(new Event("quietline-mock-update-available")),
  /** As the backend warns of an idle lock `seconds` away. */
  lockingSoon: (seconds: number) =>
    window.dispatchEvent(new CustomEvent("quietline-mock-locking-soon", { detail: seconds })),
  /** Takes the backup USB stick out (true) or puts it back. */
  unplug: (out: boolean) => {
    state = load();
    state.backups.unplugged = out;
    save();
  },
  /** What "Choose files…" answers next, as if picked in the chooser. */
  chooseNext: (paths: string[]) => {
    state.chooserPaths = paths;
    save();
  },
  /** As Tauri reports files dragged over and dropped on the window. */
  dropFiles: (paths: string[]) => {
    fileDrops.dispatchEvent(new CustomEvent<FileDrop>("drop", { detail: { kind: "over" } }));
    fileDrops.dispatchEvent(new CustomEvent<FileDrop>("drop", { detail: { kind: "drop", paths } }));
  },
};
