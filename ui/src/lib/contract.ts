// What the screens may ask of the backend. `ipc.ts` implements it over
// Tauri; `testing/mockIpc.ts` implements it in memory for browser tests.
import type { ActivityList } from "./bindings/ActivityList";
import type { AppError } from "./bindings/AppError";
import type { AppSettings } from "./bindings/AppSettings";
import type { BackupChoice } from "./bindings/BackupChoice";
import type { BackupFileView } from "./bindings/BackupFileView";
import type { BackupMade } from "./bindings/BackupMade";
import type { BackupStatus } from "./bindings/BackupStatus";
import type { CallFilter } from "./bindings/CallFilter";
import type { CallForm } from "./bindings/CallForm";
import type { CallList } from "./bindings/CallList";
import type { Created } from "./bindings/Created";
import type { ExportFormat } from "./bindings/ExportFormat";
import type { Field } from "./bindings/Field";
import type { Logged } from "./bindings/Logged";
import type { Exported } from "./bindings/Exported";
import type { MergeRequest } from "./bindings/MergeRequest";
import type { MergeResult } from "./bindings/MergeResult";
import type { OpenedCall } from "./bindings/OpenedCall";
import type { PassphraseStrength } from "./bindings/PassphraseStrength";
import type { PassphraseSuggestion } from "./bindings/PassphraseSuggestion";
import type { ProfileApplied } from "./bindings/ProfileApplied";
import type { ProfileDetails } from "./bindings/ProfileDetails";
import type { ProfileExported } from "./bindings/ProfileExported";
import type { ProfileFile } from "./bindings/ProfileFile";
import type { ProfileImport } from "./bindings/ProfileImport";
import type { ProfileView } from "./bindings/ProfileView";
import type { ReportRequest } from "./bindings/ReportRequest";
import type { ReportView } from "./bindings/ReportView";
import type { RestorePreview } from "./bindings/RestorePreview";
import type { RestoreRequest } from "./bindings/RestoreRequest";
import type { Restored } from "./bindings/Restored";
import type { RetentionView } from "./bindings/RetentionView";
import type { ReturnFile } from "./bindings/ReturnFile";
import type { ReturnMade } from "./bindings/ReturnMade";
import type { ReturnRequest } from "./bindings/ReturnRequest";
import type { ReturnsOverview } from "./bindings/ReturnsOverview";
import type { Rules } from "./bindings/Rules";
import type { ShredDone } from "./bindings/ShredDone";
import type { ShredPreview } from "./bindings/ShredPreview";
import type { StoreStatus } from "./bindings/StoreStatus";
import type { ThemeDraftEdit } from "./bindings/ThemeDraftEdit";
import type { UpdateCheck } from "./bindings/UpdateCheck";
import type { ThemeDraftView } from "./bindings/ThemeDraftView";
import type { Vocabulary } from "./bindings/Vocabulary";
import type { VolunteerRow } from "./bindings/VolunteerRow";
import type { Purged } from "./bindings/Purged";

/** Files dragged over the window, and the paths of those dropped on it. */
export type FileDrop = { kind: "over" } | { kind: "leave" } | { kind: "drop"; paths: string[] };

export interface Backend {
  status(): Promise<StoreStatus>;
  passphraseStrength(passphrase: string): Promise<PassphraseStrength>;
  /** Four random words, for a new passphrase. */
  suggestPassphrase(): Promise<PassphraseSuggestion>;
  createStore(passphrase: string): Promise<Created>;
  unlock(passphrase: string): Promise<StoreStatus>;
  recover(recoveryKey: string, newPassphrase: string): Promise<StoreStatus>;
  openDemo(): Promise<StoreStatus>;
  lock(): Promise<void>;
  stillHere(): Promise<void>;
  /** The limits and labels the screens show; needs no store. */
  rules(): Promise<Rules>;
  vocabulary(): Promise<Vocabulary>;
  /** A blank form with the id its call will be saved under. */
  newForm(): Promise<CallForm>;
  /** Saves the form's call; saving the same form again never logs it twice. */
  logCall(form: CallForm): Promise<Logged>;
  /** Logs a short call (silent, hang-up…) from the form's time and length only. */
  logShortCall(form: CallForm, callType: string): Promise<Logged>;
  /** Deletes a call just logged; gives `form` back under a new id, kept as the draft. */
  undoLog(id: string, form: CallForm): Promise<CallForm>;
  openCall(id: string): Promise<OpenedCall>;
  updateCall(id: string, form: CallForm): Promise<void>;
  deleteCall(id: string): Promise<void>;
  listCalls(filter: CallFilter): Promise<CallList>;
  /** Keeps the form as the draft; false if its form was saved or cleared since. */
  saveDraft(form: CallForm): Promise<boolean>;
  loadDraft(): Promise<CallForm | null>;
  /** Throws the draft away; returns a blank form. */
  clearDraft(): Promise<CallForm>;
  report(request: ReportRequest): Promise<ReportView>;
  /** Saves the report at `path` (a file or a folder); never replaces a file. */
  exportReport(
    request: ReportRequest,
    narrative: string[],
    format: ExportFormat,
    path: string,
  ): Promise<Exported>;
  getSettings(): Promise<AppSettings>;
  updateSettings(settings: AppSettings): Promise<AppSettings>;
  changePassphrase(current: string, newPassphrase: string): Promise<void>;
  /** The activity record from `since` (YYYY-MM-DD; null for all of it), oldest first, its chain checked. */
  activity(since: string | null): Promise<ActivityList>;
  returnsOverview(): Promise<ReturnsOverview>;
  /** Saves a return at `request.path` (a file or a folder); never replaces a file. */
  createReturn(request: ReturnRequest): Promise<ReturnMade>;
  becomeCoordinator(): Promise<ReturnsOverview>;
  /** Opens and verifies return files by path, merging nothing. */
  checkReturns(paths: string[]): Promise<ReturnFile[]>;
  mergeReturns(request: MergeRequest): Promise<MergeResult[]>;
  volunteers(): Promise<VolunteerRow[]>;
  revokeVolunteer(fingerprint: string): Promise<VolunteerRow[]>;
  /** Removes a revoked volunteer's merged calls (the view asked first). */
  purgeVolunteer(fingerprint: string): Promise<Purged>;
  /** Asks for return files with the system's file chooser; [] if cancelled. */
  chooseReturnFiles(): Promise<string[]>;
  /** The helpline profile this call log uses (or makes, for the coordinator). */
  profile(): Promise<ProfileView>;
  /** Reads a `.qlprofile` file by path and says what importing it would do; changes nothing. */
  checkProfileFile(path: string): Promise<ProfileFile>;
  /** Imports a profile file; the first one (or a new coordinator's) only with the fingerprint read out by phone. */
  importProfile(request: ProfileImport): Promise<ProfileApplied>;
  /** The coordinator's helpline name and smallest published count. */
  setProfileDetails(details: ProfileDetails): Promise<ProfileView>;
  /** Writes the signed profile at `path` (a file or a folder); never replaces a file. */
  exportProfile(path: string): Promise<ProfileExported>;
  /** The fingerprint of a coordinator key as typed, to compare with the one read out. */
  coordinatorKeyFingerprint(key: string): Promise<string>;
  /** A draft of the next theme list: the current one, or Quietline's 2025 list with `shipped`. */
  startThemeDraft(shipped: boolean): Promise<ThemeDraftView>;
  /** Applies one change to the draft sent; the draft itself is never changed in place. */
  editThemeDraft(request: ThemeDraftEdit): Promise<ThemeDraftView>;
  /** Publishes the draft: new calls are logged under it from now on. */
  publishThemeDraft(draft: unknown): Promise<ProfileView>;
  /** Asks for one profile file with the system's file chooser; null if cancelled. */
  chooseProfileFile(): Promise<string | null>;
  /** How the backups stand: the settings, and Rust's line and warning about them. */
  backupStatus(): Promise<BackupStatus>;
  /** Saves the backup settings; an empty folder turns automatic backups off. */
  chooseBackups(choice: BackupChoice): Promise<BackupStatus>;
  /** Backs up into the chosen folder now. */
  backUpNow(): Promise<BackupMade>;
  /** The retention policy, what it has shredded and how many calls are on legal hold. */
  retention(): Promise<RetentionView>;
  /** What a policy of `months` would shred today; changes nothing. */
  previewShred(months: number): Promise<ShredPreview>;
  /** Sets the retention policy (0 keeps notes) and applies it at once. */
  setRetention(months: number): Promise<ShredDone>;
  /** Puts a call on legal hold: its notes are never shredded until released. */
  holdCall(id: string): Promise<string>;
  releaseHold(id: string): Promise<string>;
  /** What a backup file says about itself, before any passphrase; needs no unlocked store. */
  checkBackupFile(path: string): Promise<BackupFileView>;
  /** Unlocks and checks a backup and says what it holds; keeps nothing. */
  previewRestore(request: RestoreRequest): Promise<RestorePreview>;
  /** Restores a backup as this computer's call log and unlocks it. */
  restoreBackup(request: RestoreRequest): Promise<Restored>;
  /** Asks the helpline's update server now: a newer version and its notes, or none. */
  checkForUpdate(): Promise<UpdateCheck>;
  /** Installs the version the last check found once its signature verifies; the
   *  store locks first and the app restarts. Returns only if it was not installed. */
  installUpdate(): Promise<void>;
  /** Asks for the backup folder with the system's folder chooser; null if cancelled. */
  chooseBackupFolder(): Promise<string | null>;
  /** Asks for one backup file with the system's file chooser; null if cancelled. */
  chooseBackupFile(): Promise<string | null>;
  /** Calls `handler` as files are dragged over and dropped on the window. */
  onFileDrop(handler: (drop: FileDrop) => void): Promise<() => void>;
  /** Calls `handler` when the backend locks the store (idle time ran out). */
  onLocked(handler: () => void): Promise<() => void>;
  /** Calls `handler` with the seconds left shortly before an idle lock. */
  onLockingSoon(handler: (seconds: number) => void): Promise<() => void>;
  /** Calls `handler` when the check after unlocking (if turned on) found a newer version. */
  onUpdateAvailable(handler: (found: UpdateCheck) => void): Promise<() => void>;
}

export function isAppError(e: unknown): e is AppError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** A message a volunteer can act on, whatever was thrown. */
export function messageOf(e: unknown): string {
  if (isAppError(e)) return e.message;
  return "Something went wrong inside Quietline. Try again; your draft is kept.";
}

/** The field an error is about, as Rust names it; null if none. */
export function fieldOf(e: unknown): Field | null {
  return isAppError(e) ? e.field : null;
}

/** Whether an error is about `field`. */
export function isField(e: unknown, field: Field): boolean {
  return fieldOf(e) === field;
}
