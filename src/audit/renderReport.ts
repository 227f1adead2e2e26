import type { ComplianceReport } from './reportModel.js';
import { renderReportCsv } from './reportCsv.js';
import { renderReportHtml } from './reportHtml.js';

export const reportFormats = ['json', 'csv', 'html'] as const;
export type ReportFormat = (typeof reportFormats)[number];

export const reportContentTypes: Record<ReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

export function isReportFormat(value: string): value is ReportFormat {
  return (reportFormats as readonly string[]).includes(value);
}

export function renderReport(report: ComplianceReport, format: ReportFormat): string {
  if (format === 'csv') return renderReportCsv(report);
  if (format === 'html') return renderReportHtml(report);
  return `${JSON.stringify(report, null, 2)}\n`;
}
