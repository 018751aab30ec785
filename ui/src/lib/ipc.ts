// The only module that talks to Tauri. Screens import `backend` from
// `$ipc`, which the browser tests point at an in-memory stand-in.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { open } from "@tauri-apps/plugin-dialog";
import type { Backend } from "./contract";
import type { UpdateCheck } from "./bindings/UpdateCheck";

const LOCKED_EVENT = "quietline://locked";
const LOCKING_SOON_EVENT = "quietline://locking-soon";
const UPDATE_AVAILABLE_EVENT = "quietline://update-available";

export const backend: Backend = {
  status: () => invoke("status"),
  passphraseStrength: (passphrase) => invoke("passphrase_strength", { passphrase }),
  suggestPassphrase: () => invoke("suggest_passphrase"),
  createStore: (passphrase) => invoke("create_store", { passphrase }),
  unlock: (passphrase) => invoke("unlock", { passphrase }),
  recover: (recoveryKey, newPassphrase) => invoke("recover", { recoveryKey, newPassphrase }),
  openDemo: () => invoke("open_demo"),
  lock: () => invoke("lock"),
  stillHere: () => invoke("still_here"),
  rules: () => invoke("rules"),
  vocabulary: () => invoke("vocabulary"),
  newForm: () => invoke("new_form"),
  logCall: (form) => invoke("log_call", { form }),
  logShortCall: (form, callType) => invoke("log_short_call", { form, callType }),
  undoLog: (id, form) => invoke("undo_log", { id, form }),
  openCall: (id) => invoke("open_call", { id }),
  updateCall: (id, form) => invoke("update_call", { id, form }),
  deleteCall: (id) => invoke("delete_call", { id }),
  listCalls: (filter) => invoke("list_calls", { filter }),
  saveDraft: (form) => invoke("save_draft", { form }),
  loadDraft: () => invoke("load_draft"),
  clearDraft: () => invoke("clear_draft"),
  report: (request) => invoke("report", { request }),
  exportReport: (request, narrative, format, path) =>
    invoke("export_report", { request, narrative, format, path }),
  getSettings: () => invoke("get_settings"),
  updateSettings: (settings) => invoke("update_settings", { settings }),
  changePassphrase: (current, newPassphrase) =>
    invoke("change_passphrase", { current, newPassphrase }),
  activity: (since) => invoke("activity", { since }),
  returnsOverview: () => invoke("returns_overview"),
  createReturn: (request) => invoke("create_return", { request }),
  becomeCoordinator: () => invoke("become_coordinator"),
  checkReturns: (paths) => invoke("check_returns", { paths }),
  mergeReturns: (request) => invoke("merge_returns", { request }),
  volunteers: () => invoke("volunteers"),
  revokeVolunteer: (fingerprint) => invoke("revoke_volunteer", { fingerprint }),
  purgeVolunteer: (fingerprint) => invoke("purge_volunteer", { fingerprint }),
  // The choosers hand back paths only; the returns, profile and backup
  // commands read the files.
  chooseReturnFiles: async () =>
    (await open({
      title: "Choose returns to merge",
      multiple: true,
      directory: false,
      filters: [{ name: "Quietline returns", extensions: ["qlreturn"] }],
    })) ?? [],
  profile: () => invoke("profile"),
  checkProfileFile: (path) => invoke("check_profile_file", { path }),
  importProfile: (request) => invoke("import_profile", { request }),
  setProfileDetails: (details) => invoke("set_profile_details", { details }),
  exportProfile: (path) => invoke("export_profile", { path }),
  coordinatorKeyFingerprint: (key) => invoke("coordinator_key_fingerprint", { key }),
  startThemeDraft: (shipped) => invoke("start_theme_draft", { shipped }),
  editThemeDraft: (request) => invoke("edit_theme_draft", { request }),
  publishThemeDraft: (draft) => invoke("publish_theme_draft", { draft }),
  chooseProfileFile: async () =>
    await open({
      title: "Choose the helpline profile",
      multiple: false,
      directory: false,
      filters: [{ name: "Quietline helpline profile", extensions: ["qlprofile"] }],
    }),
  backupStatus: () => invoke("backup_status"),
  chooseBackups: (choice) => invoke("choose_backups", { choice }),
  backUpNow: () => invoke("back_up_now"),
  retention: () => invoke("retention"),
  previewShred: (months) => invoke("preview_shred", { months }),
  setRetention: (months) => invoke("set_retention", { months }),
  holdCall: (id) => invoke("hold_call", { id }),
  releaseHold: (id) => invoke("release_hold", { id }),
  checkBackupFile: (path) => invoke("check_backup_file", { path }),
  // Passphrases and the recovery key go as separate arguments, each
  // received as a secret the shell zeroes.
  previewRestore: (request) =>
    invoke("preview_restore", {
      path: request.path,
      passphrase: request.passphrase,
      recoveryKey: request.recovery_key,
      newPassphrase: request.new_passphrase,
    }),
  restoreBackup: (request) =>
    invoke("restore_backup", {
      path: request.path,
      passphrase: request.passphrase,
      recoveryKey: request.recovery_key,
      newPassphrase: request.new_passphrase,
      confirm: request.confirm,
    }),
  checkForUpdate: () => invoke("check_for_update"),
  installUpdate: () => invoke("install_update"),
  chooseBackupFolder: async () =>
    await open({ title: "Choose the backup folder", multiple: false, directory: true }),
  chooseBackupFile: async () =>
    await open({
      title: "Choose the backup to restore",
      multiple: false,
      directory: false,
      filters: [{ name: "Quietline backups", extensions: ["qlbackup"] }],
    }),
  onFileDrop: (handler) =>
    getCurrentWebview().onDragDropEvent(({ payload }) => {
      if (payload.type === "drop") handler({ kind: "drop", paths: payload.paths });
      else if (payload.type === "leave") handler({ kind: "leave" });
      else handler({ kind: "over" });
    }),
  onLocked: (handler) => listen(LOCKED_EVENT, () => handler()),
  onLockingSoon: (handler) => listen<number>(LOCKING_SOON_EVENT, (e) => handler(e.payload)),
  onUpdateAvailable: (handler) =>
    listen<UpdateCheck>(UPDATE_AVAILABLE_EVENT, (e) => handler(e.payload)),
};
