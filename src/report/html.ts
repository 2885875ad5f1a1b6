import type {CheckReport} from '../checks/check-report.js'
import {SEVERITY_RANK, type Finding} from '../checks/finding.js'
import {groupFindings, locationOf, verdict, type RenderOptions} from './findings.js'

/**
 * One self-contained HTML file (inline CSS and JS, no external assets) to attach to a change
 * request: summary counts, a table per host/domain, severities colour-coded, columns sortable
 * by clicking their header, printable. Everything from the report is escaped.
 */
export function renderHtml(report: CheckReport, opts: RenderOptions = {}): string {
  const v = verdict(report, opts)
  const s = report.summary
  const sections: string[] = []
  for (const h of groupFindings(report)) {
    sections.push(`<h2>Host ${esc(h.host)}</h2>`, overview(h.host, h.groups))
    for (const g of h.groups) {
      const title = g.domain === undefined ? 'Host-level findings' : `Domain <code>${esc(g.domain)}</code>`
      const badge = g.worst !== undefined ? ` <span class="badge sev-${g.worst}">${g.worst === 'blocker' ? 'BLOCKED' : g.worst}</span>` : ' <span class="badge ok">ok</span>'
      sections.push(`<section class="domain" id="${anchor(h.host, g.domain)}" data-domain="${esc(g.domain ?? '')}"><h3>${title}${badge}</h3>`)
      if (g.files.length > 0) sections.push(`<p class="files">${g.files.map((f) => `<code>${esc(f)}</code>`).join(', ')}</p>`)
      if (g.findings.length === 0) sections.push('<p>No findings.</p>')
      else sections.push(table(g.findings))
      sections.push('</section>')
    }
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>xenlift check report</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>xenlift check report</h1>
<p id="verdict">${esc(v.summary)}</p>
<div class="cards">
${card('domains', 'Domains', s.domains)}${card('blocked', 'Blocked domains', s.blockedDomains)}${card('blocker', 'Blockers', s.blocker)}${card('warning', 'Warnings', s.warning)}${card('info', 'Info', s.info)}${card('waived', 'Waived', s.waived)}
</div>
<p class="next">${esc(v.next)}</p>
<p class="hint">Click a column header to sort. Target: ${esc(report.target)}. Schema version ${report.schemaVersion}.</p>
</header>
<main>
${sections.join('\n')}
</main>
<script>${JS}</script>
</body>
</html>
`
}

/** One row per domain of a host: status and counts, linked to its table. */
function overview(host: string, groups: ReturnType<typeof groupFindings>[number]['groups']): string {
  const rows = groups.map((g) => {
    const c = {blocker: 0, warning: 0, info: 0, waived: 0}
    for (const f of g.findings) f.waived ? c.waived++ : c[f.severity]++
    const status = g.worst === 'blocker' ? 'BLOCKED' : (g.worst ?? 'ok')
    const name = g.domain === undefined ? '(host)' : g.domain
    return `<tr class="${g.worst ? `sev-${g.worst}` : 'ok'}"><td data-key="${g.worst ? SEVERITY_RANK[g.worst] : 3}"><span class="sev">${status}</span></td><td><a href="#${anchor(host, g.domain)}">${esc(name)}</a></td><td>${c.blocker}</td><td>${c.warning}</td><td>${c.info}</td><td>${c.waived}</td><td>${g.files.map((f) => `<code>${esc(f)}</code>`).join('<br>')}</td></tr>`
  })
  return `<table class="findings overview"><thead><tr><th>Status</th><th>Domain</th><th>Blockers</th><th>Warnings</th><th>Info</th><th>Waived</th><th>Source</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`
}

/** A stable fragment id for a domain section. */
function anchor(host: string, domain: string | undefined): string {
  return `d-${`${host}--${domain ?? '(host)'}`.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`)}`
}

function card(id: string, label: string, n: number): string {
  return `<div class="card card-${id}"><span class="n" id="count-${id}">${n}</span><span class="l">${label}</span></div>\n`
}

function table(fs: readonly Finding[]): string {
  const rows = fs.map((f) => {
    const sev = f.waived ? `${f.severity} (waived)` : f.severity
    const cls = f.waived ? 'waived' : `sev-${f.severity}`
    const evidence = f.evidence !== undefined ? `<div class="evidence"><code>${esc(f.evidence)}</code></div>` : ''
    const waiver = f.waived ? `<div class="waiver">Waived by ${esc(f.waived.by)}: ${esc(f.waived.reason)}</div>` : ''
    return `<tr class="${cls}"><td data-key="${SEVERITY_RANK[f.severity] + (f.waived ? 3 : 0)}"><span class="sev">${esc(sev)}</span></td><td class="rule"><code>${esc(f.rule)}</code></td><td data-key="${esc(sortLoc(f))}">${esc(locationOf(f) || '-')}</td><td>${prose(f.message)}${evidence}</td><td>${prose(f.remediation)}${waiver}</td></tr>`
  })
  return `<table class="findings"><thead><tr><th>Severity</th><th>Rule</th><th>Location</th><th>Finding</th><th>Remediation</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`
}

/** Sort key that orders line numbers numerically. */
function sortLoc(f: Finding): string {
  return `${f.file ?? ''}:${String(f.line ?? 0).padStart(7, '0')}:${String(f.column ?? 0).padStart(5, '0')}`
}

/** Escaped text with the `code spans` of messages and remediations shown as code. */
function prose(s: string): string {
  return esc(s).replace(/`([^`]+)`/g, '<code>$1</code>')
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em;color:#1b1b1b}
h1{margin:0 0 .3em}h2{border-bottom:2px solid #444;padding-bottom:.2em;margin-top:1.6em}h3{margin:1.2em 0 .3em}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em}
.cards{display:flex;flex-wrap:wrap;gap:.6em;margin:.8em 0}
.card{border:1px solid #ccc;border-radius:6px;padding:.4em .9em;min-width:6em;text-align:center}
.card .n{display:block;font-size:1.8em;font-weight:700}.card .l{font-size:.85em;color:#555}
.card-blocker,.card-blocked{border-color:#b00020;color:#b00020}.card-warning{border-color:#b26a00;color:#b26a00}.card-info{border-color:#1565c0;color:#1565c0}
.next{font-weight:600}.hint,.files{color:#555;font-size:.9em}
table.findings{border-collapse:collapse;width:100%;margin:.4em 0 1em}
table.findings th,table.findings td{border:1px solid #ddd;padding:.3em .5em;vertical-align:top;text-align:left}
table.findings td.rule{white-space:nowrap}
table.findings th{background:#f0f0f0;cursor:pointer;user-select:none;white-space:nowrap}
table.findings th[data-dir="asc"]::after{content:" \\25B2"}table.findings th[data-dir="desc"]::after{content:" \\25BC"}
tr.sev-blocker td:first-child{background:#fde0e3;color:#8a0016;font-weight:700}
tr.sev-warning td:first-child{background:#fff1d6;color:#7a4a00;font-weight:600}
tr.sev-info td:first-child{background:#e3efff;color:#0d47a1}
tr.ok td:first-child{background:#e6f4ea;color:#1e5e2a}
table.overview{width:auto}table.overview td:nth-child(n+3):nth-child(-n+6){text-align:right}
tr.waived{color:#777}tr.waived td:first-child{background:#eee;text-decoration:line-through}
.badge{font-size:.75em;padding:.1em .5em;border-radius:4px;vertical-align:middle;color:#fff}
.badge.sev-blocker{background:#b00020}.badge.sev-warning{background:#b26a00}.badge.sev-info{background:#1565c0}.badge.ok{background:#2e7d32}
.evidence{margin-top:.2em;color:#444}.waiver{margin-top:.2em;font-style:italic}
@media print{body{margin:0;font-size:11px}.hint{display:none}th::after{content:""!important}section.domain{break-inside:avoid}}
`

// Sort a table by the clicked column: numeric/`data-key` aware, toggles ascending/descending.
const JS = `
document.querySelectorAll('table.findings th').forEach(function(th){
  th.addEventListener('click', function(){
    var table = th.closest('table'), body = table.tBodies[0], col = th.cellIndex;
    var dir = th.getAttribute('data-dir') === 'asc' ? 'desc' : 'asc';
    table.querySelectorAll('th').forEach(function(o){ o.removeAttribute('data-dir'); });
    th.setAttribute('data-dir', dir);
    var key = function(tr){ var td = tr.cells[col]; return td.getAttribute('data-key') || td.textContent; };
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function(a, b){
      var x = key(a), y = key(b), nx = Number(x), ny = Number(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return dir === 'asc' ? c : -c;
    });
    rows.forEach(function(r){ body.appendChild(r); });
  });
});
`
