// The only place the UI talks to the Rust side. Every command rejects with a CommandError, whatever
// went wrong underneath (a Rust error, a missing command, running outside Tauri), so screens
// handle exactly one error shape.
import { invoke } from '@tauri-apps/api/core';
import type { AgencyDetail } from './bindings/AgencyDetail';
import type { AgencySummary } from './bindings/AgencySummary';
import type { AppStatus } from './bindings/AppStatus';
import type { CodeCheck } from './bindings/CodeCheck';
import type { CodeKind } from './bindings/CodeKind';
import type { CommandError } from './bindings/CommandError';
import type { Division } from './bindings/Division';
import type { EnterpriseFile } from './bindings/EnterpriseFile';
import type { EnterpriseQuery } from './bindings/EnterpriseQuery';
import type { EnterpriseSummary } from './bindings/EnterpriseSummary';
import type { NewEnterprise } from './bindings/NewEnterprise';
import type { NewPerson } from './bindings/NewPerson';
import type { PersonSummary } from './bindings/PersonSummary';

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

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
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
  uiReady: (pageMs: number) => call<null>('ui_ready', { pageMs }),
};
