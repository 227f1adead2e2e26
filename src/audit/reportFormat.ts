import type { ComplianceStatus } from './reportModel.js';

/** Small text helpers shared by the HTML report's sections. */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const esc = escapeHtml;

export const statusColors: Record<ComplianceStatus, string> = {
  compliant: '#2e7d32',
  overdue: '#c62828',
  failing: '#ef6c00',
  'out-of-sync': '#6a1b9a',
  drifted: '#ad1457',
  'never-rotated': '#757575',
};

export function statusLabel(status: ComplianceStatus): string {
  return status.replace(/-/g, ' ');
}

/** `2025-03-25 09:00 UTC`, with the exact ISO time on hover. */
export function when(iso: string): string {
  return `<time datetime="${esc(iso)}" title="${esc(iso)}">${esc(shortTime(iso))}</time>`;
}

/** `2025-03-25 09:00` (UTC) without markup: for cells repeated thousands of times. */
export function shortTime(iso: string): string {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso;
}

export function days(ms: number): string {
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

/** 12,345 */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

export function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
