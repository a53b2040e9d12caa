// The only place the UI talks to the Rust side. Every command rejects with a CommandError, whatever
// went wrong underneath (a Rust error, a missing command, running outside Tauri), so screens
// handle exactly one error shape.
import { Channel, invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { AgencyDetail } from './bindings/AgencyDetail';
import type { AgencySummary } from './bindings/AgencySummary';
import type { AppStatus } from './bindings/AppStatus';
import type { CodeCheck } from './bindings/CodeCheck';
import type { CodeKind } from './bindings/CodeKind';
import type { CommandError } from './bindings/CommandError';
import type { ConflictView } from './bindings/ConflictView';
import type { Division } from './bindings/Division';
import type { FormSpec } from './bindings/FormSpec';
import type { DocumentRequest } from './bindings/DocumentRequest';
import type { DocumentSummary } from './bindings/DocumentSummary';
import type { Draft } from './bindings/Draft';
import type { EnterpriseContact } from './bindings/EnterpriseContact';
import type { ExportProgress } from './bindings/ExportProgress';
import type { ExportResult } from './bindings/ExportResult';
import type { Verification } from './bindings/Verification';
import type { EnterpriseFile } from './bindings/EnterpriseFile';
import type { EnterpriseQuery } from './bindings/EnterpriseQuery';
import type { EnterpriseSummary } from './bindings/EnterpriseSummary';
import type { NewEnterprise } from './bindings/NewEnterprise';
import type { NewPerson } from './bindings/NewPerson';
import type { PersonSummary } from './bindings/PersonSummary';
import type { HazardEventKind } from './bindings/HazardEventKind';
import type { HazardField } from './bindings/HazardField';
import type { HazardView } from './bindings/HazardView';
import type { IngestedPhoto } from './bindings/IngestedPhoto';
import type { Mismatch } from './bindings/Mismatch';
import type { NewHazard } from './bindings/NewHazard';
import type { NewVisit } from './bindings/NewVisit';
import type { PhotoTarget } from './bindings/PhotoTarget';
import type { Reinspection } from './bindings/Reinspection';
import type { SyncActivity } from './bindings/SyncActivity';
import type { SyncView } from './bindings/SyncView';
import type { TemplateSummary } from './bindings/TemplateSummary';
import type { VisitDetail } from './bindings/VisitDetail';
import type { VisitField } from './bindings/VisitField';
import type { VisitKind } from './bindings/VisitKind';
import type { VisitSummary } from './bindings/VisitSummary';

function isCommandError(e: unknown): e is CommandError {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Record<string, unknown>;
  const msg = o.message as Record<string, unknown> | undefined;
  return typeof o.code === 'string' && typeof msg === 'object' && msg !== null && typeof msg.zh === 'string';
}

export function toCommandError(e: unknown): CommandError {
  if (isCommandError(e)) return { code: e.code, message: e.message, field: e.field ?? null };
  // Outside the Tauri webview (e.g. `npm run dev` in a browser) there is no IPC bridge at all.
  if (typeof window !== 'undefined' && !('__TAURI_INTERNALS__' in window)) {
    return {
      code: 'internal',
      message: {
        zh: '未在 SafeServe 桌面程序中运行，无法读取数据',
        en: 'Not running inside the SafeServe desktop app; no data available',
      },
      field: null,
    };
  }
  const text = typeof e === 'string' ? e : e instanceof Error ? e.message : JSON.stringify(e);
  return { code: 'internal', message: { zh: `内部错误：${text}`, en: `Internal error: ${text}` }, field: null };
}

async function call<T>(
  command: string,
  args?: Record<string, unknown> | Uint8Array,
  headers?: Record<string, string>,
): Promise<T> {
  try {
    return await invoke<T>(command, args, headers ? { headers } : undefined);
  } catch (e) {
    throw toCommandError(e);
  }
}

export const api = {
  appStatus: () => call<AppStatus>('app_status'),
  searchEnterprises: (query: EnterpriseQuery) => call<EnterpriseSummary[]>('search_enterprises', { query }),
  enterpriseFile: (id: string) => call<EnterpriseFile>('enterprise_file', { id }),
  searchAgencies: (text: string) => call<AgencySummary[]>('search_agencies', { text }),
  agencyDetail: (id: string) => call<AgencyDetail>('agency_detail', { id }),
  searchPeople: (text: string) => call<PersonSummary[]>('search_people', { text }),
  listDivisions: () => call<Division[]>('list_divisions'),
  checkCode: (input: string, kind: CodeKind | null) => call<CodeCheck>('check_code', { input, kind }),
  addEnterprise: (form: NewEnterprise) => call<EnterpriseSummary>('add_enterprise', { form }),
  addPerson: (form: NewPerson) => call<PersonSummary>('add_person', { form }),
  updateEnterpriseContact: (id: string, contact: EnterpriseContact) =>
    call<EnterpriseSummary>('update_enterprise_contact', { id, contact }),
  uiReady: (pageMs: number) => call<null>('ui_ready', { pageMs }),
  listTemplates: () => call<TemplateSummary[]>('list_templates'),
  importTemplate: (json: string) => call<[TemplateSummary, boolean]>('import_template', { json }),
  capabilityCheck: (kind: VisitKind, targetId: string, people: string[]) =>
    call<Mismatch[]>('capability_check', { kind, targetId, people }),
  startVisit: (form: NewVisit) => call<VisitDetail>('start_visit', { form }),
  visitDetail: (id: string) => call<VisitDetail>('visit_detail', { id }),
  unfinishedVisits: () => call<VisitSummary[]>('unfinished_visits'),
  recentVisits: () => call<VisitSummary[]>('recent_visits'),
  saveVisitField: (id: string, field: VisitField) => call<NewHazard | null>('save_visit_field', { id, field }),
  endVisit: (id: string) => call<VisitDetail>('end_visit', { id }),
  addHazard: (visitId: string, form: NewHazard) => call<HazardView>('add_hazard', { visitId, form }),
  saveHazardField: (id: string, field: HazardField) => call<null>('save_hazard_field', { id, field }),
  addHazardEvent: (id: string, kind: HazardEventKind, note: string) =>
    call<HazardView>('add_hazard_event', { id, kind, note }),
  reinspect: (visitId: string, hazardId: string, verdict: Reinspection) =>
    call<VisitDetail>('reinspect', { visitId, hazardId, verdict }),
  /** The photo's bytes go as the raw body; the target rides in a header. */
  addPhoto: (bytes: Uint8Array, target: PhotoTarget) =>
    call<IngestedPhoto>('add_photo', bytes, { target: JSON.stringify(target) }),
  photo: (sha256: string, full: boolean) => call<ArrayBuffer>('photo', { sha256, full }),

  // Signed documents
  documentForms: (visitId: string) => call<FormSpec[]>('document_forms', { visitId }),
  draftDocument: (request: DocumentRequest) => call<Draft>('draft_document', { request }),
  signDocument: (request: DocumentRequest) => call<DocumentSummary>('sign_document', { request }),
  listDocuments: (of: { visitId: string } | { enterpriseId: string }) =>
    call<DocumentSummary[]>('list_documents', {
      visitId: 'visitId' in of ? of.visitId : null,
      enterpriseId: 'enterpriseId' in of ? of.enterpriseId : null,
    }),
  /** Renders the PDF and opens the system viewer (which prints it); answers the file's path. */
  openDocument: (id: string) => call<string>('open_document', { id }),
  openEnterpriseFile: (enterpriseId: string) => call<DocumentSummary>('open_enterprise_file', { enterpriseId }),
  /** Writes PDFs into one folder (`null`: the default export folder), reporting each as it is done. */
  exportDocuments: (ids: string[], folder: string | null, onProgress: (p: ExportProgress) => void) => {
    const channel = new Channel<ExportProgress>();
    channel.onmessage = onProgress;
    return call<ExportResult>('export_documents', { ids, folder, onProgress: channel });
  },
  verifyCode: (code: string) => call<Verification>('verify_code', { code }),
  /** The PDF's bytes go as the raw body, like a photo. */
  verifyPdf: (bytes: Uint8Array) => call<Verification>('verify_pdf', bytes),

  // Sync with the central server
  syncStatus: () => call<SyncView>('sync_status'),
  /** Enrols this laptop with the administrator's one-time code; the first sync starts at once. */
  enrollDevice: (server: string, code: string) => call<SyncView>('enroll_device', { server, code }),
  /** Wakes the background sync; the answer is the status at the moment it was woken. */
  syncNow: () => call<SyncView>('sync_now'),
  listConflicts: () => call<ConflictView[]>('list_conflicts'),
  reviewConflict: (id: string) => call<null>('review_conflict', { id }),
};

/**
 * Follows the background sync: `onActivity` with each progress step, `onFinished` when an
 * attempt ends (synced or failed). Resolves to the function that stops following; rejects with a
 * CommandError when the window may not listen (callers then rely on polling `syncStatus`).
 */
export async function followSync(handlers: {
  onActivity: (a: SyncActivity) => void;
  onFinished: () => void;
}): Promise<() => void> {
  try {
    const stopActivity = await listen<SyncActivity>('sync-activity', (e) => handlers.onActivity(e.payload));
    try {
      const stopFinished = await listen<null>('sync-finished', () => handlers.onFinished());
      return () => {
        stopActivity();
        stopFinished();
      };
    } catch (e) {
      stopActivity();
      throw e;
    }
  } catch (e) {
    throw toCommandError(e);
  }
}
