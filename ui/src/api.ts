// The only place the UI talks to the Rust side. Every command rejects with a CommandError, whatever
// went wrong underneath (a Rust error, a missing command, running outside Tauri), so screens
// handle exactly one error shape.
import { Channel, invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { AgencyDetail } from './bindings/AgencyDetail';
import type { PersonDetail } from './bindings/PersonDetail';
import type { PostForm } from './bindings/PostForm';
import type { Training } from './bindings/Training';
import type { AgencyId } from './bindings/AgencyId';
import type { ContractView } from './bindings/ContractView';
import type { Finding } from './bindings/Finding';
import type { LetterDraft } from './bindings/LetterDraft';
import type { LetterEventKind } from './bindings/LetterEventKind';
import type { LetterNumberSeries } from './bindings/LetterNumberSeries';
import type { LetterView } from './bindings/LetterView';
import type { Message } from './bindings/Message';
import type { NewContract } from './bindings/NewContract';
import type { AgencySummary } from './bindings/AgencySummary';
import type { Backtrace } from './bindings/Backtrace';
import type { AppStatus } from './bindings/AppStatus';
import type { BackupsView } from './bindings/BackupsView';
import type { Holding } from './bindings/Holding';
import type { ImportDone } from './bindings/ImportDone';
import type { AgencyForm } from './bindings/AgencyForm';
import type { Certificate } from './bindings/Certificate';
import type { ImportKind } from './bindings/ImportKind';
import type { RecordFilter } from './bindings/RecordFilter';
import type { RecordKind } from './bindings/RecordKind';
import type { VisitPage } from './bindings/VisitPage';
import type { ImportPreview } from './bindings/ImportPreview';
import type { ImportRows } from './bindings/ImportRows';
import type { RowFilter } from './bindings/RowFilter';
import type { AuditLog } from './bindings/AuditLog';
import type { CodeCheck } from './bindings/CodeCheck';
import type { CodeKind } from './bindings/CodeKind';
import type { CommandError } from './bindings/CommandError';
import type { ConflictView } from './bindings/ConflictView';
import type { CoverageReport } from './bindings/CoverageReport';
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
import type { EnterpriseId } from './bindings/EnterpriseId';
import type { EnterpriseQuery } from './bindings/EnterpriseQuery';
import type { EnterpriseSummary } from './bindings/EnterpriseSummary';
import type { NewEnterprise } from './bindings/NewEnterprise';
import type { NewPerson } from './bindings/NewPerson';
import type { NewUser } from './bindings/NewUser';
import type { SessionView } from './bindings/SessionView';
import type { PersonId } from './bindings/PersonId';
import type { PersonSummary } from './bindings/PersonSummary';
import type { HazardEventKind } from './bindings/HazardEventKind';
import type { HazardField } from './bindings/HazardField';
import type { HazardView } from './bindings/HazardView';
import type { IngestedPhoto } from './bindings/IngestedPhoto';
import type { Mismatch } from './bindings/Mismatch';
import type { NewHazard } from './bindings/NewHazard';
import type { NewVisit } from './bindings/NewVisit';
import type { OpenedEnterpriseFile } from './bindings/OpenedEnterpriseFile';
import type { OpenedPdf } from './bindings/OpenedPdf';
import type { PhotoTarget } from './bindings/PhotoTarget';
import type { Reinspection } from './bindings/Reinspection';
import type { SyncActivity } from './bindings/SyncActivity';
import type { SyncView } from './bindings/SyncView';
import type { TemplateSummary } from './bindings/TemplateSummary';
import type { VisitDetail } from './bindings/VisitDetail';
import type { VisitField } from './bindings/VisitField';
import type { VisitKind } from './bindings/VisitKind';
import type { VisitSummary } from './bindings/VisitSummary';
import type { BlacklistChange } from './bindings/BlacklistChange';
import type { BlacklistEntryView } from './bindings/BlacklistEntryView';
import type { BlacklistLiftView } from './bindings/BlacklistLiftView';
import type { CapabilityTestView } from './bindings/CapabilityTestView';
import type { EvaluationView } from './bindings/EvaluationView';
import type { GradeChangeView } from './bindings/GradeChangeView';
import type { GradedAgency } from './bindings/GradedAgency';
import type { GradeThresholds } from './bindings/GradeThresholds';
import type { NewBlacklistEntry } from './bindings/NewBlacklistEntry';
import type { NewEvaluation } from './bindings/NewEvaluation';
import type { PassRates } from './bindings/PassRates';
import type { SubjectKind } from './bindings/SubjectKind';
import type { NewAgencyAct } from './bindings/NewAgencyAct';
import type { RecordedAct } from './bindings/RecordedAct';

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

const signedOutListeners = new Set<() => void>();

/** Runs `listener` whenever a command answers that nobody is signed in (the app locked itself). */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

async function call<T>(
  command: string,
  args?: Record<string, unknown> | Uint8Array,
  headers?: Record<string, string>,
): Promise<T> {
  try {
    return await invoke<T>(command, args, headers ? { headers } : undefined);
  } catch (e) {
    const error = toCommandError(e);
    if (error.code === 'signed_out') signedOutListeners.forEach((l) => l());
    throw error;
  }
}

export const api = {
  appStatus: () => call<AppStatus>('app_status'),
  session: () => call<SessionView>('session'),
  signIn: (name: string, password: string) => call<SessionView>('sign_in', { name, password }),
  signOut: () => call<SessionView>('sign_out'),
  resetPassword: (code: string, newPassword: string) =>
    call<SessionView>('reset_password', { code, newPassword }),
  createFirstUser: (form: NewUser) => call<SessionView>('create_first_user', { form }),
  auditLog: () => call<AuditLog>('audit_log'),
  listBackups: () => call<BackupsView>('list_backups'),
  takeBackup: () => call<BackupsView>('take_backup'),
  setBackupsKept: (kept: number) => call<BackupsView>('set_backups_kept', { kept }),
  backupHolding: (name: string) => call<Holding>('backup_holding', { name }),
  restoreBackup: (name: string) => call<Holding>('restore_backup', { name }),
  searchEnterprises: (query: EnterpriseQuery) => call<EnterpriseSummary[]>('search_enterprises', { query }),
  enterpriseFile: (id: string) => call<EnterpriseFile>('enterprise_file', { id }),
  searchAgencies: (text: string) => call<AgencySummary[]>('search_agencies', { text }),
  agencyDetail: (id: string) => call<AgencyDetail>('agency_detail', { id }),
  searchPeople: (text: string) => call<PersonSummary[]>('search_people', { text }),
  listDivisions: () => call<Division[]>('list_divisions'),
  checkCode: (input: string, kind: CodeKind | null) => call<CodeCheck>('check_code', { input, kind }),
  addEnterprise: (form: NewEnterprise) => call<EnterpriseSummary>('add_enterprise', { form }),
  addPerson: (form: NewPerson) => call<PersonSummary>('add_person', { form }),
  updateEnterpriseContact: (id: EnterpriseId, contact: EnterpriseContact) =>
    call<EnterpriseSummary>('update_enterprise_contact', { id, contact }),
  uiReady: (pageMs: number) => call<null>('ui_ready', { pageMs }),
  listTemplates: () => call<TemplateSummary[]>('list_templates'),
  importTemplate: (json: string) => call<[TemplateSummary, boolean]>('import_template', { json }),
  /** A checklist as an Excel sheet laid out the way bureaus write them. */
  importTemplateWorkbook: (bytes: Uint8Array) => call<[TemplateSummary, boolean]>('import_template_workbook', bytes),
  capabilityCheck: (kind: VisitKind, targetId: string, people: PersonId[]) =>
    call<Mismatch[]>('capability_check', { kind, targetId, people }),
  startVisit: (form: NewVisit) => call<VisitDetail>('start_visit', { form }),
  visitDetail: (id: string) => call<VisitDetail>('visit_detail', { id }),
  unfinishedVisits: () => call<VisitSummary[]>('unfinished_visits'),
  recentVisits: () => call<VisitSummary[]>('recent_visits'),
  saveVisitField: (id: string, field: VisitField) => call<NewHazard | null>('save_visit_field', { id, field }),
  endVisit: (id: string) => call<VisitDetail>('end_visit', { id }),
  addHazard: (visitId: string, form: NewHazard) => call<HazardView>('add_hazard', { visitId, form }),
  saveHazardField: (id: string, field: HazardField) => call<null>('save_hazard_field', { id, field }),
  /** The serving agency's people to propose for a visit: those who fit the work (R7) first. */
  proposedPeople: (kind: VisitKind, targetId: string, agencyId: AgencyId) =>
    call<PersonId[]>('proposed_people', { kind, targetId, agencyId }),
  supplementHazard: (id: string, field: HazardField) => call<null>('supplement_hazard', { id, field }),
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
  openDocument: (id: string) => call<OpenedPdf>('open_document', { id }),
  /** Shows a file SafeServe wrote in the system's file manager. */
  revealFile: (path: string) => call<null>('reveal_file', { path }),
  openEnterpriseFile: (enterpriseId: string) => call<OpenedEnterpriseFile>('open_enterprise_file', { enterpriseId }),
  /** Writes PDFs into one folder (`null`: the default export folder), reporting each as it is done. */
  exportDocuments: (ids: string[], folder: string | null, onProgress: (p: ExportProgress) => void) => {
    const channel = new Channel<ExportProgress>();
    channel.onmessage = onProgress;
    return call<ExportResult>('export_documents', { ids, folder, onProgress: channel });
  },
  verifyCode: (code: string) => call<Verification>('verify_code', { code }),
  /** The PDF's bytes go as the raw body, like a photo. */
  verifyPdf: (bytes: Uint8Array) => call<Verification>('verify_pdf', bytes),

  // Registers through Excel
  /** The workbook's bytes go as the raw body; the register and the file's name ride in headers. */
  previewImport: (bytes: Uint8Array, kind: ImportKind, file: string) =>
    call<ImportPreview>('preview_import', bytes, { kind, file: encodeURIComponent(file) }),
  importRows: (token: string, filter: RowFilter, offset: number, limit: number) =>
    call<ImportRows>('import_rows', { token, filter, offset, limit }),
  confirmImport: (token: string) => call<ImportDone>('confirm_import', { token }),
  dropImport: () => call<null>('drop_import'),
  /** Writes the blank template (`null`: into the export folder); answers the file written. */
  writeImportTemplate: (kind: ImportKind, path: string | null) =>
    call<string>('write_import_template', { kind, path }),
  /** Writes the register's ledger (`within` a division code, `null` for all); answers the file. */
  exportLedger: (kind: ImportKind, within: string | null, path: string | null) =>
    call<string>('export_ledger', { kind, within, path }),
  /** 检查与隐患台账: the visits a filter selects (the newest 500) and the totals. */
  findVisits: (filter: RecordFilter) => call<VisitPage>('find_visits', { filter }),
  exportRecords: (kind: RecordKind, filter: RecordFilter, path: string | null) =>
    call<string>('export_records', { kind, filter, path }),

  // Accident back-trace (R12)
  /** `date` YYYY-MM-DD, the accident day; `months` back from it (`null`: 12). */
  backtrace: (enterprise: string, date: string, months: number | null) =>
    call<Backtrace>('backtrace', { enterprise, date, months }),
  /** Draws the back-trace report into the export folder and opens it in the system viewer. */
  backtracePdf: (enterprise: string, date: string, months: number | null) =>
    call<OpenedPdf>('backtrace_pdf', { enterprise, date, months }),

  // Contracts, commissions (R9) and letters (函告)
  contractProblems: (form: NewContract) => call<Message[]>('contract_problems', { form }),
  addContract: (form: NewContract) => call<ContractView>('add_contract', { form }),
  letterCandidates: (visitId: string) => call<Finding[]>('letter_candidates', { visitId }),
  letterDraft: (visitId: string) => call<LetterDraft | null>('letter_draft', { visitId }),
  saveLetterDraft: (draft: LetterDraft) => call<null>('save_letter_draft', { draft }),
  listLetters: (agencyId: string | null) => call<LetterView[]>('list_letters', { agencyId }),
  recordLetterEvent: (letterId: string, kind: LetterEventKind, onDate: string, note: string, by: string) =>
    call<LetterView>('record_letter_event', { letterId, kind, onDate, note, by }),
  letterNumbers: () => call<LetterNumberSeries[]>('letter_numbers'),

  // Sync with the central server
  syncStatus: () => call<SyncView>('sync_status'),
  /** Enrols this laptop with the administrator's one-time code; the first sync starts at once. */
  enrollDevice: (server: string, code: string, ca: string | null) =>
    call<SyncView>('enroll_device', { server, code, ca }),
  /** Wakes the background sync; the answer is the status at the moment it was woken. */
  syncNow: () => call<SyncView>('sync_now'),
  listConflicts: () => call<ConflictView[]>('list_conflicts'),
  reviewConflict: (id: string) => call<null>('review_conflict', { id }),

  // Coverage (R14)
  /** `date` YYYY-MM-DD (`null`: today); `within` a division code or prefix (`null`: everything). */
  coverage: (date: string | null, within: string | null) => call<CoverageReport>('coverage', { date, within }),
  /** Writes the coverage tables as .xlsx to `path` (`null`: the default export folder); answers the file written. */
  exportCoverage: (path: string | null, date: string | null, within: string | null) =>
    call<string>('export_coverage', { path, date, within }),

  // Credit grades (R10), evaluations (R13), the serious-dishonesty list (R11), capability tests (R12)
  /** Grades every agency and records the grades that changed; answers the ranking. */
  gradeAgencies: () => call<GradedAgency[]>('grade_agencies'),
  /** Today's ranking, computed without recording anything. */
  ranking: () => call<GradedAgency[]>('ranking'),
  gradeRules: () => call<[string, GradeThresholds]>('grade_rules'),
  gradeHistory: (agencyId: string) => call<GradeChangeView[]>('grade_history', { agencyId }),
  addEvaluation: (form: NewEvaluation) => call<EvaluationView>('add_evaluation', { form }),
  agencyEvaluations: (agencyId: string) => call<EvaluationView[]>('agency_evaluations', { agencyId }),
  /** A practice notice, a removal from the platform or a restoration (R1, R12). */
  recordAgencyAct: (form: NewAgencyAct) => call<RecordedAct>('record_agency_act', { form }),
  /** 登记服务机构 (`id` null) or 编辑登记信息; answers the agency's id. */
  recordCertificate: (personId: string, certificate: Certificate) =>
    call<null>('record_certificate', { personId, certificate }),
  personDetail: (personId: string) => call<PersonDetail>('person_detail', { personId }),
  recordPost: (personId: string, post: PostForm) => call<Message[]>('record_post', { personId, post }),
  recordTraining: (personId: string, training: Training) => call<null>('record_training', { personId, training }),
  saveAgency: (form: AgencyForm, id: string | null) => call<string>('save_agency', { form, id }),
  enterBlacklist: (form: NewBlacklistEntry) => call<BlacklistChange>('enter_blacklist', { form }),
  liftBlacklist: (entryId: string, lift: BlacklistLiftView) => call<BlacklistChange>('lift_blacklist', { entryId, lift }),
  blacklistOf: (subjectKind: SubjectKind, subjectId: string) =>
    call<BlacklistEntryView[]>('blacklist_of', { subjectKind, subjectId }),
  recordCapabilityTest: (personId: string, takenOn: string, score: number, passed: boolean) =>
    call<CapabilityTestView>('record_capability_test', { personId, takenOn, score, passed }),
  capabilityTests: (personId: string) => call<CapabilityTestView[]>('capability_tests', { personId }),
  capabilityPassRates: (agencyId: string | null) => call<PassRates>('capability_pass_rates', { agencyId }),
  /** Writes the publishable ranking as .xlsx to `path` (`null`: the default export folder); answers the file written. */
  exportRanking: (path: string | null) => call<string>('export_ranking', { path }),
};

/**
 * Calls `onLocked` when the app locks itself because the laptop slept (its lid closed).
 * Resolves to the function that stops listening; a window that may not listen is left to the
 * next command's `signed_out`.
 */
export async function followLock(onLocked: () => void): Promise<() => void> {
  try {
    return await listen<null>('session-locked', () => onLocked());
  } catch {
    return () => {};
  }
}

/** Calls `onFailed` with the reason each time a backup fails (the daily one runs unasked). */
export async function followBackupFailures(onFailed: (problem: Message) => void): Promise<() => void> {
  try {
    return await listen<Message>('backup-failed', (e) => onFailed(e.payload));
  } catch {
    return () => {};
  }
}

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
