import type { Division } from './bindings/Division';

export interface DivisionOption {
  value: string;
  label: string;
  children?: DivisionOption[];
}

/** Districts with their townships beneath, for a Cascader that may stop at either level. */
export function divisionOptions(divisions: Division[]): DivisionOption[] {
  const townships = new Map<string, DivisionOption[]>();
  for (const d of divisions) {
    if (d.parent === null) continue;
    const list = townships.get(d.parent) ?? [];
    list.push({ value: d.code, label: d.name });
    townships.set(d.parent, list);
  }
  return divisions
    .filter((d) => d.parent === null)
    .map((d) => {
      const children = townships.get(d.code);
      return children?.length ? { value: d.code, label: d.name, children } : { value: d.code, label: d.name };
    });
}

/** The selected division of a Cascader path: the township if one was chosen, else the district. */
export function divisionOfPath(path: readonly string[] | null | undefined): string | null {
  return path && path.length > 0 ? path[path.length - 1] : null;
}
