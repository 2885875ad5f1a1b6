import type {CheckReport} from '../checks/check-report.js'
import type {RenderOptions} from './findings.js'
import {renderHtml} from './html.js'
import {renderJson} from './json.js'
import {renderMarkdown} from './markdown.js'
import {renderText} from './text.js'

export type ReportFormat = 'text' | 'json' | 'markdown' | 'html'

export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'markdown', 'html']

/** Render a check report in one of the four formats. */
export function renderReport(report: CheckReport, format: ReportFormat, opts: RenderOptions = {}): string {
  switch (format) {
    case 'json':
      return renderJson(report)
    case 'markdown':
      return renderMarkdown(report, opts)
    case 'html':
      return renderHtml(report, opts)
    default:
      return renderText(report, opts)
  }
}
