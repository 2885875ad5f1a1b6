/**
 * A plain text table: columns padded to their widest cell, two spaces apart, no trailing
 * spaces, no colour (stdout is for results and often piped).
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`
}

/** KiB as the unit people read in xm/virsh: `512M`, `1.5G`. */
export function formatKiB(kib: number): string {
  const mib = kib / 1024
  if (mib >= 1024) return `${Number((mib / 1024).toFixed(1))}G`
  return `${Math.round(mib)}M`
}
