// The only module that talks to Tauri. Screens import `backend` from
// `$ipc`, which the browser tests point at an in-memory stand-in.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { Backend } from "./contract";

const LOCKED_EVENT = "quietline://locked";

export const backend: Backend = {
  status: () => invoke("status"),
  passphraseStrength: (passphrase) => invoke("passphrase_strength", { passphrase }),
  createStore: (passphrase) => invoke("create_store", { passphrase }),
  unlock: (passphrase) => invoke("unlock", { passphrase }),
  recover: (recoveryKey, newPassphrase) => invoke("recover", { recoveryKey, newPassphrase }),
  openDemo: () => invoke("open_demo"),
  lock: () => invoke("lock"),
  stillHere: () => invoke("still_here"),
  vocabulary: () => invoke("vocabulary"),
  newForm: () => invoke("new_form"),
  logCall: (form) => invoke("log_call", { form }),
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
  onLocked: (handler) => listen(LOCKED_EVENT, () => handler()),
};
