import { createHash } from 'node:crypto';

/**
 * The HTML report's only script: search and sort over the targets table, so ten thousand rows stay
 * usable. It is inline and allowed by its hash in the Content Security Policy, which still forbids
 * every request: the page works offline, as a mail attachment or from a file share.
 */
export const reportScript = `(() => {
  const q = document.getElementById('q');
  const shown = document.getElementById('q-count');
  const rows = Array.from(document.querySelectorAll('#targets tbody tr'));
  const groups = Array.from(document.querySelectorAll('#targets details'));
  let timer;
  const filter = () => {
    const terms = q.value.toLowerCase().split(/\\s+/).filter(Boolean);
    let n = 0;
    for (const r of rows) {
      const text = r.dataset.q || (r.dataset.q = r.textContent.toLowerCase());
      const hit = terms.every((t) =>
        t.startsWith('status:') ? r.className === 'st-' + t.slice(7)
        : t.startsWith('tag:') ? r.cells[1].textContent.toLowerCase().split(' ').includes(t.slice(4))
        : text.includes(t));
      r.hidden = !hit;
      if (hit) n++;
    }
    if (terms.length) for (const g of groups) g.open = g.querySelector('tbody tr:not([hidden])') !== null;
    shown.textContent = terms.length ? n + ' of ' + rows.length + ' targets match' : '';
  };
  q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(filter, 120); });
  for (const b of document.querySelectorAll('[data-filter]')) {
    b.addEventListener('click', () => { q.value = b.dataset.filter; filter(); q.scrollIntoView(); });
  }
  for (const th of document.querySelectorAll('#targets th')) {
    th.addEventListener('click', () => {
      const body = th.closest('table').tBodies[0];
      const col = th.cellIndex;
      const asc = th.getAttribute('aria-sort') !== 'ascending';
      for (const h of th.parentElement.children) h.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      const key = (r) => { const c = r.cells[col]; return c.dataset.v || c.textContent; };
      const num = (v) => (v !== '' && !isNaN(v) ? Number(v) : NaN);
      const sorted = Array.from(body.rows).sort((a, b) => {
        const x = key(a), y = key(b), nx = num(x), ny = num(y);
        const d = !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y);
        return asc ? d : -d;
      });
      body.append(...sorted);
    });
  }
})();`;

export const reportScriptHash = `sha256-${createHash('sha256').update(reportScript, 'utf8').digest('base64')}`;

/** The page's policy: no request of any kind, inline styles, data: images, and this one script. */
export const reportCsp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '${reportScriptHash}'`;
